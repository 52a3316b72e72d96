"""Snakemake adapter: the ledger of one bin (every entry of the layout with its final disposition)."""

from lcpipe.stages.ledger import write_bin_ledger
from lcpipe.stages.logs import log_to

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        write_bin_ledger(
            dict(snakemake.input.items()), snakemake.output[0], mag_bin=snakemake.wildcards.mag_bin
        )
