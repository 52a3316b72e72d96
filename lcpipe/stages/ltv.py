"""LTV stage: long-term-variability features and candidate flags of every tagged source of a shard."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from lcpipe.ltv.features import LTVOptions, ltv_features
from lcpipe.ltv.selection import select
from lcpipe.options import Section
from lcpipe.stages.light_curves import Packed, load_row
from lcpipe.stages.runner import run_light_curve_shard
from lcpipe.stages.shard_io import passthrough

#: The ``ltv`` config section: :class:`LTVOptions` fields (with the nested ``selection`` thresholds) plus
#: ``require_passed_tags`` (measure only the sources that pass the tag cuts).
LTV_SECTION = Section("ltv", LTVOptions, workflow_keys={"require_passed_tags": True})


def ltv_source(
    row: Mapping[str, Any],
    *,
    options: LTVOptions,
    require_passed_tags: bool,
    read: Mapping[str, Any],
    cleaning: Mapping[str, Any],
    packed: Packed | None = None,
) -> dict[str, Any]:
    """LTV features and candidate flags of one tagged source; ``status`` ``skipped_tags`` when it failed
    the tag cuts."""
    out = passthrough(row)
    if row.get("status") == "ok" and require_passed_tags and not row.get("passed_tags", False):
        return {**out, "status": "skipped_tags", **select({"status": "skipped_tags"}, options.selection)}
    lc, status = load_row(row, read, cleaning, packed)
    if lc is None or status != "ok":
        return {**out, "status": status, **select({"status": status}, options.selection)}
    features = ltv_features(lc, options)
    return {**out, **features, **select(features, options.selection)}


def ltv_shard(
    tags: str | Path,
    shard: int,
    output: str | Path,
    *,
    ltv: Mapping[str, Any],
    read: Mapping[str, Any],
    cleaning: Mapping[str, Any],
    light_curves: str | Path | None = None,
    timings: str | Path | None = None,
) -> pd.DataFrame:
    """Measure every source of one shard of a tag table (``shards/tags_<shard>.parquet``); write
    ``shards/ltv_<shard>.parquet`` (and the seconds per source to ``timings`` when given).

    The light curves come from the shard's packed file ``light_curves``; each row's raw file is read
    when it is None."""
    options = LTV_SECTION.build(ltv)
    require = bool(LTV_SECTION.workflow(ltv)["require_passed_tags"])
    func = partial(ltv_source, options=options, require_passed_tags=require)
    sections = {"ltv": options.to_dict(), "require_passed_tags": require}
    return run_light_curve_shard(
        tags,
        shard,
        output,
        func,
        stage="ltv",
        sections=sections,
        read=read,
        cleaning=cleaning,
        light_curves=light_curves,
        timings=timings,
    )
