"""Manifest of ASAS-SN-style trees: listing, missing and duplicated sources, clear errors."""

from pathlib import Path

import numpy as np
import pytest

from lcpipe.manifest import MANIFEST_COLUMNS, ManifestError, asassn_manifest, bin_limits, folder_sources
from lcpipe.sharding import shard_of
from lcpipe.stages.manifest import write_bin_manifest, write_collection

DAT2_LINE = "7000.1 13.2 0.02 1 3 1 0 bd/field1\n"


def _tree(root: Path, ids_per_index: dict[int, list[str]], files: dict[int, list[str]]) -> tuple[Path, Path]:
    index_root, lc_root = root / "index", root / "lc"
    (index_root / "13_13.5").mkdir(parents=True)
    for num, ids in ids_per_index.items():
        rows = "".join(f"{i},10.{k},-20.{k},1.5,-2.0\n" for k, i in enumerate(ids))
        (index_root / "13_13.5" / f"index{num}.csv").write_text(
            "asas_sn_id,ra_deg,dec_deg,pm_ra,pm_dec\n" + rows
        )
    for num, ids in files.items():
        folder = lc_root / "13_13.5" / f"lc{num}_cal"
        folder.mkdir(parents=True)
        for i in ids:
            (folder / f"{i}.dat2").write_text(DAT2_LINE)
    return index_root, lc_root


def test_lists_sources_with_positions_paths_and_shards(tmp_path):
    index_root, lc_root = _tree(tmp_path, {0: ["101", "102"], 1: ["201"]}, {0: ["101", "102"], 1: ["201"]})
    manifest = asassn_manifest(index_root, lc_root, "13_13.5", n_shards=4)
    assert tuple(manifest.columns) == MANIFEST_COLUMNS
    assert sorted(manifest["source_id"]) == ["101", "102", "201"]
    assert (manifest["status"] == "ok").all()
    assert manifest["exists"].all()
    row = manifest.set_index("source_id").loc["201"]
    assert Path(row["path"]) == lc_root / "13_13.5" / "lc1_cal" / "201.dat2"
    assert row["ra"] == pytest.approx(10.0)
    assert row["pm_dec"] == pytest.approx(-2.0)
    np.testing.assert_array_equal(manifest["shard"], shard_of(manifest["source_id"], 4))


def test_missing_unlisted_and_duplicated_sources_get_a_status(tmp_path):
    index_root, lc_root = _tree(tmp_path, {0: ["101", "102", "101"]}, {0: ["101", "999"]})
    manifest = asassn_manifest(index_root, lc_root, "13_13.5", n_shards=2)
    status = dict(
        zip(manifest["source_id"] + "#" + manifest.index.astype(str), manifest["status"], strict=True)
    )
    assert status == {
        "101#0": "ok",
        "102#1": "missing_file",
        "101#2": "duplicate_id",
        "999#3": "not_in_index",
    }


def test_missing_index_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ManifestError, match=r"index folder for bin '13_13.5' not found: .*index"):
        asassn_manifest(tmp_path / "index", tmp_path / "lc", "13_13.5", n_shards=2)


def test_bin_without_index_files_is_a_clear_error(tmp_path):
    (tmp_path / "index" / "13_13.5").mkdir(parents=True)
    with pytest.raises(ManifestError, match=r"no index<num>\.csv files in"):
        asassn_manifest(tmp_path / "index", tmp_path / "lc", "13_13.5", n_shards=2)


def test_bin_folder_with_no_light_curves_lists_every_source_as_missing(tmp_path):
    index_root, lc_root = _tree(tmp_path, {0: ["101", "102"]}, {})
    manifest = asassn_manifest(index_root, lc_root, "13_13.5", n_shards=2)
    assert (manifest["status"] == "missing_file").all()


def test_index_without_id_column_names_the_file(tmp_path):
    folder = tmp_path / "index" / "13_13.5"
    folder.mkdir(parents=True)
    (folder / "index0.csv").write_text("id,ra_deg\n1,2\n")
    with pytest.raises(ManifestError, match=r"index0.csv has no 'asas_sn_id' column"):
        asassn_manifest(tmp_path / "index", tmp_path / "lc", "13_13.5", n_shards=2)


def test_shards_are_stable_and_in_range():
    ids = [str(i) for i in range(1000)]
    shards = shard_of(ids, 7)
    assert shards.min() == 0
    assert shards.max() == 6
    np.testing.assert_array_equal(shards, shard_of(list(range(1000)), 7))
    assert np.bincount(shards).min() > 100  # roughly balanced


def test_folder_layout_bins_by_median_magnitude_and_keeps_unreadable_files(tmp_path):
    folder = tmp_path / "lcs"
    folder.mkdir()
    rng = np.random.default_rng(5)
    for name, level in (("faint", 13.2), ("bright", 12.1), ("outside", 15.0)):
        t = np.sort(rng.uniform(0, 500, 50))
        rows = "".join(f"{ti:.4f},{level + rng.normal(0, 0.01):.4f},0.01\n" for ti in t)
        (folder / f"{name}.csv").write_text("time,mag,mag_err\n" + rows)
    (folder / "broken.csv").write_text("time,mag,mag_err\n")
    (tmp_path / "cat.csv").write_text("source_id,ra,dec\nfaint,10.5,-3.0\n")
    collection = tmp_path / "collection.parquet"
    write_collection(
        collection, survey={"folder": str(folder), "catalog": str(tmp_path / "cat.csv")}, read={}, cleaning={}
    )
    bins = ["12_12.5", "13_13.5"]
    survey = {"layout": "folder"}
    first = write_bin_manifest(
        tmp_path / "a.parquet", mag_bin="12_12.5", survey=survey, shards=2, bins=bins, collection=collection
    )
    second = write_bin_manifest(
        tmp_path / "b.parquet", mag_bin="13_13.5", survey=survey, shards=2, bins=bins, collection=collection
    )
    assert dict(zip(first["source_id"], first["status"], strict=True)) == {
        "bright": "ok",
        "broken": "unreadable",
    }
    assert list(second["source_id"]) == ["faint"]
    assert second["ra"].iloc[0] == pytest.approx(10.5)
    assert np.isnan(first.set_index("source_id").loc["bright", "ra"])


def test_bin_names_must_encode_magnitude_limits():
    assert bin_limits("12.5_13") == (12.5, 13.0)
    with pytest.raises(ManifestError, match="is not '<lo>_<hi>'"):
        bin_limits("bright")
    with pytest.raises(ManifestError, match="not below"):
        bin_limits("13_12")


def test_sky_patrol_download_names_give_the_asas_sn_id(tmp_path):
    folder = tmp_path / "skypatrol"
    folder.mkdir()
    for name in ("120259184943-light-curves.csv", "plain.csv", "-light-curves.csv"):
        (folder / name).write_text("time,mag,mag_err\n")
    assert sorted(folder_sources(folder)["source_id"]) == ["-light-curves", "120259184943", "plain"]
