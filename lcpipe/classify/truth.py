"""Scoring classes against the simulated demo survey's truth: per-class precision and recall.

The demo generator (:mod:`lcpipe.simulate`) writes ``truth.parquet`` with the injected signal of
every star in ``kind``; :data:`DEMO_KIND_CLASSES` maps each kind to the class a perfect classifier
would give (stars with nothing injected map to None and are left out of the scores).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Injected kind of the demo → expected class.
DEMO_KIND_CLASSES: dict[str, str] = {
    "dip": "dipper",
    "eclipsing_binary": "eclipsing_binary",
    "flare": "flare",
    "pspl": "microlensing",
    "pspl_planet": "microlensing_anomaly",
}


def truth_labels(truth: pd.DataFrame) -> pd.DataFrame:
    """``source_id`` (str), ``mag_bin`` and ``label`` of every demo star with a class."""
    labels = truth["kind"].astype(str).map(DEMO_KIND_CLASSES)
    keep = labels.notna()
    return pd.DataFrame(
        {
            "source_id": truth.loc[keep, "source_id"].astype(str).to_numpy(),
            "mag_bin": truth.loc[keep, "mag_bin"].astype(str).to_numpy(),
            "label": labels[keep].to_numpy(),
        }
    )


def precision_recall(true: Sequence[str], predicted: Sequence[str]) -> pd.DataFrame:
    """Per-class precision, recall and support.

    Parameters
    ----------
    true, predicted : sequence of str, length N
        Expected and given classes of the same N candidates.

    Returns
    -------
    DataFrame
        Index the classes present in either; columns ``n_true``, ``n_predicted``, ``n_correct``,
        ``precision`` and ``recall`` (NaN where undefined), and an ``all`` row with the accuracy in
        both ``precision`` and ``recall``.
    """
    true = np.asarray(true, dtype=object)
    predicted = np.asarray(predicted, dtype=object)
    classes = sorted(set(true) | set(predicted))
    rows = {}
    for name in classes:
        n_true = int(np.sum(true == name))
        n_predicted = int(np.sum(predicted == name))
        n_correct = int(np.sum((true == name) & (predicted == name)))
        rows[name] = {
            "n_true": n_true,
            "n_predicted": n_predicted,
            "n_correct": n_correct,
            "precision": n_correct / n_predicted if n_predicted else np.nan,
            "recall": n_correct / n_true if n_true else np.nan,
        }
    correct = int(np.sum(true == predicted))
    accuracy = correct / len(true) if len(true) else np.nan
    rows["all"] = {
        "n_true": len(true),
        "n_predicted": len(predicted),
        "n_correct": correct,
        "precision": accuracy,
        "recall": accuracy,
    }
    return pd.DataFrame.from_dict(rows, orient="index")
