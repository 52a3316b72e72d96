"""Snakemake adapter: collect every not-ok source of one bin's stage tables into failures.parquet."""

from lcpipe.stages.failures import write_bin_failures
from lcpipe.stages.logs import log_to

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        write_bin_failures(list(snakemake.input), snakemake.output[0], mag_bin=snakemake.wildcards.mag_bin)
