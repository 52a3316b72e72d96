"""``lcpipe ml train`` / ``lcpipe ml predict``: a LightGBM classifier trained on review labels."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import pandas as pd

from lcpipe.tables import read_table, write_table

#: Defaults shown in the help (lcpipe.ml.model.TrainOptions; kept here so --help imports no LightGBM).
_SEED, _FOLDS = 20261201, 5


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``ml`` subcommand with ``train`` and ``predict``."""
    parser = subparsers.add_parser(
        "ml",
        help="train a LightGBM classifier on review labels, predict class probabilities",
        description="Features per candidate (light-curve statistics, branch outputs, catalog columns) from a "
        "finished run's vetted and classified tables; labels from a review store, an exported label table "
        "or the demo truth.",
    )
    commands = parser.add_subparsers(dest="ml_command", metavar="COMMAND", required=True)
    train = commands.add_parser(
        "train",
        help="train with stratified cross-validation; save the model, its feature schema and metrics",
        description="Train a seeded, deterministic LightGBM classifier (one thread) on the labelled "
        "candidates of RESULTS_DIR and write MODEL_DIR/model.txt and model.json (classes, features, options "
        "and the "
        "cross-validated accuracy, per-class precision/recall and confusion matrix).",
    )
    train.add_argument("results_dir", help="results folder of a finished run")
    source = train.add_mutually_exclusive_group(required=True)
    source.add_argument("--db", help="review store (SQLite): the current class of each reviewed candidate")
    source.add_argument("--labels", help="label table (.parquet or .csv) with source_id, mag_bin, label")
    source.add_argument("--truth", help="the demo survey's truth.parquet (injected kinds as labels)")
    train.add_argument("--out", required=True, help="model folder to write")
    train.add_argument("--seed", type=int, default=_SEED, help=f"seed (default {_SEED})")
    train.add_argument("--folds", type=int, default=_FOLDS, help=f"cross-validation folds (default {_FOLDS})")
    train.set_defaults(func=run_train)
    predict = commands.add_parser(
        "predict",
        help="per-class probabilities, entropy and margin of every candidate",
        description="Predict every candidate of RESULTS_DIR with a model folder; write source_id, mag_bin, "
        "prob_<class>, ml_class, ml_entropy (nats) and ml_margin. `lcpipe review --predictions` orders "
        "its queue by them.",
    )
    predict.add_argument("results_dir", help="results folder of a finished run")
    predict.add_argument("--model", required=True, help="model folder written by `lcpipe ml train`")
    predict.add_argument("--out", required=True, help="predictions Parquet file")
    predict.set_defaults(func=run_predict)


def _labels(args: argparse.Namespace) -> pd.DataFrame:
    if args.db:
        from lcpipe.review.store import connect, current_reviews

        if not Path(args.db).is_file():
            raise FileNotFoundError(f"{args.db}: no such review store")
        connection = connect(args.db)
        try:
            return current_reviews(connection)[["source_id", "mag_bin", "label"]]
        finally:
            connection.close()
    if args.truth:
        from lcpipe.classify.truth import truth_labels

        return truth_labels(read_table(args.truth))
    path = Path(args.labels)
    table = (
        pd.read_csv(path, dtype={"source_id": str, "mag_bin": str})
        if path.suffix == ".csv"
        else read_table(path)
    )
    missing = {"source_id", "mag_bin", "label"} - set(table.columns)
    if missing:
        raise ValueError(f"{path}: label table lacks columns {sorted(missing)}")
    return table[["source_id", "mag_bin", "label"]]


def run_train(args: argparse.Namespace) -> int:
    """Train and save; bad inputs print one error line and return 1."""
    from lcpipe.ml.model import ModelError, TrainOptions, train
    from lcpipe.review.run import RunError, load_candidates

    try:
        candidates = load_candidates(args.results_dir)
        labels = _labels(args).astype({"source_id": str, "mag_bin": str})
        merged = candidates[["source_id", "mag_bin"]].merge(labels, on=["source_id", "mag_bin"], how="left")
        options = dataclasses.replace(TrainOptions(), seed=args.seed, n_folds=args.folds)
        model = train(candidates, merged["label"], options)
    except (RunError, ModelError, OSError, ValueError) as exc:
        print(f"lcpipe ml train: {exc}", file=sys.stderr)
        return 1
    model.save(args.out)
    metrics = model.metrics
    print(
        f"wrote {args.out}: {len(model.classes)} classes, {len(model.features)} features, "
        f"{metrics['n_labels']} labels, {metrics['n_folds']}-fold cross-validated accuracy "
        f"{metrics['accuracy']:.3f}"
    )
    table = pd.DataFrame(metrics["per_class"]).T[["n_true", "n_predicted", "precision", "recall"]]
    table = table.astype({"n_true": int, "n_predicted": int})
    print(table.to_string(float_format=lambda v: f"{v:.3f}"))
    if metrics["left_out_classes"]:
        print(f"left out (too few labels): {metrics['left_out_classes']}")
    return 0


def run_predict(args: argparse.Namespace) -> int:
    """Predict every candidate of the run and write the table."""
    from lcpipe.ml.model import ModelError, load_model
    from lcpipe.review.run import RunError, load_candidates

    try:
        model = load_model(args.model)
        candidates = load_candidates(args.results_dir)
    except (RunError, ModelError, OSError, ValueError) as exc:
        print(f"lcpipe ml predict: {exc}", file=sys.stderr)
        return 1
    out = pd.concat([candidates[["source_id", "mag_bin"]], model.predict(candidates)], axis=1)
    write_table(
        out, args.out, provenance={"stage": "ml_predict", "model": str(args.model), "classes": model.classes}
    )
    print(f"wrote {args.out}: {len(out)} candidates; {out['ml_class'].value_counts().to_dict()}")
    return 0
