"""Snakemake adapter: rule-based astrophysical classes of a bin's vetted candidates."""

from lcpipe.stages.classify import write_classified
from lcpipe.stages.logs import log_to

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        write_classified(
            snakemake.input.table,
            snakemake.output[0],
            options=snakemake.params.classify,
            read=snakemake.params.read,
            cleaning=snakemake.params.cleaning,
            light_curves=snakemake.input.light_curves,
        )
