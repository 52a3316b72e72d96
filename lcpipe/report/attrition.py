"""Attrition of a bin: how many sources are left after each stage, from the bin's tables."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lcpipe.tables import flag_column

#: Columns of an attrition table.
ATTRITION_COLUMNS: tuple[str, ...] = ("mag_bin", "step", "stage", "count", "percent")


def _true(table: pd.DataFrame, column: str) -> int | None:
    """Rows whose boolean ``column`` is True (None when the column is absent: stage not run)."""
    if column not in table:
        return None
    return int(flag_column(table, column).sum())


def _equal(table: pd.DataFrame, column: str, value: str) -> int | None:
    if column not in table:
        return None
    return int((table[column].astype(object) == value).sum())


def attrition_table(
    events: pd.DataFrame,
    candidates: pd.DataFrame | None = None,
    vetted: pd.DataFrame | None = None,
    mag_bin: str = "",
) -> pd.DataFrame:
    """Sources remaining after each stage of one bin.

    Parameters
    ----------
    events : DataFrame
        The joined per-source table (``events.parquet``): detection counts.
    candidates : DataFrame, optional
        The filter's survivors (``family_*`` columns): candidate counts per family.
    vetted : DataFrame, optional
        The vetted candidates: Gaia-like counterparts and known variables.
    mag_bin : str
        Bin name written in every row.

    Returns
    -------
    DataFrame
        :data:`ATTRITION_COLUMNS`: ``step`` (1, 2, ...), ``stage`` (what was counted), ``count``
        (sources) and ``percent`` (of the bin's sources; NaN for an empty bin). Steps whose table
        or column is absent (a stage that did not run) are left out.
    """
    steps: list[tuple[str, int | None]] = [
        ("sources in the bin", len(events)),
        ("light curve read", _equal(events, "tag_status", "ok")),
        ("passed the tag cuts", _true(events, "tag_passed_tags")),
        ("PSPL fit converged", _equal(events, "pspl_status", "ok")),
        ("significant PSPL event", _true(events, "pspl_is_event")),
        ("anomaly found by the scan", _true(events, "anomaly_has_candidate")),
        ("dip search ran", _equal(events, "dip_status", "ok")),
        ("significant dip", _true(events, "dip_significant")),
        ("significant jump", _true(events, "jump_significant")),
    ]
    if candidates is not None:
        steps += [
            ("candidates after the filter", len(candidates)),
            ("candidates in the microlensing family", _true(candidates, "family_microlensing")),
            ("candidates in the dip family", _true(candidates, "family_dip")),
            ("candidates in the jump family", _true(candidates, "family_jump")),
        ]
    if vetted is not None:
        steps += [
            ("with a Gaia-like counterpart", _equal(vetted, "gaia_status", "ok")),
            ("known variables", _true(vetted, "known_variable")),
        ]
        new = (
            None
            if "known_variable" not in vetted
            else len(vetted) - int(_true(vetted, "known_variable") or 0)
        )
        steps.append(("new candidates (not known variables)", new))
    kept = [(name, count) for name, count in steps if count is not None]
    total = len(events)
    return pd.DataFrame(
        {
            "mag_bin": [mag_bin] * len(kept),
            "step": np.arange(1, len(kept) + 1),
            "stage": [name for name, _ in kept],
            "count": [count for _, count in kept],
            "percent": [100.0 * count / total if total else np.nan for _, count in kept],
        },
        columns=list(ATTRITION_COLUMNS),
    )


def combine_attrition(tables: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Counts of several bins side by side: one row per stage, one column per bin, and a total.

    Parameters
    ----------
    tables : sequence of DataFrame
        Attrition tables of single bins (:func:`attrition_table`).

    Returns
    -------
    DataFrame
        Index ``stage``; columns the bins in the given order and ``all bins``. A stage missing in
        a bin counts 0 there.
    """
    if not tables:
        return pd.DataFrame(columns=["all bins"], index=pd.Index([], name="stage"))
    long = pd.concat(tables, ignore_index=True)
    order = list(dict.fromkeys(long.sort_values("step", kind="stable")["stage"]))
    bins = list(dict.fromkeys(long["mag_bin"]))
    wide = long.pivot_table(index="stage", columns="mag_bin", values="count", aggfunc="sum", fill_value=0)
    wide = wide.reindex(index=order, columns=bins).fillna(0).astype(int)
    wide["all bins"] = wide.sum(axis=1)
    wide.columns.name = None
    return wide


#: Attrition stages shown as the run's headline counts, and their names there.
HEADLINE_STAGES: dict[str, str] = {
    "sources in the bin": "sources",
    "candidates after the filter": "candidates",
    "candidates in the microlensing family": "microlensing",
    "anomaly found by the scan": "with anomaly (scan)",
    "candidates in the dip family": "dip",
    "candidates in the jump family": "jump",
    "new candidates (not known variables)": "new",
    "known variables": "known variables",
}


def headline_from_attrition(wide: pd.DataFrame) -> dict[str, int]:
    """The run's headline counts from :func:`combine_attrition` (the ``all bins`` column).

    Returns
    -------
    dict
        :data:`HEADLINE_STAGES` names → counts, for the stages present.
    """
    if "all bins" not in wide:
        return {}
    return {
        label: int(wide.loc[stage, "all bins"])
        for stage, label in HEADLINE_STAGES.items()
        if stage in wide.index
    }
