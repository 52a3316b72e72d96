"""The review store: an SQLite file of reviewers' scores, classes and notes per candidate.

Every change is one appended row of ``review_history`` (never updated or deleted), timestamped in UTC and
signed by its reviewer; the view ``reviews`` gives the current state, the latest row per candidate.
A candidate is keyed by ``(source_id, mag_bin)``; each row also records the ``candidate_type`` and the
``fingerprint`` (:func:`lcpipe.review.identity.fingerprint`) the candidate had when it was reviewed, so
a rerun of the workflow keeps the reviews and flags those whose candidate changed since. The database
runs in WAL mode with a busy timeout, so several reviewers (processes) can write to one file at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

#: Version of the schema below, stored in ``store_info``.
SCHEMA_VERSION = 1

#: Event classes a reviewer can give, in the order of the keyboard shortcuts.
REVIEW_CLASSES: tuple[str, ...] = (
    "dipper",
    "fade",
    "microlensing",
    "microlensing_anomaly",
    "flare",
    "eclipsing_binary",
    "periodic",
    "yso",
    "instrumental",
    "other",
    "unclassified",
)

#: Confidence scores: 1 (not real) to 4 (certain).
REVIEW_SCORES: tuple[int, ...] = (1, 2, 3, 4)

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS store_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS review_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id TEXT NOT NULL,
    mag_bin TEXT NOT NULL,
    candidate_type TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    score INTEGER CHECK (score IS NULL OR score BETWEEN 1 AND 4),
    label TEXT CHECK (label IS NULL OR label IN ({", ".join(repr(c) for c in REVIEW_CLASSES)})),
    notes TEXT NOT NULL DEFAULT '',
    reviewer TEXT NOT NULL CHECK (length(reviewer) > 0),
    changed_at TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS review_history_candidate ON review_history (source_id, mag_bin, changed_at, id);
CREATE VIEW IF NOT EXISTS reviews AS
    SELECT source_id, mag_bin, candidate_type, fingerprint, score, label, notes, reviewer, changed_at
    FROM (
        SELECT *, row_number() OVER (
            PARTITION BY source_id, mag_bin ORDER BY changed_at DESC, id DESC
        ) AS newest
        FROM review_history
    )
    WHERE newest = 1;
"""

#: Columns of the ``reviews`` view (and of an export, before ``changed_since_review``).
REVIEW_COLUMNS: tuple[str, ...] = (
    "source_id",
    "mag_bin",
    "candidate_type",
    "fingerprint",
    "score",
    "label",
    "notes",
    "reviewer",
    "changed_at",
)

_HISTORY_COLUMNS = (*REVIEW_COLUMNS, "origin")


class ReviewStoreError(ValueError):
    """A review store that cannot be used (not an lcpipe store, newer schema) or a bad review."""


@dataclass(frozen=True)
class Review:
    """One change of one candidate's review.

    Attributes
    ----------
    source_id, mag_bin : str
        The candidate's key.
    candidate_type : str
        Its families at review time (``candidate_type`` of the run's tables).
    fingerprint : str
        Its identity at review time (:func:`lcpipe.review.identity.fingerprint`).
    score : int or None
        Confidence 1–4.
    label : str or None
        Event class, one of :data:`REVIEW_CLASSES`.
    notes : str
        Free text.
    reviewer : str
        Who made the change (non-empty).
    """

    source_id: str
    mag_bin: str
    candidate_type: str
    fingerprint: str
    score: int | None
    label: str | None
    notes: str
    reviewer: str

    def check(self) -> None:
        """Raise :class:`ReviewStoreError` when a field is out of range."""
        if self.score is not None and self.score not in REVIEW_SCORES:
            raise ReviewStoreError(f"score must be one of {REVIEW_SCORES}, got {self.score!r}")
        if self.label is not None and self.label not in REVIEW_CLASSES:
            raise ReviewStoreError(f"class must be one of {', '.join(REVIEW_CLASSES)}, got {self.label!r}")
        if not self.reviewer.strip():
            raise ReviewStoreError("a review needs the reviewer's name")


def utc_now() -> str:
    """The current time as ISO 8601 UTC with microseconds (sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def connect(path: str | Path, *, timeout_s: float = 30.0) -> sqlite3.Connection:
    """Open (creating if needed) a review store in WAL mode.

    Parameters
    ----------
    path : str or Path
        SQLite file.
    timeout_s : float
        Seconds a writer waits for another writer's lock before failing.

    Raises
    ------
    ReviewStoreError
        The file is not an SQLite database, or holds a newer schema.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=timeout_s, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(f"PRAGMA busy_timeout={int(timeout_s * 1000)}")
        connection.executescript(SCHEMA)  # every statement is IF NOT EXISTS
        with transaction(connection):
            connection.execute(
                "INSERT OR IGNORE INTO store_info (key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )
        (version,) = connection.execute(
            "SELECT value FROM store_info WHERE key = 'schema_version'"
        ).fetchone()
    except sqlite3.DatabaseError as exc:
        connection.close()
        raise ReviewStoreError(f"{path}: not a review store ({exc})") from exc
    if int(version) > SCHEMA_VERSION:
        connection.close()
        raise ReviewStoreError(
            f"{path}: schema version {version} is newer than this lcpipe ({SCHEMA_VERSION})"
        )
    return connection


class transaction:
    """``with transaction(connection):`` one ``BEGIN IMMEDIATE`` … ``COMMIT`` (rollback on error)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> sqlite3.Connection:
        self.connection.execute("BEGIN IMMEDIATE")
        return self.connection

    def __exit__(self, kind, value, traceback) -> None:
        self.connection.execute("ROLLBACK" if kind is not None else "COMMIT")


def record(connection: sqlite3.Connection, review: Review, *, changed_at: str | None = None) -> str:
    """Append one change; returns its timestamp."""
    review.check()
    stamp = changed_at or utc_now()
    with transaction(connection):
        connection.execute(
            "INSERT INTO review_history (source_id, mag_bin, candidate_type, fingerprint, score, label, "
            "notes, reviewer, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(review.source_id),
                str(review.mag_bin),
                review.candidate_type,
                review.fingerprint,
                review.score,
                review.label,
                review.notes,
                review.reviewer.strip(),
                stamp,
            ),
        )
    return stamp


def current_reviews(connection: sqlite3.Connection) -> pd.DataFrame:
    """The ``reviews`` view: the latest change of every reviewed candidate (:data:`REVIEW_COLUMNS`)."""
    frame = pd.read_sql_query(
        f"SELECT {', '.join(REVIEW_COLUMNS)} FROM reviews ORDER BY mag_bin, source_id", connection
    )
    frame["score"] = frame["score"].astype("Int64")
    return frame


def history(connection: sqlite3.Connection) -> pd.DataFrame:
    """Every change ever recorded, oldest first (:data:`REVIEW_COLUMNS` and ``origin``)."""
    return pd.read_sql_query(
        f"SELECT {', '.join(_HISTORY_COLUMNS)} FROM review_history ORDER BY changed_at, id", connection
    )


def with_change_flags(reviews: pd.DataFrame, candidates: pd.DataFrame) -> pd.DataFrame:
    """Add ``changed_since_review`` and ``in_run`` to reviews, against the run's current candidates.

    Parameters
    ----------
    reviews : DataFrame
        :func:`current_reviews` rows.
    candidates : DataFrame
        The run's candidates with ``source_id``, ``mag_bin`` and ``fingerprint``.

    Returns
    -------
    DataFrame
        ``reviews`` with ``in_run`` (the candidate is still a candidate of the run) and
        ``changed_since_review`` (it is, with another fingerprint).
    """
    current = candidates[["source_id", "mag_bin", "fingerprint"]].astype({"source_id": str, "mag_bin": str})
    merged = reviews.merge(
        current.rename(columns={"fingerprint": "_now"}), on=["source_id", "mag_bin"], how="left"
    )
    merged["in_run"] = merged["_now"].notna()
    merged["changed_since_review"] = merged["in_run"] & (merged["_now"] != merged["fingerprint"])
    return merged.drop(columns="_now")


@dataclass(frozen=True)
class MergeConflict:
    """A candidate whose current reviews differ between merged stores."""

    source_id: str
    mag_bin: str
    states: tuple[tuple[str, str, int | None, str | None, str], ...]
    """``(store, reviewer, score, label, changed_at)`` of each store's current review."""

    def describe(self) -> str:
        parts = "; ".join(
            f"{store}: {reviewer} score={score} class={label} at {stamp}"
            for store, reviewer, score, label, stamp in self.states
        )
        return f"{self.mag_bin}/{self.source_id}: {parts}"


def merge_stores(inputs: Sequence[str | Path], out: str | Path) -> list[MergeConflict]:
    """Merge review stores into a new one: the union of their histories.

    Identical changes (same candidate, reviewer, time and content) are kept once; each row's
    ``origin`` names the store it came from. The merged current state of a candidate is its latest
    change over all stores.

    Parameters
    ----------
    inputs : sequence of path
        Stores to merge (at least one).
    out : path
        New store; must not exist.

    Returns
    -------
    list of MergeConflict
        Candidates whose current review (score or class) differs between the stores that reviewed it.

    Raises
    ------
    ReviewStoreError
        ``out`` exists, or an input is missing or not a review store.
    """
    out = Path(out)
    if out.exists():
        raise ReviewStoreError(f"{out}: already exists; merge writes a new store")
    frames, states = [], []
    for path in inputs:
        if not Path(path).is_file():
            raise ReviewStoreError(f"{path}: no such review store")
        connection = connect(path)
        try:
            rows = history(connection)
            current = current_reviews(connection)
        finally:
            connection.close()
        rows["origin"] = rows["origin"].where(rows["origin"] != "", Path(path).name)
        frames.append(rows)
        states.append(current.assign(store_name=Path(path).name))
    merged = pd.concat(frames, ignore_index=True).drop_duplicates(subset=list(REVIEW_COLUMNS), keep="first")
    merged = merged.sort_values("changed_at", kind="stable")
    connection = connect(out)
    try:
        with transaction(connection):
            connection.executemany(
                f"INSERT INTO review_history ({', '.join(_HISTORY_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(_HISTORY_COLUMNS))})",
                _records(merged),
            )
    finally:
        connection.close()
    return _conflicts(pd.concat(states, ignore_index=True))


def _records(frame: pd.DataFrame) -> Iterable[tuple]:
    for row in frame[list(_HISTORY_COLUMNS)].itertuples(index=False):
        values = [None if pd.isna(v) else v for v in row]
        score = values[4]
        values[4] = None if score is None else int(score)
        yield tuple(values)


def _conflicts(states: pd.DataFrame) -> list[MergeConflict]:
    conflicts = []
    for (source_id, mag_bin), group in states.groupby(["source_id", "mag_bin"], sort=True):
        if group["store_name"].nunique() < 2:
            continue
        contents = {
            (None if pd.isna(s) else int(s), label)
            for s, label in zip(group["score"], group["label"], strict=True)
        }
        if len(contents) > 1:
            conflicts.append(
                MergeConflict(
                    str(source_id),
                    str(mag_bin),
                    tuple(
                        (
                            r.store_name,
                            r.reviewer,
                            None if pd.isna(r.score) else int(r.score),
                            r.label,
                            r.changed_at,
                        )
                        for r in group.itertuples()
                    ),
                )
            )
    return conflicts
