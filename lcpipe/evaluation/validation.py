"""Validation of a run against known objects: precision, recall and F1 per class.

A *run* is a per-source table (``source_id`` plus either a boolean detection column such as
``dip_significant`` or a predicted-class column); the *known objects* are ``source_id`` and ``class``.

- Binary mode (a detection column): classes named in ``negative_classes`` (e.g. ``none``) are objects
  that should not be flagged. For a positive class c, recall = flagged members of c / members of c and
  precision = flagged members of c / (flagged members of c + flagged negatives): the purity a search
  would have on a sample made of class c and the negatives. Without negatives, precision is 1 whenever
  something is flagged (nothing can be a false alarm) and says nothing.
- Multi-class mode (a predicted-class column): precision_c = objects predicted c that are c / objects
  predicted c; recall_c = objects of c predicted c / objects of c; an empty prediction is "not flagged".

The row ``all`` pools the positive classes (micro-average).

The built-in case is the labelled real ASAS-SN set (``lcpipe/evaluation/data``, see PROVENANCE.txt):
29 known dimming objects whose 28 light curves ship with lcpipe as gzip-compressed Sky Patrol exports
(``lcpipe/evaluation/data/asassn_skypatrol``); another folder of exports may be given instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

#: Class names that mean "nothing to find" in a known-object list.
NEGATIVE_CLASSES = ("none", "constant", "non-variable", "negative")

#: The shipped labels of the real ASAS-SN validation set.
ASASSN_LABELS = Path(__file__).resolve().parent / "data" / "asassn_skypatrol_labels.csv"

#: The shipped real ASAS-SN light curves (``<source_id>-light-curves.csv.gz``), the default folder.
DEFAULT_ASASSN_DIR = Path(__file__).resolve().parent / "data" / "asassn_skypatrol"

#: File names of a labelled light curve tried in a folder, in order (plain export, then compressed).
ASASSN_NAMES = ("{}-light-curves.csv", "{}-light-curves.csv.gz")

#: Columns of the per-class table.
METRIC_COLUMNS = ("class", "n_known", "n_flagged", "n_false", "precision", "recall", "f1")


def read_known(path: str | Path, *, class_column: str | None = None) -> pd.DataFrame:
    """Read a known-object list (CSV or Parquet) into ``source_id`` (str) and ``class`` columns.

    The class column is ``class_column``, else ``class``, else ``category``. Extra columns are kept.

    Raises
    ------
    ValueError
        No ``source_id`` or class column, or duplicated IDs.
    """
    path = Path(path)
    table = (
        pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, dtype={"source_id": str})
    )
    return normalise_known(table, class_column=class_column, name=str(path))


def normalise_known(
    table: pd.DataFrame, *, class_column: str | None = None, name: str = "known objects"
) -> pd.DataFrame:
    """Check a known-object table and return it with ``source_id`` (str) and ``class`` columns."""
    if "source_id" not in table.columns:
        raise ValueError(f"{name}: no source_id column (columns: {list(table.columns)})")
    column = class_column or next((c for c in ("class", "category") if c in table.columns), None)
    if column is None or column not in table.columns:
        raise ValueError(
            f"{name}: no class column ({class_column or 'class/category'}); columns: {list(table.columns)}"
        )
    out = table.copy()
    out["source_id"] = out["source_id"].astype(str).str.strip()
    out["class"] = out[column].astype(str).str.strip()
    duplicated = out["source_id"][out["source_id"].duplicated()].unique()
    if duplicated.size:
        raise ValueError(f"{name}: source_id listed more than once: {', '.join(duplicated[:10])}")
    return out


@dataclass(frozen=True)
class ValidationReport:
    """Result of :func:`validate_run`.

    Attributes
    ----------
    metrics : DataFrame
        One row per class (:data:`METRIC_COLUMNS`) plus ``all``.
    matched : DataFrame
        The known objects found in the run with ``flagged`` (bool) and ``predicted`` (str).
    unknown_ids : tuple of str
        Known IDs absent from the run (only when ``unknown="ignore"``).
    """

    metrics: pd.DataFrame
    matched: pd.DataFrame
    unknown_ids: tuple[str, ...]


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else np.nan
    recall = tp / (tp + fn) if tp + fn else np.nan
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else np.nan
    return precision, recall, f1


def validate_run(
    run: pd.DataFrame,
    known: pd.DataFrame,
    *,
    detected: str = "dip_significant",
    predicted_class: str | None = None,
    negative_classes: Sequence[str] = NEGATIVE_CLASSES,
    unknown: str = "error",
) -> ValidationReport:
    """Precision, recall and F1 per class of a run against known objects (see the module docstring).

    Parameters
    ----------
    run : DataFrame
        Per-source results with ``source_id`` and the column ``detected`` (or ``predicted_class``).
    known : DataFrame
        ``source_id`` and ``class`` (see :func:`normalise_known`).
    detected : str
        Boolean column of the run meaning "flagged" (binary mode).
    predicted_class : str, optional
        Column of the run with a predicted class per source (multi-class mode); empty = not flagged.
    negative_classes : sequence of str
        Known classes that should not be flagged.
    unknown : {"error", "ignore"}
        What to do with known IDs that are not in the run.

    Raises
    ------
    ValueError
        Missing columns, duplicated IDs, or (with ``unknown="error"``) known IDs not in the run, named
        in the message.
    """
    if unknown not in ("error", "ignore"):
        raise ValueError(f"validate_run: unknown must be 'error' or 'ignore', got {unknown!r}")
    known = normalise_known(known)
    column = predicted_class or detected
    for needed in ("source_id", column):
        if needed not in run.columns:
            raise ValueError(f"validate_run: the run table has no {needed!r} column")
    run_ids = run["source_id"].astype(str).str.strip()
    if run_ids.duplicated().any():
        raise ValueError(
            f"validate_run: the run lists source_id more than once: {run_ids[run_ids.duplicated()].iloc[0]}"
        )
    missing = known.loc[~known["source_id"].isin(set(run_ids)), "source_id"].tolist()
    if missing and unknown == "error":
        shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
        raise ValueError(
            f"validate_run: {len(missing)} of {len(known)} known objects are not in the run table: {shown}. "
            "Check the IDs (source_id as strings) or pass unknown='ignore' to leave them out"
        )
    values = pd.Series(run[column].to_numpy(), index=run_ids)
    matched = known[known["source_id"].isin(set(run_ids))].copy()
    picked = values.loc[matched["source_id"]].to_numpy()
    if predicted_class is not None:
        matched["predicted"] = [
            "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in picked
        ]
        matched["flagged"] = matched["predicted"] != ""
    else:
        matched["flagged"] = picked.astype(bool)
        matched["predicted"] = np.where(matched["flagged"], "flagged", "")
    negatives = matched["class"].isin(set(negative_classes))
    n_false_negatives = int((matched["flagged"] & negatives).sum())
    rows = []
    for cls in sorted(matched["class"].unique()):
        members = matched["class"] == cls
        is_negative = cls in set(negative_classes)
        if predicted_class is not None:
            tp = int((members & (matched["predicted"] == cls)).sum())
            fp = int((~members & (matched["predicted"] == cls)).sum())
        elif is_negative:  # correct answer is "not flagged"
            tp = int((members & ~matched["flagged"]).sum())
            fp = int((~members & ~matched["flagged"] & ~negatives).sum())
        else:
            tp = int((members & matched["flagged"]).sum())
            fp = n_false_negatives
        fn = int(members.sum()) - tp
        rows.append(
            {
                "class": cls,
                "n_known": int(members.sum()),
                "n_flagged": int((members & matched["flagged"]).sum()),
                "n_false": fp,
                **dict(zip(("precision", "recall", "f1"), _prf(tp, fp, fn), strict=True)),
            }
        )
    positives = ~negatives
    if predicted_class is not None:
        tp = int((positives & (matched["predicted"] == matched["class"])).sum())
        fp = int((matched["flagged"] & (matched["predicted"] != matched["class"])).sum())
    else:
        tp = int((positives & matched["flagged"]).sum())
        fp = n_false_negatives
    fn = int(positives.sum()) - tp
    rows.append(
        {
            "class": "all",
            "n_known": int(positives.sum()),
            "n_flagged": int((positives & matched["flagged"]).sum()),
            "n_false": fp,
            **dict(zip(("precision", "recall", "f1"), _prf(tp, fp, fn), strict=True)),
        }
    )
    return ValidationReport(pd.DataFrame(rows, columns=list(METRIC_COLUMNS)), matched, tuple(missing))


@dataclass(frozen=True)
class BuiltinCase:
    """The built-in real ASAS-SN validation case.

    Attributes
    ----------
    known : DataFrame
        Labels of the objects whose light curve is in the folder (``source_id``, ``class`` = category).
    paths : tuple of Path
        Their light-curve files, in the order of ``known``.
    without_curve : tuple of str
        Labelled IDs with no light curve in the folder (left out).
    """

    known: pd.DataFrame
    paths: tuple[Path, ...]
    without_curve: tuple[str, ...]


def _labelled_file(folder: Path, source_id: str) -> Path:
    """The first of :data:`ASASSN_NAMES` present in ``folder`` (the plain name when none is)."""
    candidates = [folder / name.format(source_id) for name in ASASSN_NAMES]
    return next((path for path in candidates if path.is_file()), candidates[0])


def asassn_case(folder: str | Path | None = None) -> BuiltinCase:
    """The labelled real ASAS-SN set: shipped labels, light curves read from ``folder``.

    Parameters
    ----------
    folder : path-like, optional
        Folder of the SkyPatrol CSV exports ``<source_id>-light-curves.csv`` (or ``.csv.gz``); default
        (None or ``""``) :data:`DEFAULT_ASASSN_DIR`, the copies shipped with lcpipe.

    Raises
    ------
    FileNotFoundError
        The folder is missing or holds none of the labelled light curves (the message says where
        they were looked for and how to point elsewhere).
    """
    folder = Path(folder) if folder else DEFAULT_ASASSN_DIR
    hint = (
        "the built-in ASAS-SN validation case needs the real SkyPatrol light curves "
        "(<source_id>-light-curves.csv or .csv.gz); point to their folder with --asassn-dir or the "
        f"config key evaluation.validation.asassn_dir (empty for the copies shipped in {DEFAULT_ASASSN_DIR})"
    )
    if not folder.is_dir():
        raise FileNotFoundError(f"no folder {folder}: {hint}")
    known = read_known(ASASSN_LABELS, class_column="category")
    paths = [_labelled_file(folder, sid) for sid in known["source_id"]]
    present = np.array([p.is_file() for p in paths])
    if not present.any():
        raise FileNotFoundError(f"none of the {len(known)} labelled light curves is in {folder}: {hint}")
    return BuiltinCase(
        known=known[present].reset_index(drop=True),
        paths=tuple(p for p, ok in zip(paths, present, strict=True) if ok),
        without_curve=tuple(known.loc[~present, "source_id"]),
    )
