"""Snakemake adapter: long-term-variability features of one shard of a magnitude bin."""

from lcpipe.stages.logs import log_to
from lcpipe.stages.ltv import ltv_shard

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        ltv_shard(
            snakemake.input.tags,
            int(snakemake.wildcards.shard),
            snakemake.output[0],
            ltv=snakemake.params.ltv,
            read=snakemake.params.read,
            cleaning=snakemake.params.cleaning,
            light_curves=snakemake.input.light_curves,
            timings=snakemake.log.timings,
        )
