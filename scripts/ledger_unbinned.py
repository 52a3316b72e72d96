"""Snakemake adapter: the run's ledger of the folder entries that belong to no bin."""

from lcpipe.stages.ledger import write_unbinned_ledger
from lcpipe.stages.logs import log_to

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        collection = snakemake.input.collection
        write_unbinned_ledger(
            snakemake.output[0], collection=collection[0] if collection else None, bins=snakemake.params.bins
        )
