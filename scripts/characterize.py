"""Snakemake adapter: characterize a bin's candidates (Galactic l/b, Gaia-like crossmatch, derived values)."""

from lcpipe.stages.catalogs import write_characterized
from lcpipe.stages.logs import log_to

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        write_characterized(snakemake.input[0], snakemake.output[0], options=snakemake.params.characterize)
