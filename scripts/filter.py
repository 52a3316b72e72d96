"""Snakemake adapter: filter a bin's events into candidates.parquet and rejected.parquet."""

from lcpipe.stages.filter import write_filtered
from lcpipe.stages.logs import log_to

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        write_filtered(
            snakemake.input.table,
            snakemake.output.candidates,
            snakemake.output.rejected,
            options=snakemake.params.filter,
            read=snakemake.params.read,
            cleaning=snakemake.params.cleaning,
            light_curves=snakemake.input.light_curves,
        )
