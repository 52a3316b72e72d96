"""Dip branch on real ASAS-SN SkyPatrol curves of published dimming objects (recall).

The reference Bayesian dip pipeline flags 24 of the 28 curves shipped in
lcpipe/evaluation/data/asassn_skypatrol (PROVENANCE.txt there). Six curves copied into tests/data (two
Dippers, one multiple- and three single-eclipse binaries) must each be flagged; all 28 (read from the
shipped .csv.gz files, about a second) at least 26 (the reference recall is 24).
"""

from pathlib import Path

import pandas as pd
import pytest

from lcpipe.dips.events import DipOptions, detect_events
from lcpipe.evaluation.validation import DEFAULT_ASASSN_DIR
from lcpipe.io import read_lightcurve

DATA = Path(__file__).parent / "data"
SUBSET = {
    "377957522430": DATA / "asassn_dips",
    "472447294641": DATA / "asassn_dips",
    "68720274411": DATA / "asassn_dips",
    "60130040391": DATA / "asassn",
    "360777377116": DATA / "asassn",
    "231929175915": DATA / "asassn",
}
REFERENCE_RECALL = 24
#: Issue 13's acceptance: at least 26 of the 28 flagged.
ACCEPTED_RECALL = 26


def _labels() -> pd.DataFrame:
    return pd.read_csv(DATA / "asassn_dips" / "labels.csv", dtype={"source_id": str}).set_index("source_id")


@pytest.mark.parametrize("source_id", sorted(SUBSET))
def test_known_dimming_objects_are_flagged(source_id):
    lc = read_lightcurve(SUBSET[source_id] / f"{source_id}-light-curves.csv")
    row = detect_events(lc, DipOptions())
    assert row["status"] == "ok"
    assert row["source_id"] == source_id
    assert row["dip_significant"], f"{source_id} ({_labels().loc[source_id, 'category']}) not flagged"
    assert row["dip_run_points"] >= 2
    assert row["dip_log_bf"] > 0


def test_recall_on_all_28_curves_at_least_reference():
    labels = _labels()
    files = sorted(DEFAULT_ASASSN_DIR.glob("*-light-curves.csv.gz"))
    assert len(files) == 28
    rows = pd.DataFrame([detect_events(read_lightcurve(f), DipOptions()) for f in files])
    assert (rows["status"] == "ok").all()
    assert set(rows["source_id"]) <= set(labels.index)
    assert int(rows["dip_significant"].sum()) >= max(REFERENCE_RECALL, ACCEPTED_RECALL)
