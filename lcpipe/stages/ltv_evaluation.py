"""LTV evaluation stage: recovery over slope x magnitude and step size x magnitude, false alarms among
quiet stars with per-camera offsets (lcpipe.evaluation.ltv_recovery); the tables under evaluation/ltv/."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lcpipe.evaluation.ltv_recovery import LTVInjectionOptions, false_alarm_table, ltv_trials, recovery_table
from lcpipe.stages.ltv import LTV_SECTION
from lcpipe.stages.provenance import stage_provenance
from lcpipe.tables import write_table

logger = logging.getLogger(__name__)

#: Files the stage writes into its folder.
LTV_EVALUATION_FILES = ("trials.parquet", "recovery.parquet", "false_alarms.parquet")


def ltv_evaluation_stage(
    out_dir: str | Path, *, injection: Mapping[str, Any], ltv: Mapping[str, Any]
) -> dict[str, Path]:
    """Run the LTV injection grid and the quiet stars; write :data:`LTV_EVALUATION_FILES` into ``out_dir``.

    Parameters
    ----------
    out_dir : path-like
        Destination folder.
    injection : mapping
        :class:`lcpipe.evaluation.ltv_recovery.LTVInjectionOptions` fields (``evaluation.ltv``).
    ltv : mapping
        The LTV stage's section (``ltv``), so the evaluation measures what the pipeline measures.

    Returns
    -------
    dict of str to Path
        The files written, by name.
    """
    out = Path(out_dir)
    grid = LTVInjectionOptions(**{k: tuple(v) if isinstance(v, list) else v for k, v in injection.items()})
    options = LTV_SECTION.build(ltv)
    logger.info("ltv evaluation: %d nulls and the injection grid", grid.n_null)
    trials = ltv_trials(grid, options)
    provenance = stage_provenance(
        "evaluate_ltv", {"injection": dict(injection), "ltv": options.to_dict()}, []
    )
    tables = {
        "trials.parquet": trials,
        "recovery.parquet": recovery_table(trials),
        "false_alarms.parquet": false_alarm_table(trials),
    }
    paths = {}
    for name, table in tables.items():
        paths[name] = write_table(table, out / name, provenance)
    logger.info("ltv evaluation: false alarms\n%s", tables["false_alarms.parquet"].to_string(index=False))
    return paths
