"""What the review app serves: the run's candidates and their queue, the store, recomputed figures.

No Dash here: :class:`ReviewSession` and :func:`filter_queue` are plain pandas, testable without a browser.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import numpy as np
import pandas as pd

from lcpipe.plots.dips import dip_plot_data
from lcpipe.review import figures
from lcpipe.review.run import StageOptions, load_candidates, load_points, resolve_path, stage_options
from lcpipe.review.store import Review, connect, current_reviews, record, with_change_flags
from lcpipe.stages.dips import DIPS_SECTION
from lcpipe.stages.microlensing import ANOMALY_SECTION
from lcpipe.stages.microlensing_plots import rescan
from lcpipe.stages.plots import strength


def format_value(value: Any, fmt: str) -> str:
    """A value as the app shows it: empty when missing or not finite, ``yes``/``no`` for booleans."""
    if value is None or value is pd.NA or (isinstance(value, float) and not np.isfinite(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if fmt and isinstance(value, int | float | np.integer | np.floating):
        return format(int(value) if fmt == "d" else float(value), fmt)
    return str(value)


def candidate_path(mag_bin: str, source_id: str) -> str:
    """URL path of a candidate."""
    return f"/candidate/{quote(str(mag_bin), safe='')}/{quote(str(source_id), safe='')}"


def parse_candidate_path(path: str | None) -> tuple[str, str] | None:
    """``(mag_bin, source_id)`` of a candidate URL path, None for any other path."""
    parts = (path or "").strip("/").split("/")
    if len(parts) == 3 and parts[0] == "candidate":
        return unquote(parts[1]), unquote(parts[2])
    return None


@dataclass
class ReviewSession:
    """What the app serves: the run's candidates, the store, and a small cache of recomputed views."""

    results_dir: Path
    db_path: Path
    candidates: pd.DataFrame
    predictions: pd.DataFrame | None = None
    cache_size: int = 32
    _options: dict[str, StageOptions] = field(default_factory=dict, repr=False)
    _views: OrderedDict = field(default_factory=OrderedDict, repr=False)

    @classmethod
    def open(
        cls,
        results_dir: str | Path,
        db_path: str | Path,
        bins: list[str] | None = None,
        predictions: str | None = None,
    ) -> ReviewSession:
        table = load_candidates(results_dir, bins)
        table["strength"] = strength(table).replace(-np.inf, np.nan)
        preds = None
        if predictions:
            preds = pd.read_parquet(predictions).astype({"source_id": str, "mag_bin": str})
            table = table.merge(preds, on=["source_id", "mag_bin"], how="left")
        connect(db_path).close()  # create the store (and fail early on a bad file)
        return cls(Path(results_dir), Path(db_path), table, preds)

    def connection(self) -> sqlite3.Connection:
        return connect(self.db_path)

    def reviews(self) -> pd.DataFrame:
        connection = self.connection()
        try:
            return with_change_flags(current_reviews(connection), self.candidates)
        finally:
            connection.close()

    def queue(self) -> pd.DataFrame:
        """Candidates with their current review (``review_score``, ``review_label``, ``review_state``)."""
        reviews = self.reviews().rename(
            columns={"score": "review_score", "label": "review_label", "reviewer": "review_reviewer"}
        )
        keep = [
            "source_id",
            "mag_bin",
            "review_score",
            "review_label",
            "review_reviewer",
            "changed_since_review",
        ]
        table = self.candidates.merge(reviews[keep], on=["source_id", "mag_bin"], how="left")
        reviewed = table["review_reviewer"].notna()
        changed = table["changed_since_review"].astype("boolean").fillna(False).astype(bool)
        table["review_state"] = np.where(
            changed, "changed since review", np.where(reviewed, "reviewed", "to review")
        )
        table["known"] = (
            table.get("known_variable", pd.Series(False, index=table.index)).astype("boolean").fillna(False)
        )
        return table

    def row(self, mag_bin: str, source_id: str) -> dict[str, Any] | None:
        hit = self.candidates[
            (self.candidates["mag_bin"] == mag_bin) & (self.candidates["source_id"] == source_id)
        ]
        return None if hit.empty else hit.iloc[0].to_dict()

    def options(self, mag_bin: str) -> StageOptions:
        if mag_bin not in self._options:
            self._options[mag_bin] = stage_options(self.results_dir, mag_bin)
        return self._options[mag_bin]

    def views(self, row: dict[str, Any]) -> dict[str, Any]:
        """The candidate's figures (recomputed once, then cached; at most ``cache_size`` candidates)."""
        key = (row["mag_bin"], row["source_id"])
        if key in self._views:
            self._views.move_to_end(key)
            return self._views[key]
        options = self.options(row["mag_bin"])
        lc, status = load_points(resolve_path(row["path"], self.results_dir), options)
        out: dict[str, Any] = {}
        if lc is None or status != "ok":
            out["lightcurve"] = figures.message_figure(f"light curve not readable: {status} ({row['path']})")
        else:
            data = dip_plot_data(lc, row, DIPS_SECTION.build(options.dips))
            out["lightcurve"] = figures.lightcurve_figure(
                data, "Light curve per data set: baseline band, triggered points, runs"
            )
            if bool(row.get("family_microlensing")):
                out["microlensing"] = figures.microlensing_figure(
                    rescan(lc, row, ANOMALY_SECTION.build(options.anomaly, pspl=options.pspl))
                )
            period, source = figures.fold_period(row)
            if np.isfinite(period):
                out["fold"] = figures.fold_figure(data.time, data.mag, data.group, period, source)
        self._views[key] = out
        while len(self._views) > self.cache_size:
            self._views.popitem(last=False)
        return out

    def save(self, mag_bin: str, source_id: str, reviewer: str, **changes: Any) -> dict[str, Any]:
        """Record a change (score, label or notes) on top of the candidate's current review."""
        row = self.row(mag_bin, source_id)
        if row is None:
            raise KeyError(f"no candidate {mag_bin}/{source_id}")
        current = self.review_of(mag_bin, source_id) or {"score": None, "label": None, "notes": ""}
        state = {**current, **changes}
        review = Review(
            source_id,
            mag_bin,
            str(row.get("candidate_type") or ""),
            str(row["fingerprint"]),
            None if state["score"] is None or pd.isna(state["score"]) else int(state["score"]),
            state["label"] or None,
            state["notes"] or "",
            reviewer,
        )
        connection = self.connection()
        try:
            record(connection, review)
        finally:
            connection.close()
        return self.review_of(mag_bin, source_id) or {}

    def review_of(self, mag_bin: str, source_id: str) -> dict[str, Any] | None:
        reviews = self.reviews()
        hit = reviews[(reviews["mag_bin"] == mag_bin) & (reviews["source_id"] == source_id)]
        if hit.empty:
            return None
        out = hit.iloc[0].to_dict()
        out["score"] = None if pd.isna(out["score"]) else int(out["score"])
        return out


def sort_options(session: ReviewSession) -> list[dict[str, str]]:
    options = [
        {"label": "strongest evidence first", "value": "strength"},
        {"label": "source id", "value": "source_id"},
        {"label": "rule-based class score (lowest first)", "value": "class_final_score"},
    ]
    if session.predictions is not None:
        options.insert(0, {"label": "classifier uncertainty (highest entropy first)", "value": "ml_entropy"})
        options.insert(1, {"label": "classifier margin (smallest first)", "value": "ml_margin"})
    return options


def filter_queue(
    table: pd.DataFrame,
    *,
    families: list[str] | None = None,
    bins: list[str] | None = None,
    known: str = "all",
    state: str = "all",
    search: str = "",
    min_strength: float | None = None,
    max_strength: float | None = None,
    sort: str = "strength",
) -> pd.DataFrame:
    """The queue after the filters, in the chosen order (ties by bin and source id)."""
    keep = pd.Series(True, index=table.index)
    if families:
        keep &= (
            table[[f"family_{f}" for f in families if f"family_{f}" in table]]
            .astype("boolean")
            .fillna(False)
            .any(axis=1)
        )
    if bins:
        keep &= table["mag_bin"].isin(bins)
    if known in ("yes", "no"):
        keep &= table["known"] == (known == "yes")
    if state == "to review":
        keep &= table["review_state"] == "to review"
    elif state in ("reviewed", "changed since review"):
        keep &= table["review_state"] == state
    if search:
        keep &= table["source_id"].str.contains(search.strip(), regex=False)
    if min_strength is not None:
        keep &= table["strength"] >= min_strength
    if max_strength is not None:
        keep &= table["strength"] <= max_strength
    out = table[keep]
    ascending = sort in ("source_id", "class_final_score", "ml_margin")
    if sort not in out:
        sort = "strength"
    return out.sort_values(
        [sort, "mag_bin", "source_id"], ascending=[ascending, True, True], na_position="last", kind="stable"
    )
