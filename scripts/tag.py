"""Snakemake adapter: tag one shard of a magnitude bin."""

from lcpipe.stages.logs import log_to
from lcpipe.stages.tag import tag_shard

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        tag_shard(
            snakemake.input.manifest,
            int(snakemake.wildcards.shard),
            snakemake.output.table,
            light_curves_output=snakemake.output.light_curves,
            collected=snakemake.input.collected[0] if snakemake.input.collected else None,
            tag=snakemake.params.tag,
            read=snakemake.params.read,
            cleaning=snakemake.params.cleaning,
            timings=snakemake.log.timings,
        )
