"""Snakemake adapter: dip injection-recovery (lcpipe.stages.evaluation.dip_injection_stage)."""

from pathlib import Path

from lcpipe.stages.evaluation import dip_injection_stage
from lcpipe.stages.logs import log_to

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        dip_injection_stage(
            Path(snakemake.output[0]).parent,
            snakemake.params.hosts,
            snakemake.params.options,
            read=snakemake.params.read,
            cleaning=snakemake.params.cleaning,
        )
