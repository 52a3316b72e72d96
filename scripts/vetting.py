"""Snakemake adapter: vet a bin's characterized candidates against known variables."""

from lcpipe.stages.catalogs import write_vetted
from lcpipe.stages.logs import log_to

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        write_vetted(snakemake.input[0], snakemake.output[0], options=snakemake.params.vetting)
