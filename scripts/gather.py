"""Snakemake adapter: join the per-shard tables of a bin."""

from lcpipe.stages.gather import gather_shards
from lcpipe.stages.logs import log_to

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        gather_shards(list(snakemake.input), snakemake.output[0])
