"""Dip stage: Bayesian dip/jump events of every tagged source that passes the tag cuts."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from lcpipe.dips.events import DipOptions, detect_events
from lcpipe.options import Section
from lcpipe.stages.dip_curves import collect_curves, write_dip_curves
from lcpipe.stages.light_curves import Packed, load_row
from lcpipe.stages.provenance import stage_provenance
from lcpipe.stages.runner import light_curve_options, run_light_curve_shard
from lcpipe.stages.shard_io import passthrough

#: The ``dips`` config section: :class:`DipOptions` fields plus ``require_passed_tags`` (search only the
#: sources that pass the tag cuts).
DIPS_SECTION = Section(
    "dips",
    DipOptions,
    workflow_keys={"require_passed_tags": True},
    replaced_keys={
        "max_mag_err": "cleaning.max_err (drops err >= max_err)",
        "use_good_flag": "cleaning.require_good",
        "drop_saturated": "cleaning.drop_saturated",
    },
)


def dip_source(
    row: Mapping[str, Any],
    *,
    options: DipOptions,
    require_passed_tags: bool,
    read: Mapping[str, Any],
    cleaning: Mapping[str, Any],
    packed: Packed | None = None,
    curves: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Dip/jump search of one tagged source; ``status`` ``skipped_tags`` when it failed the tag cuts.
    Sources with something to plot append their per-point curves to ``curves`` when given
    (:mod:`lcpipe.stages.dip_curves`)."""
    out = passthrough(row)
    if row.get("status") == "ok" and require_passed_tags and not row.get("passed_tags", False):
        return {**out, "status": "skipped_tags"}
    lc, status = load_row(row, read, cleaning, packed)
    if lc is None or status != "ok":
        return {**out, "status": status}
    result = detect_events(lc, options)
    if curves is not None:
        collect_curves(curves, row["source_id"], lc, result, options)
    result.pop("source_id", None)
    return {**out, **result}


def dips_shard(
    tags: str | Path,
    shard: int,
    output: str | Path,
    *,
    dips: Mapping[str, Any],
    read: Mapping[str, Any],
    cleaning: Mapping[str, Any],
    light_curves: str | Path | None = None,
    timings: str | Path | None = None,
    curves_output: str | Path | None = None,
) -> pd.DataFrame:
    """Search every source of one shard of a tag table (``shards/tags_<shard>.parquet``); write
    ``shards/dips_<shard>.parquet`` (and the seconds per source to ``timings``, the per-point curves of the
    sources with something to plot to ``curves_output``, ``shards/dip_curves_<shard>.parquet``, when given).

    The light curves come from the shard's packed file ``light_curves``; each row's raw file is read
    when it is None."""
    options = DIPS_SECTION.build(dips)
    require = bool(DIPS_SECTION.workflow(dips)["require_passed_tags"])
    curves: list[dict[str, Any]] | None = None if curves_output is None else []
    func = partial(dip_source, options=options, require_passed_tags=require, curves=curves)
    sections = {"dips": options.to_dict(), "require_passed_tags": require}
    table = run_light_curve_shard(
        tags,
        shard,
        output,
        func,
        stage="dip_events",
        sections=sections,
        read=read,
        cleaning=cleaning,
        light_curves=light_curves,
        timings=timings,
    )
    if curves_output is not None:
        provenance = stage_provenance("dip_curves", light_curve_options(sections, read, cleaning), [tags])
        write_dip_curves(curves, curves_output, provenance)
    return table
