"""Snakemake adapter: anomaly injection-recovery of one model (lcpipe.stages.evaluation)."""

from pathlib import Path

from lcpipe.stages.evaluation import anomaly_injection_stage
from lcpipe.stages.logs import log_to

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        anomaly_injection_stage(Path(snakemake.output[0]).parent, snakemake.params.options)
