"""Snakemake adapter: write the demo survey (lcpipe simulate)."""

from pathlib import Path

from lcpipe.simulate.survey import SurveySimOptions, simulate_survey
from lcpipe.stages.logs import log_to

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        options = SurveySimOptions(
            seed=snakemake.params.seed,
            mag_bins=tuple(snakemake.params.bins),
            stars_per_bin=snakemake.params.stars_per_bin,
        )
        simulate_survey(Path(snakemake.output.truth).parent, options=options)
