"""Snakemake adapter: anomaly scan of the significant PSPL events of one shard."""

from lcpipe.stages.logs import log_to
from lcpipe.stages.microlensing import anomaly_shard

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        anomaly_shard(
            snakemake.input.pspl,
            int(snakemake.wildcards.shard),
            snakemake.output.table,
            snakemake.output.clusters,
            anomaly=snakemake.params.anomaly,
            pspl=snakemake.params.pspl,
            read=snakemake.params.read,
            cleaning=snakemake.params.cleaning,
            light_curves=snakemake.input.light_curves,
            timings=snakemake.log.timings,
        )
