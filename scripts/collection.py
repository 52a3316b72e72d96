"""Snakemake adapter: list a folder of light curves with their median magnitudes."""

from lcpipe.stages.logs import log_to
from lcpipe.stages.manifest import write_collection

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        write_collection(
            snakemake.output.table,
            survey=snakemake.params.survey,
            read=snakemake.params.read,
            cleaning=snakemake.params.cleaning,
            light_curves=list(snakemake.output.light_curves),
            bins=snakemake.params.bins,
            shards=snakemake.params.shards,
        )
