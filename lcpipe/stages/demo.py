"""Demo stage (rules/demo.smk): write the seeded simulated survey the demo run starts from."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lcpipe.simulate.survey import SurveySimOptions, SurveyTree, simulate_survey


def write_demo_survey(
    truth_path: str | Path,
    *,
    seed: int,
    bins: Sequence[str],
    stars_per_bin: int,
    signal_fraction: float | None = None,
) -> SurveyTree:
    """Write the demo survey into the folder of ``truth_path`` (its ``truth.parquet`` is written last).

    Parameters
    ----------
    truth_path : path-like
        ``<demo out_dir>/truth.parquet``: the rule's output, whose presence means the survey is complete.
    seed : int
        Seed of every random draw (the same seed gives byte-identical files).
    bins : sequence of str
        Magnitude bin labels, in the run's order.
    stars_per_bin : int
        Stars simulated per bin.
    signal_fraction : float, optional
        Share of stars with an injected signal (:class:`~lcpipe.simulate.survey.SurveySimOptions`); None
        keeps the demo's rich mix.
    """
    options = SurveySimOptions(
        seed=seed, mag_bins=tuple(bins), stars_per_bin=stars_per_bin, signal_fraction=signal_fraction
    )
    return simulate_survey(Path(truth_path).parent, options=options)
