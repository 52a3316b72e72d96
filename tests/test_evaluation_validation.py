"""Validation against known objects: metrics by hand, unknown IDs, the built-in real ASAS-SN case."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lcpipe.evaluation.validation import ASASSN_LABELS, asassn_case, read_known, validate_run
from lcpipe.stages.evaluation import validation_stage

DATA = Path(__file__).parent / "data"
#: The six real SkyPatrol curves of the labelled set copied into tests/data (see their PROVENANCE.txt).
REAL_CURVES = sorted((DATA / "asassn").glob("*-light-curves.csv")) + sorted(
    (DATA / "asassn_dips").glob("*-light-curves.csv")
)

KNOWN = pd.DataFrame(
    {"source_id": ["1", "2", "3", "4", "5", "6", "7"], "class": ["A", "A", "A", "B", "B", "none", "none"]}
)
RUN = pd.DataFrame(
    {
        "source_id": [1, 2, 3, 4, 5, 6, 7, 8],
        "dip_significant": [True, True, False, True, False, True, False, True],
    }
)


def metrics_of(report):
    return report.metrics.set_index("class")


def test_binary_metrics_by_hand():
    m = metrics_of(validate_run(RUN, KNOWN))
    # A: 2 of 3 flagged; one flagged negative (6) is the false alarm against every positive class.
    assert m.loc["A", "recall"] == pytest.approx(2 / 3)
    assert m.loc["A", "precision"] == pytest.approx(2 / 3)
    assert m.loc["A", "f1"] == pytest.approx(2 / 3)
    assert m.loc["B", "recall"] == pytest.approx(1 / 2)
    assert m.loc["B", "precision"] == pytest.approx(1 / 2)
    # none: the right answer is "not flagged" (7 only); objects wrongly left unflagged: 3 and 5.
    assert m.loc["none", "recall"] == pytest.approx(1 / 2)
    assert m.loc["none", "precision"] == pytest.approx(1 / 3)
    assert m.loc["all", "recall"] == pytest.approx(3 / 5)
    assert m.loc["all", "precision"] == pytest.approx(3 / 4)
    assert m.loc["all", "n_false"] == 1


def test_multiclass_metrics_by_hand():
    run = RUN.assign(predicted=["A", "B", None, "B", "", "A", "", "A"])
    m = metrics_of(validate_run(run, KNOWN, predicted_class="predicted"))
    assert m.loc["A", "recall"] == pytest.approx(1 / 3)
    assert m.loc["A", "precision"] == pytest.approx(1 / 2)  # predicted A among known: 1 (A) and 6 (none)
    assert m.loc["B", "recall"] == pytest.approx(1 / 2)
    assert m.loc["B", "precision"] == pytest.approx(1 / 2)  # predicted B: 2 (A) and 4 (B)


def test_unknown_ids_are_named():
    known = pd.concat([KNOWN, pd.DataFrame({"source_id": ["99", "98"], "class": ["A", "B"]})])
    with pytest.raises(ValueError, match=r"2 of 9 known objects are not in the run table: 99, 98"):
        validate_run(RUN, known)
    report = validate_run(RUN, known, unknown="ignore")
    assert report.unknown_ids == ("99", "98")
    assert metrics_of(report).loc["A", "n_known"] == 3


def test_bad_known_lists(tmp_path):
    with pytest.raises(ValueError, match="no class column"):
        validate_run(RUN, KNOWN.rename(columns={"class": "kind"}))
    with pytest.raises(ValueError, match="listed more than once: 1"):
        validate_run(RUN, pd.concat([KNOWN, KNOWN.iloc[:1]]))
    with pytest.raises(ValueError, match="no 'jump_significant' column"):
        validate_run(RUN, KNOWN, detected="jump_significant")


def test_shipped_labels_match_the_published_list():
    known = read_known(ASASSN_LABELS)
    assert len(known) == 29
    assert known["class"].value_counts().to_dict() == {
        "Single Eclipse Binaries": 13,
        "Dippers": 10,
        "Multiple Eclipse Binaries": 6,
    }


def test_builtin_case_missing_folder_is_explained(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no folder .*--asassn-dir"):
        asassn_case(tmp_path / "absent")
    with pytest.raises(FileNotFoundError, match="none of the 29 labelled light curves"):
        asassn_case(tmp_path)


def test_builtin_case_on_the_real_test_curves(tmp_path):
    """The reference pipeline flagged all six of these real curves (labels.csv expected_detected)."""
    for path in REAL_CURVES:
        shutil.copy(path, tmp_path / path.name)
    case = asassn_case(tmp_path)
    assert len(case.paths) == 6
    assert len(case.without_curve) == 23
    assert case.known["expected_detected"].all()
    paths = validation_stage(tmp_path / "out", asassn_dir=tmp_path)
    run = pd.read_parquet(paths["run"])
    assert (run["status"] == "ok").all()
    metrics = pd.read_parquet(paths["metrics"]).set_index("class")
    assert metrics.loc["all", "recall"] == 1.0
    assert np.isclose(metrics.loc["all", "precision"], 1.0)  # no negatives in this list: says nothing
