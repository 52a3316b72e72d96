"""Resumable trial runs: a fixed trial plan executed in chunks, each chunk written atomically.

A rerun after an interruption reads the chunk files that are complete and belong to the same plan
(same trials and settings, recorded as a fingerprint in each file's provenance) and runs only the
rest. Trial results depend on the trial alone (each trial seeds its own generator), never on which
chunk or run computed it, so a resumed table equals an uninterrupted one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from lcpipe.tables import read_provenance, read_table, write_table

logger = logging.getLogger(__name__)

#: ``progress(done_trials, total_trials, message)`` is called after every chunk.
Progress = Callable[[int, int, str], None]


def plan_fingerprint(plan: pd.DataFrame, settings: Mapping[str, Any]) -> str:
    """SHA-256 of the trial plan's values and the settings that change a trial's result."""
    digest = hashlib.sha256()
    digest.update(pd.util.hash_pandas_object(plan, index=False).to_numpy().tobytes())
    digest.update(json.dumps(dict(settings), sort_keys=True, default=str).encode())
    return digest.hexdigest()


def chunk_path(chunk_dir: str | Path, index: int) -> Path:
    """File of chunk ``index`` inside ``chunk_dir``."""
    return Path(chunk_dir) / f"chunk_{index:05d}.parquet"


def _chunk_is_done(path: Path, fingerprint: str, trials: pd.Series) -> bool:
    if not path.exists():
        return False
    try:
        if read_provenance(path).get("fingerprint") != fingerprint:
            return False
        done = read_table(path, columns=["trial"])["trial"]
    except (OSError, ValueError, KeyError):  # unreadable or foreign file: recompute it
        return False
    return done.tolist() == trials.tolist()


def _run_one(row: Mapping[str, Any], func: Callable[[Mapping[str, Any]], Mapping[str, Any]], stage: str):
    try:
        return {**row, **func(row)}
    except Exception as exc:  # a trial that crashes is a row, not the end of the run
        logger.error("%s: trial %s failed:\n%s", stage, row["trial"], traceback.format_exc())
        return {**row, "status": "error", "error": f"{type(exc).__name__}: {exc}"}


def run_trials(
    plan: pd.DataFrame,
    func: Callable[[Mapping[str, Any]], Mapping[str, Any]],
    chunk_dir: str | Path,
    *,
    chunk_size: int,
    stage: str,
    settings: Mapping[str, Any],
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Run ``func`` on every row of ``plan`` in chunks, skipping chunks finished by an earlier run.

    Parameters
    ----------
    plan : DataFrame
        One row per trial with an integer ``trial`` column (0..n-1) and everything ``func`` needs.
    func : callable
        Maps one plan row (a dict) to a dict of result columns including ``status``; an exception is
        recorded as ``status="error"`` with its text in ``error``.
    chunk_dir : path-like
        Folder of the chunk files (created).
    chunk_size : int
        Trials per chunk (>= 1).
    stage : str
        Name recorded in each chunk's provenance and in progress lines.
    settings : mapping
        Settings that change results (detection options ...); with the plan they form the fingerprint.
    progress : callable, optional
        Called after each chunk (also for skipped ones) as ``progress(done, total, message)``.

    Returns
    -------
    DataFrame
        Plan columns plus result columns, one row per trial in plan order, ``error`` always present.
    """
    if chunk_size < 1:
        raise ValueError(f"{stage}: chunk_size must be >= 1, got {chunk_size}")
    chunk_dir = Path(chunk_dir)
    chunk_dir.mkdir(parents=True, exist_ok=True)
    fingerprint = plan_fingerprint(plan, settings)
    total = len(plan)
    n_chunks = (total + chunk_size - 1) // chunk_size
    frames, started, n_reused = [], time.monotonic(), 0
    for k in range(n_chunks):
        part = plan.iloc[k * chunk_size : (k + 1) * chunk_size]
        path = chunk_path(chunk_dir, k)
        if _chunk_is_done(path, fingerprint, part["trial"]):
            frames.append(read_table(path))
            n_reused += 1
            message = f"{stage}: chunk {k + 1}/{n_chunks} already done"
        else:
            rows = [_run_one(row, func, stage) for row in part.to_dict("records")]
            frame = pd.DataFrame(rows)
            if "error" not in frame.columns:
                frame["error"] = ""
            frame["error"] = frame["error"].fillna("")
            provenance = {"stage": stage, "fingerprint": fingerprint, "chunk": k, "n_chunks": n_chunks}
            write_table(frame, path, provenance)
            frames.append(frame)
            message = f"{stage}: chunk {k + 1}/{n_chunks} done in {time.monotonic() - started:.1f} s"
        done = min((k + 1) * chunk_size, total)
        logger.info("%s (%d/%d trials)", message, done, total)
        if progress is not None:
            progress(done, total, message)
    logger.info("%s: %d trials, %d of %d chunks reused", stage, total, n_reused, n_chunks)
    if not frames:
        return plan.assign(status=pd.Series(dtype=str), error=pd.Series(dtype=str))
    return pd.concat(frames, ignore_index=True)
