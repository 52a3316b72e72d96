"""Snakemake adapter: PSPL fit of one shard of a magnitude bin."""

from lcpipe.stages.logs import log_to
from lcpipe.stages.microlensing import pspl_shard

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        pspl_shard(
            snakemake.input.tags,
            int(snakemake.wildcards.shard),
            snakemake.output[0],
            pspl=snakemake.params.pspl,
            events=snakemake.params.events,
            read=snakemake.params.read,
            cleaning=snakemake.params.cleaning,
            light_curves=snakemake.input.light_curves,
            timings=snakemake.log.timings,
        )
