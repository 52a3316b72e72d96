"""Snakemake adapter: LTV recovery and false alarms (lcpipe.stages.ltv_evaluation)."""

from pathlib import Path

from lcpipe.stages.logs import log_to
from lcpipe.stages.ltv_evaluation import ltv_evaluation_stage

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        ltv_evaluation_stage(
            Path(snakemake.output[0]).parent, injection=snakemake.params.injection, ltv=snakemake.params.ltv
        )
