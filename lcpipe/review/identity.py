"""A candidate's identity across reruns: its families and its key numbers, rounded, hashed.

A review is keyed by ``(source_id, mag_bin)`` and records the candidate's fingerprint; after a rerun
the fingerprint is computed again and a different value marks the review ``changed_since_review``
(another family, a PSPL fit or event that moved, a different depth).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

#: Columns hashed into the fingerprint and the decimals each is rounded to (days, u0, ln Bayes factors).
FINGERPRINT_COLUMNS: dict[str, int] = {
    "pspl_t0": 1,
    "pspl_tE": 1,
    "pspl_u0": 2,
    "anomaly_best_t0": 1,
    "dip_n_runs": 0,
    "dip_run_t_start": 1,
    "dip_run_duration": 1,
    "dip_log_bf": 0,
    "jump_n_runs": 0,
    "jump_run_t_start": 1,
    "jump_run_duration": 1,
    "jump_log_bf": 0,
}


def _part(value: object, decimals: int) -> str:
    if value is None or value is pd.NA:
        return "-"
    number = float(value)
    if not np.isfinite(number):
        return "-"
    return f"{round(number, decimals):.{decimals}f}"


def fingerprint(table: pd.DataFrame) -> pd.Series:
    """The identity of each candidate row: 12 hex digits of a SHA-1.

    Parameters
    ----------
    table : DataFrame
        Candidates (``vetted.parquet`` rows) with ``candidate_type`` and any of
        :data:`FINGERPRINT_COLUMNS` (a missing column counts as missing values).

    Returns
    -------
    Series of str
        Same index as ``table``; equal for rows whose families and rounded key numbers are equal.
    """
    kinds = (
        table["candidate_type"].astype(str) if "candidate_type" in table else pd.Series("", index=table.index)
    )
    columns = {c: d for c, d in FINGERPRINT_COLUMNS.items() if c in table}
    values = []
    for position, kind in enumerate(kinds):
        parts = [kind, *(f"{c}={_part(table[c].iloc[position], d)}" for c, d in columns.items())]
        values.append(hashlib.sha1("|".join(parts).encode()).hexdigest()[:12])
    return pd.Series(values, index=table.index, dtype=object)
