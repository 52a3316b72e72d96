"""A LightGBM classifier of candidates trained on review labels, with stratified cross-validation.

Training is deterministic (fixed seed, ``deterministic=True``, one thread). The model is saved as a
folder: ``model.txt`` (LightGBM's own text format) and ``model.json`` (classes, feature schema,
parameters, and the cross-validated metrics: accuracy, per-class precision and recall, confusion
matrix). Predictions are per-class probabilities with the entropy and margin of each row, so a
review queue can put the candidates the model is least sure of first.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.classify.truth import precision_recall
from lcpipe.ml.features import feature_matrix, feature_names

MODEL_FILE, META_FILE = "model.txt", "model.json"


class ModelError(ValueError):
    """Labels that cannot train a model, or a model folder that cannot be read."""


@dataclass(frozen=True)
class TrainOptions:
    """LightGBM settings and the cross-validation.

    Attributes
    ----------
    seed : int
        Seed of LightGBM and of the fold split.
    n_folds : int
        Stratified folds (reduced to the smallest class's size when that is smaller, at least 2).
    n_estimators, learning_rate, num_leaves, min_child_samples : int or float
        LightGBM's boosting rounds, shrinkage, leaves per tree and smallest leaf (small: few labels).
    min_per_class : int
        Classes with fewer labels are left out of training (a fold needs one of each).
    """

    seed: int = 20261201
    n_folds: int = 5
    n_estimators: int = 200
    learning_rate: float = 0.05
    num_leaves: int = 15
    min_child_samples: int = 3
    min_per_class: int = 2

    def lightgbm_params(self) -> dict[str, Any]:
        return {
            "n_estimators": self.n_estimators,
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_child_samples": self.min_child_samples,
            "random_state": self.seed,
            "deterministic": True,
            "force_row_wise": True,
            "n_jobs": 1,
            "num_threads": 1,
            "verbose": -1,
        }


@dataclass
class TrainedModel:
    """A trained classifier with its schema and metrics."""

    booster: Any = field(repr=False)
    classes: list[str]
    features: list[str]
    options: TrainOptions
    metrics: dict[str, Any]

    def predict(self, table: pd.DataFrame) -> pd.DataFrame:
        """Per-class probabilities (``prob_<class>``), ``ml_class``, ``ml_entropy`` and ``ml_margin``.

        ``ml_entropy`` is the Shannon entropy of the probabilities (nats; 0 certain, ln K uniform),
        ``ml_margin`` the difference of the two largest probabilities (small: uncertain).
        """
        x = feature_matrix(table, self.features)
        raw = self.booster.predict(x)
        probs = np.asarray(raw, dtype=float).reshape(len(table), -1)
        if probs.shape[1] == 1:  # binary objective: probability of the second class
            probs = np.column_stack([1.0 - probs[:, 0], probs[:, 0]])
        out = pd.DataFrame({f"prob_{c}": probs[:, k] for k, c in enumerate(self.classes)}, index=table.index)
        out["ml_class"] = np.asarray(self.classes, dtype=object)[np.argmax(probs, axis=1)]
        clipped = np.clip(probs, 1e-12, 1.0)
        out["ml_entropy"] = -(probs * np.log(clipped)).sum(axis=1)
        top2 = np.sort(probs, axis=1)[:, -2:] if probs.shape[1] > 1 else np.column_stack([probs, probs])
        out["ml_margin"] = top2[:, 1] - top2[:, 0]
        return out

    def save(self, folder: str | Path) -> Path:
        """Write ``model.txt`` and ``model.json`` into ``folder`` (created)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.booster.save_model(str(folder / MODEL_FILE))
        meta = {
            "classes": self.classes,
            "features": self.features,
            "options": asdict(self.options),
            "metrics": self.metrics,
        }
        (folder / META_FILE).write_text(json.dumps(meta, indent=2, default=float) + "\n")
        return folder


def _classifier(options: TrainOptions):
    import lightgbm

    return lightgbm.LGBMClassifier(**options.lightgbm_params())


def train(table: pd.DataFrame, labels: pd.Series, options: TrainOptions = TrainOptions()) -> TrainedModel:
    """Train on labelled candidates, with stratified cross-validated metrics.

    Parameters
    ----------
    table : DataFrame, N rows
        Candidates with the feature columns (vetted and classified columns).
    labels : Series of str, length N
        Class of each row (rows with a missing label are dropped).
    options : TrainOptions

    Returns
    -------
    TrainedModel
        Fitted on all labelled rows; ``metrics`` holds the out-of-fold ``accuracy``,
        ``per_class`` precision/recall, ``confusion`` and the folds used.

    Raises
    ------
    ModelError
        Fewer than two classes with at least ``min_per_class`` labels.
    """
    from sklearn.model_selection import StratifiedKFold

    labels = pd.Series(labels, index=table.index).astype(object)
    counts = labels.dropna().value_counts()
    kept = sorted(counts[counts >= options.min_per_class].index)
    if len(kept) < 2:
        raise ModelError(
            f"need two classes with at least {options.min_per_class} labels each, got {counts.to_dict()}"
        )
    use = labels.isin(kept).to_numpy()
    rows, y_text = table.loc[use], labels[use].to_numpy()
    classes = list(kept)
    y = np.searchsorted(np.asarray(classes, dtype=object), y_text)
    names = feature_names(rows)
    x = feature_matrix(rows, names)
    n_folds = max(2, min(options.n_folds, int(counts[kept].min())))
    folds = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=options.seed)
    predicted = np.empty(len(y), dtype=int)
    for fit_rows, test_rows in folds.split(x, y):
        model = _classifier(options).fit(x[fit_rows], y[fit_rows])
        probs = model.predict_proba(x[test_rows])
        predicted[test_rows] = model.classes_[np.argmax(probs, axis=1)]
    true_names = np.asarray(classes, dtype=object)[y]
    predicted_names = np.asarray(classes, dtype=object)[predicted]
    scores = precision_recall(true_names, predicted_names)
    confusion = pd.crosstab(pd.Series(true_names, name="true"), pd.Series(predicted_names, name="predicted"))
    metrics = {
        "n_labels": len(y),
        "n_folds": n_folds,
        "accuracy": float(np.mean(true_names == predicted_names)),
        "per_class": {
            str(name): {k: (None if pd.isna(v) else float(v)) for k, v in row.items()}
            for name, row in scores.drop(index="all").iterrows()
        },
        "confusion": {str(t): {str(p): int(n) for p, n in row.items()} for t, row in confusion.iterrows()},
        "left_out_classes": {str(k): int(v) for k, v in counts.items() if k not in kept},
    }
    final = _classifier(options).fit(x, y)
    return TrainedModel(final.booster_, classes, names, options, metrics)


def load_model(folder: str | Path) -> TrainedModel:
    """Read a model folder written by :meth:`TrainedModel.save`."""
    import lightgbm

    folder = Path(folder)
    if not (folder / MODEL_FILE).is_file() or not (folder / META_FILE).is_file():
        raise ModelError(f"{folder}: not a model folder (needs {MODEL_FILE} and {META_FILE})")
    meta = json.loads((folder / META_FILE).read_text())
    booster = lightgbm.Booster(model_file=str(folder / MODEL_FILE))
    return TrainedModel(
        booster,
        list(meta["classes"]),
        list(meta["features"]),
        TrainOptions(**meta["options"]),
        meta["metrics"],
    )
