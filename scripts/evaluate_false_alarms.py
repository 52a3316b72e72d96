"""Snakemake adapter: false-alarm rates with nothing injected (lcpipe.stages.evaluation.false_alarm_stage)."""

from pathlib import Path

from lcpipe.stages.evaluation import false_alarm_stage
from lcpipe.stages.logs import log_to

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        false_alarm_stage(
            Path(snakemake.output[0]).parent,
            snakemake.params.hosts,
            real_hosts=snakemake.params.real_hosts,
            host_mag=tuple(snakemake.params.host_mag),
            detection=snakemake.params.detection,
            simulated=snakemake.params.simulated,
            read=snakemake.params.read,
            cleaning=snakemake.params.cleaning,
        )
