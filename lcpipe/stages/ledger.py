"""The ledger: one row for every entry the survey layout showed, with its final disposition.

``results/<mag_bin>/ledger.parquet`` lists every entry of the bin (:mod:`lcpipe.manifest`: each index
file, index row and unlisted light-curve file of an ASAS-SN tree, each folder entry of a folder
collection whose median magnitude falls in the bin, with the files of its events);
``results/ledger_unbinned.parquet`` lists the entries of a folder collection that belong to no bin (files
that could not be read, medians outside every bin, entries that are not light curves, duplicates, bad
ids). Together they hold exactly one row per entry the layout showed, so the counts add up; the files of
an event are in the ledger of the event.

Columns (:data:`LEDGER_COLUMNS`): ``entry`` (a path, ``<index file>:<line>`` or
``<catalog>:event_id=<id>``), ``kind``, ``source_id``,
``mag_bin``, ``disposition``, ``status``, ``stage``, ``reason``, ``families``, ``duplicate_of``.

=============  ===========================================================================================
disposition    meaning (``status`` / ``reason``)
=============  ===========================================================================================
``candidate``  passed a filter family (``status`` ``candidate``, ``families`` the candidate type)
``rejected``   searched, passed no family (``status`` ``rejected``, ``reason`` the failed tests)
``skipped``    left out by a cut by design (``status`` ``tag_cuts``, ``reason`` the failed cuts)
``failed``     a stage could not process it (``stage``, its ``status`` and the ``reason``)
``excluded``   never a source: ``duplicate_id`` (``duplicate_of`` the entry kept), ``bad_id``,
               ``bad_index_row``, ``bad_index_file``, ``not_a_light_curve``, ``unsupported_format``,
               ``symlink_loop``, ``dangling_symlink``, ``outside_bins``
``index``      an index file that was read (``status`` ``index_file``; its rows are entries of their own)
``member``     a file read as one data set of an event (``status`` ``event_member``): ``source_id`` is the
               event's, and the event's own row (a sub-folder, or ``<catalog>:event_id=<id>``) holds
               the disposition they share
=============  ===========================================================================================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from lcpipe.io.errors import READ_STATUSES
from lcpipe.manifest import ENTRY_COLUMNS, EVENT_MEMBER, unbinned_entries
from lcpipe.stages.failures import SKIPPED_STATUSES
from lcpipe.stages.provenance import stage_provenance
from lcpipe.tables import flag_column, read_table, write_table

#: Columns of a ledger, in order.
LEDGER_COLUMNS = (
    "entry", "kind", "source_id", "mag_bin", "disposition", "status", "stage", "reason", "families",
    "duplicate_of",
)  # fmt: skip

#: Dispositions, in the order totals are printed.
DISPOSITIONS = ("candidate", "rejected", "skipped", "failed", "excluded", "index", "member")

#: The per-source stage tables of a bin, in pipeline order: (key of the inputs, stage name).
SOURCE_STAGES = (
    ("manifest", "manifest"),
    ("tags", "tag"),
    ("pspl", "pspl_fit"),
    ("anomaly", "anomaly_scan"),
    ("dips", "dip_events"),
)

#: Columns that may hold the detail of a not-ok status, most specific first.
REASON_COLUMNS = ("reason", "read_reason", "status_detail", "error")

#: Explanations of statuses that carry no text of their own.
STATUS_REASONS: dict[str, str] = {
    **READ_STATUSES,
    "missing_file": "the index lists it, its light-curve file does not exist",
    "not_in_index": "light-curve file that no index row names (no coordinates)",
    "no_points_after_cleaning": "no point survived the cleaning cuts",
    "too_few_points": "no more usable points than the fit has parameters",
    "bad_errors": "too few points with a positive, finite error",
    "degenerate": "all magnitudes or all times are equal",
    "fit_failed": "no start gave a finite fit",
    "no_points": "no point passed the dip search's quality policy",
    "constant_magnitudes": "every magnitude is the same",
    "missing_status": "the stage table has no row or no status for it",
}

#: The tag cuts, as flag column → name in ``reason``.
TAG_CUTS = {"failed_span": "span", "failed_cadence": "cadence", "failed_cameras": "cameras"}


class LedgerError(ValueError):
    """The entries and the stage tables of a bin do not describe the same sources."""


def _table(path: str | Path, wanted: Sequence[str]) -> pd.DataFrame:
    """The columns of ``wanted`` that a stage table has (``source_id`` as str)."""
    names = set(pq.read_schema(path).names)
    frame = read_table(path, columns=[c for c in wanted if c in names])
    if "source_id" in frame:
        frame["source_id"] = frame["source_id"].astype(str)
    return frame


def _reason(frame: pd.DataFrame, status: pd.Series) -> pd.Series:
    """Row-wise the first non-empty :data:`REASON_COLUMNS` value, else the status's explanation."""
    reason = pd.Series("", index=frame.index, dtype=object)
    for column in reversed(REASON_COLUMNS):
        if column in frame:
            text = frame[column].fillna("").astype(str)
            reason = text.where(text != "", reason)
    return reason.where(reason != "", status.map(STATUS_REASONS).fillna(""))


def source_dispositions(tables: Mapping[str, str | Path]) -> pd.DataFrame:
    """Final disposition of every source of one bin from its stage tables.

    Parameters
    ----------
    tables : mapping
        Paths keyed ``manifest``, ``tags``, ``pspl``, ``anomaly``, ``dips`` (one row per source each),
        ``candidates`` and ``rejected`` (the filter's outputs).

    Returns
    -------
    DataFrame
        ``source_id, disposition, status, stage, reason, families``, one row per manifest source.
        The first stage (in :data:`SOURCE_STAGES` order) whose status is neither ``ok`` nor skipped by
        design decides a failure, unless the source is a candidate anyway (a branch that failed does not
        undo the other branch's candidate).
    """
    manifest = _table(tables["manifest"], ["source_id", "status"])
    out = pd.DataFrame(
        {
            "source_id": manifest["source_id"],
            "disposition": "",
            "status": "",
            "stage": "",
            "reason": "",
            "families": "",
        }
    ).set_index("source_id", drop=False)
    candidates = _table(tables["candidates"], ["source_id", "candidate_type"]).set_index("source_id")
    rejected = _table(tables["rejected"], ["source_id", "reject_reason"]).set_index("source_id")
    is_candidate = out.index.isin(candidates.index)
    out.loc[is_candidate, ["disposition", "status", "stage"]] = ["candidate", "candidate", "filter"]
    out.loc[is_candidate, "families"] = (
        candidates["candidate_type"].reindex(out.index[is_candidate]).fillna("")
    )
    decided = is_candidate.copy()
    for key, stage in SOURCE_STAGES:
        frame = _table(tables[key], ["source_id", "status", *REASON_COLUMNS]).set_index(
            "source_id", drop=False
        )
        frame = frame.loc[~frame.index.duplicated()].reindex(out.index)
        status = frame["status"].astype(object).where(frame["status"].notna(), "missing_status").astype(str)
        bad = ~decided & (status != "ok") & ~status.isin(SKIPPED_STATUSES).to_numpy()
        bad = np.asarray(bad, dtype=bool)
        out.loc[bad, ["disposition", "stage"]] = ["failed", stage]
        out.loc[bad, "status"] = status[bad]
        out.loc[bad, "reason"] = _reason(frame, status)[bad]
        decided |= bad
    tags = _table(tables["tags"], ["source_id", "passed_tags", *TAG_CUTS]).set_index("source_id")
    tags = tags.loc[~tags.index.duplicated()].reindex(out.index)
    cut = ~decided & ~flag_column(tags, "passed_tags").to_numpy()
    cuts = [
        ", ".join(name for column, name in TAG_CUTS.items() if bool(flag_column(tags, column).loc[sid]))
        for sid in out.index[cut]
    ]
    out.loc[cut, ["disposition", "status", "stage"]] = ["skipped", "tag_cuts", "tag"]
    out.loc[cut, "reason"] = [f"failed the tag cuts: {c}" if c else "failed the tag cuts" for c in cuts]
    decided |= cut
    rest = ~decided
    out.loc[rest, ["disposition", "status", "stage"]] = ["rejected", "rejected", "filter"]
    reasons = rejected["reject_reason"].reindex(out.index[rest]).fillna("not in the filter's tables")
    out.loc[rest, "reason"] = reasons.astype(str).to_numpy()
    return out.reset_index(drop=True)


#: Entry statuses that are read failures of a folder collection's file (disposition ``failed``).
_READ_FAILURES = frozenset(READ_STATUSES) | {"no_points_after_cleaning", "error"}


def entry_ledger(entries: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ledger rows of a set of entries: ``ok`` entries take their source's disposition.

    Parameters
    ----------
    entries : DataFrame
        :data:`lcpipe.manifest.ENTRY_COLUMNS`.
    sources : DataFrame, optional
        :func:`source_dispositions` of the bin; None when no entry is ``ok`` (the unbinned entries).

    Returns
    -------
    DataFrame
        :data:`LEDGER_COLUMNS`, one row per entry, in the entries' order.

    Raises
    ------
    LedgerError
        When an ``ok`` entry has no source, or a source has no ``ok`` entry or several.
    """
    entries = entries.loc[:, list(ENTRY_COLUMNS)].astype(object).reset_index(drop=True)
    entries = entries.where(entries.notna(), "").astype(str)
    ok = entries["status"] == "ok"
    ledger = entries.assign(disposition="excluded", stage="manifest", families="")
    ledger.loc[entries["status"] == "index_file", "disposition"] = "index"
    ledger.loc[entries["status"] == EVENT_MEMBER, "disposition"] = "member"
    failed_read = entries["status"].isin(_READ_FAILURES)
    ledger.loc[failed_read, ["disposition", "stage"]] = ["failed", "collection"]
    ledger.loc[entries["status"] == "outside_bins", "stage"] = "collection"
    if ok.any() or (sources is not None and len(sources)):
        if sources is None:
            raise LedgerError("entries that became sources, but no stage tables")
        ids = entries.loc[ok, "source_id"]
        if ids.duplicated().any() or set(ids) != set(sources["source_id"]):
            extra = sorted(set(ids) ^ set(sources["source_id"]))[:5]
            raise LedgerError(f"the entries and the manifest list different sources (e.g. {extra})")
        decided = sources.set_index("source_id").loc[ids.to_numpy()]
        for column in ("disposition", "status", "stage", "reason", "families"):
            ledger.loc[ok, column] = decided[column].to_numpy()
    return ledger.loc[:, list(LEDGER_COLUMNS)].reset_index(drop=True)


def write_bin_ledger(tables: Mapping[str, str | Path], output: str | Path, *, mag_bin: str) -> pd.DataFrame:
    """Build one bin's ledger and write ``results/<mag_bin>/ledger.parquet`` atomically.

    Parameters
    ----------
    tables : mapping
        ``entries`` (``results/<mag_bin>/entries.parquet``) and the tables of :func:`source_dispositions`.
    output : path-like
        Destination Parquet file.
    mag_bin : str
        Bin name.
    """
    entries = read_table(tables["entries"])
    ledger = entry_ledger(entries, source_dispositions(tables)).assign(mag_bin=mag_bin)
    inputs = [tables[key] for key in sorted(tables)]
    write_table(ledger, output, stage_provenance("ledger", {"mag_bin": mag_bin}, inputs))
    return ledger


def write_unbinned_ledger(
    output: str | Path, *, collection: str | Path | None, bins: Sequence[str]
) -> pd.DataFrame:
    """Write ``results/ledger_unbinned.parquet``: the folder collection's entries of no bin.

    Parameters
    ----------
    output : path-like
        Destination Parquet file.
    collection : path-like or None
        ``results/collection.parquet``; None for an ASAS-SN tree, whose entries all belong to a bin
        folder (the table is then empty).
    bins : sequence of str
        Every configured bin.
    """
    if collection is None:
        entries = pd.DataFrame({c: pd.Series(dtype=str) for c in ENTRY_COLUMNS})
        inputs: list[str | Path] = []
    else:
        entries = unbinned_entries(read_table(collection), list(bins))
        inputs = [collection]
    ledger = entry_ledger(entries)
    write_table(ledger, output, stage_provenance("ledger_unbinned", {"bins": list(bins)}, inputs))
    return ledger


def read_ledgers(results_dir: str | Path) -> pd.DataFrame:
    """Every ledger of a results folder (``*/ledger.parquet`` and ``ledger_unbinned.parquet``) in one table.

    Raises
    ------
    FileNotFoundError
        When the folder holds no ledger.
    """
    root = Path(results_dir)
    paths = sorted(root.glob("*/ledger.parquet"))
    if (root / "ledger_unbinned.parquet").is_file():
        paths.append(root / "ledger_unbinned.parquet")
    if not paths:
        raise FileNotFoundError(f"no ledger in {root} (results/<bin>/ledger.parquet); has the run finished?")
    frames = [read_table(p) for p in paths]
    return pd.concat(frames, ignore_index=True).loc[:, list(LEDGER_COLUMNS)]


def ledger_totals(ledger: pd.DataFrame) -> dict[str, Any]:
    """Counts of one ledger (or several concatenated).

    Returns
    -------
    dict
        ``entries`` (rows), ``dispositions`` (disposition → rows, every disposition listed) and
        ``statuses`` (status → rows, sorted by status).
    """
    dispositions = ledger["disposition"].value_counts()
    statuses = ledger["status"].value_counts().sort_index()
    return {
        "entries": len(ledger),
        "dispositions": {d: int(dispositions.get(d, 0)) for d in DISPOSITIONS},
        "statuses": {str(k): int(v) for k, v in statuses.items()},
    }


def run_ledger_totals(ledger_tables: Sequence[str | Path], unbinned: str | Path | None) -> dict[str, Any]:
    """Ledger totals per bin, of the unbinned entries and of the whole run (for ``run_summary.json``).

    Parameters
    ----------
    ledger_tables : sequence of path-like
        ``results/<mag_bin>/ledger.parquet`` of each bin (the bin is the parent folder name).
    unbinned : path-like or None
        ``results/ledger_unbinned.parquet``.
    """
    frames = {Path(p).parent.name: read_table(p) for p in ledger_tables}
    if unbinned is not None:
        frames["unbinned"] = read_table(unbinned)
    run = (
        pd.concat(list(frames.values()), ignore_index=True)
        if frames
        else pd.DataFrame(columns=list(LEDGER_COLUMNS))
    )
    return {
        "bins": {name: ledger_totals(frame) for name, frame in frames.items() if name != "unbinned"},
        "unbinned": ledger_totals(frames["unbinned"]) if "unbinned" in frames else None,
        "run": ledger_totals(run),
    }
