"""Tag stage on a small hand-made tree: statistics, cut flags, and a row for every bad source."""

from pathlib import Path

import numpy as np
import pytest

from lcpipe.manifest import asassn_manifest
from lcpipe.stages.tag import tag_shard
from lcpipe.tables import read_provenance, read_table, write_table


def _dat2(path: Path, n: int, cameras: tuple[str, ...], span: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(7000.0, 7000.0 + span, n))
    lines = [
        f"{ti:.5f} {13.0 + rng.normal(0, 0.02):.4f} 0.0200 1 {k % len(cameras)} 1 0 "
        f"{cameras[k % len(cameras)]}/f1"
        for k, ti in enumerate(t)
    ]
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture
def bin_manifest(tmp_path):
    index_dir, lc_dir = tmp_path / "index" / "13_13.5", tmp_path / "lc" / "13_13.5" / "lc0_cal"
    index_dir.mkdir(parents=True)
    lc_dir.mkdir(parents=True)
    ids = ["good", "onecam", "short", "empty", "garbage", "missing"]
    rows = "".join(f"{i},{10 + k},{-20 - k},0,0\n" for k, i in enumerate(ids))
    (index_dir / "index0.csv").write_text("asas_sn_id,ra_deg,dec_deg,pm_ra,pm_dec\n" + rows)
    _dat2(lc_dir / "good.dat2", 400, ("ba", "bb", "bc"), 1500.0, 0)
    _dat2(lc_dir / "onecam.dat2", 400, ("ba",), 1500.0, 1)
    _dat2(lc_dir / "short.dat2", 60, ("ba", "bb"), 30.0, 2)
    (lc_dir / "empty.dat2").write_text("")
    (lc_dir / "garbage.dat2").write_bytes(b"\x00\xff\x10 not a light curve \x00")
    manifest = asassn_manifest(tmp_path / "index", tmp_path / "lc", "13_13.5", n_shards=1)
    path = tmp_path / "manifest.parquet"
    write_table(manifest, path)
    return path


def test_every_source_keeps_a_row_with_its_status(bin_manifest, tmp_path):
    out = tmp_path / "tags_0.parquet"
    tag_shard(bin_manifest, 0, out, tag={}, read={}, cleaning={})
    tags = read_table(out).set_index("source_id")
    assert sorted(tags.index) == sorted(["good", "onecam", "short", "empty", "garbage", "missing"])
    assert tags.loc["good", "status"] == "ok"
    assert tags.loc["missing", "status"] == "missing_file"
    assert tags.loc["empty", "status"] == "empty"
    assert tags.loc["garbage", "status"] in {"unreadable", "unknown_format"}
    assert not tags.loc[["empty", "garbage", "missing"], "passed_tags"].any()
    assert read_provenance(out)["stage"] == "tag"


def test_cut_flags_follow_the_options(bin_manifest, tmp_path):
    out = tmp_path / "tags_0.parquet"
    tags = tag_shard(bin_manifest, 0, out, tag={}, read={}, cleaning={}).set_index("source_id")
    good = tags.loc["good"]
    assert good["n_points"] == 400
    assert good["n_cameras"] == 3
    assert good["n_V"] == 400
    assert good["span_days"] == pytest.approx(1500.0, rel=0.02)
    assert good["median_mag"] == pytest.approx(13.0, abs=0.01)
    assert bool(good["passed_tags"])
    assert bool(tags.loc["onecam", "failed_cameras"])
    assert bool(tags.loc["short", "failed_span"])
    relaxed = tag_shard(
        bin_manifest, 0, out, tag={"min_cameras": 1, "min_span_days": 10}, read={}, cleaning={}
    )
    assert relaxed.set_index("source_id").loc[["onecam", "short"], "passed_tags"].all()


def test_known_variable_catalog_tags_matches(bin_manifest, tmp_path):
    vsx = tmp_path / "vsx.csv"
    vsx.write_text("name,ra,dec,class,period\nV1 Test,10.0,-20.0,EA,2.5\n")
    tags = tag_shard(
        bin_manifest, 0, tmp_path / "t.parquet", tag={"known_variables": str(vsx)}, read={}, cleaning={}
    ).set_index("source_id")
    assert bool(tags.loc["good", "known_variable"])
    assert tags.loc["good", "vsx_class"] == "EA"
    assert not tags.loc["onecam", "known_variable"]
