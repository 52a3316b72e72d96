"""Snakemake adapter: dip/jump event search of one shard of a magnitude bin."""

from lcpipe.stages.dips import dips_shard
from lcpipe.stages.logs import log_to

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        dips_shard(
            snakemake.input.tags,
            int(snakemake.wildcards.shard),
            snakemake.output[0],
            dips=snakemake.params.dips,
            read=snakemake.params.read,
            cleaning=snakemake.params.cleaning,
            light_curves=snakemake.input.light_curves,
            timings=snakemake.log.timings,
            curves_output=snakemake.output.curves,
        )
