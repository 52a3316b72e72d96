"""Snakemake adapter: the built-in ASAS-SN validation case (lcpipe.stages.evaluation.validation_stage)."""

from pathlib import Path

from lcpipe.stages.evaluation import validation_stage
from lcpipe.stages.logs import log_to

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        validation_stage(
            Path(snakemake.output[0]).parent,
            asassn_dir=snakemake.params.asassn_dir,
            detection=snakemake.params.detection,
        )
