"""Snakemake adapter: write the demo survey (lcpipe simulate)."""

from lcpipe.stages.demo import write_demo_survey
from lcpipe.stages.logs import log_to

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        write_demo_survey(
            snakemake.output.truth,
            seed=snakemake.params.seed,
            bins=snakemake.params.bins,
            stars_per_bin=snakemake.params.stars_per_bin,
            signal_fraction=snakemake.params.signal_fraction,
        )
