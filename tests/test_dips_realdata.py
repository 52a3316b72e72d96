"""Dip branch on real ASAS-SN SkyPatrol curves of published dimming objects (recall).

The reference Bayesian dip pipeline flags 24 of the 28 curves in ../shared/data/asassn_skypatrol
(README there). Default run: six curves copied into tests/data (two Dippers, one multiple- and three
single-eclipse binaries), every one of which must be flagged. Whenever the shared data folder sits beside
the clone (as in CI): all 28 (about a second), at least the reference recall of 24.
"""

from pathlib import Path

import pandas as pd
import pytest

from lcpipe.dips.events import DipOptions, detect_events
from lcpipe.io import read_lightcurve

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "asassn_skypatrol"
SUBSET = {
    "377957522430": DATA / "asassn_dips",
    "472447294641": DATA / "asassn_dips",
    "68720274411": DATA / "asassn_dips",
    "60130040391": DATA / "asassn",
    "360777377116": DATA / "asassn",
    "231929175915": DATA / "asassn",
}
REFERENCE_RECALL = 24


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


@pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"the shared real-data folder {SHARED} is not beside this clone"
)
def test_recall_on_all_28_curves_at_least_reference():
    labels = _labels()
    files = sorted(SHARED.glob("*-light-curves.csv"))
    assert len(files) == 28
    rows = pd.DataFrame([detect_events(read_lightcurve(f), DipOptions()) for f in files])
    assert (rows["status"] == "ok").all()
    assert set(rows["source_id"]) <= set(labels.index)
    assert int(rows["dip_significant"].sum()) >= REFERENCE_RECALL
