"""``lcpipe classify``: rule-based astrophysical classes of candidates, optionally scored on a truth."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import pandas as pd

from lcpipe.classify.rules import ClassifyOptions
from lcpipe.tables import read_table, write_table

_DEFAULTS = ClassifyOptions()


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``classify`` subcommand."""
    parser = subparsers.add_parser(
        "classify",
        help="rule-based classes (eclipsing binary, flare, CV, starspot, dipper, YSO, disk, ...)",
        description="Read vetted candidate tables (results/<bin>/vetted.parquet), compute light-curve "
        "features from each candidate's file, score every class from the features, branch outputs and "
        "catalog "
        "columns, and write one table with feat_*, class_score_* and class_final. With --truth (the demo "
        "survey's truth.parquet) print per-class precision and recall.",
    )
    parser.add_argument(
        "inputs", nargs="+", help="vetted Parquet tables (the bin is the parent folder's name)"
    )
    parser.add_argument("--out", default=None, help="output Parquet file (default: print the counts only)")
    parser.add_argument(
        "--min-score",
        type=float,
        default=_DEFAULTS.min_score,
        help=f"best score that names a class (default {_DEFAULTS.min_score:g})",
    )
    parser.add_argument(
        "--truth", default=None, help="demo truth.parquet: print precision and recall per class"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Classify; a bad input prints one error line and returns 1."""
    from lcpipe.classify.truth import precision_recall, truth_labels
    from lcpipe.stages.classify import classify_table

    options = dataclasses.replace(_DEFAULTS, min_score=args.min_score)
    frames = []
    try:
        for path in args.inputs:
            table = read_table(path)
            if "mag_bin" not in table:
                table["mag_bin"] = Path(path).parent.name
            frames.append(classify_table(table, options))
        truth = read_table(args.truth) if args.truth else None
    except (OSError, ValueError, KeyError) as exc:
        print(f"lcpipe classify: {exc}", file=sys.stderr)
        return 1
    classified = pd.concat(frames, ignore_index=True)
    if args.out:
        write_table(
            classified, args.out, provenance={"stage": "classify", "options": dataclasses.asdict(options)}
        )
        print(f"wrote {args.out}: {len(classified)} candidates")
    print(classified["class_final"].value_counts().to_string())
    if truth is not None:
        expected = (
            classified[["source_id", "mag_bin"]]
            .astype(str)
            .merge(truth_labels(truth), on=["source_id", "mag_bin"], how="left")
        )
        scores = precision_recall(expected["label"].fillna("not_injected"), classified["class_final"])
        print("\nper-class precision and recall against the truth (row 'all': accuracy)")
        print(scores.to_string(float_format=lambda v: f"{v:.3f}"))
    return 0
