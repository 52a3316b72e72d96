"""Manifest and entries of ASAS-SN-style trees and folders: listing, missing, duplicated and bad entries."""

import csv
from pathlib import Path

import numpy as np
import pytest

from lcpipe.io.read import UNSUPPORTED_SUFFIXES
from lcpipe.manifest import (
    MANIFEST_COLUMNS,
    ManifestError,
    asassn_layout,
    asassn_manifest,
    bin_limits,
    check_source_id,
    folder_sources,
    unbinned_entries,
)
from lcpipe.sharding import shard_of
from lcpipe.stages.manifest import write_bin_manifest, write_collection
from lcpipe.tables import read_table

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
    layout = asassn_layout(index_root, lc_root, "13_13.5", n_shards=2)
    manifest = layout.manifest
    assert dict(zip(manifest["source_id"], manifest["status"], strict=True)) == {
        "101": "ok",
        "102": "missing_file",
        "999": "not_in_index",
    }
    entries = layout.entries.set_index("entry")
    index = str(index_root / "13_13.5" / "index0.csv")
    assert entries.loc[f"{index}:4", "status"] == "duplicate_id"  # third data row, line 4 of the file
    assert entries.loc[f"{index}:4", "duplicate_of"] == f"{index}:2"
    assert entries.loc[index, "status"] == "index_file"
    assert entries.loc[str(lc_root / "13_13.5" / "lc0_cal" / "999.dat2"), "status"] == "ok"
    assert len(entries) == 5  # the index file, its three rows, the unlisted file


def test_repeated_ids_across_index_files_keep_the_first(tmp_path):
    index_root, lc_root = _tree(tmp_path, {0: ["101"], 1: ["101", "201"]}, {0: ["101"], 1: ["101", "201"]})
    layout = asassn_layout(index_root, lc_root, "13_13.5", n_shards=2)
    assert sorted(layout.manifest["source_id"]) == ["101", "201"]
    kept = layout.manifest.set_index("source_id").loc["101", "path"]
    assert Path(kept) == lc_root / "13_13.5" / "lc0_cal" / "101.dat2"
    repeat = layout.entries.loc[layout.entries["status"] == "duplicate_id"]
    assert repeat["duplicate_of"].tolist() == [f"{index_root / '13_13.5' / 'index0.csv'}:2"]
    assert len(layout.entries) == 5  # two index files, three rows (lc1_cal/101.dat2 is its row's file)


def test_unlisted_file_repeating_a_listed_id_is_a_duplicate(tmp_path):
    index_root, lc_root = _tree(tmp_path, {0: ["101"], 1: ["201"]}, {0: ["101"], 1: ["101", "201"]})
    layout = asassn_layout(index_root, lc_root, "13_13.5", n_shards=2)
    assert sorted(layout.manifest["source_id"]) == ["101", "201"]
    entries = layout.entries.set_index("entry")
    extra = str(lc_root / "13_13.5" / "lc1_cal" / "101.dat2")
    assert entries.loc[extra, "status"] == "duplicate_id"
    assert entries.loc[extra, "duplicate_of"] == f"{index_root / '13_13.5' / 'index0.csv'}:2"


@pytest.mark.parametrize("bad_id", ["../../../../x/evil", "a/b", "..", "a\\b", "line\nbreak", "nul\x00id"])
def test_ids_that_cannot_be_file_names_are_bad_id_and_never_become_paths(tmp_path, bad_id):
    index_root, lc_root = _tree(tmp_path, {0: ["101"]}, {0: ["101"]})
    index = index_root / "13_13.5" / "index0.csv"
    with open(index, "a", newline="") as handle:
        csv.writer(handle).writerow([bad_id, 1.0, 2.0, 0.0, 0.0])
    layout = asassn_layout(index_root, lc_root, "13_13.5", n_shards=2)
    assert layout.manifest["source_id"].tolist() == ["101"]
    bad = layout.entries.loc[layout.entries["status"] == "bad_id"]
    assert len(bad) == 1
    assert check_source_id(bad_id) in bad["reason"].tolist()
    assert check_source_id(bad_id)


def test_valid_ids_pass_the_check():
    for good in ("120259184943", "star-1_b", "OGLE-2008-BLG-092", "a.b"):
        assert check_source_id(good) == ""


def test_unusable_index_file_is_an_entry_and_the_others_are_read(tmp_path):
    index_root, lc_root = _tree(tmp_path, {0: ["101"]}, {0: ["101"]})
    folder = index_root / "13_13.5"
    (folder / "index1.csv").write_text("id,ra_deg\n1,2\n")
    (folder / "index2.csv").write_bytes(b"\xff\xfe\x00garbage\x00\n\x00")
    (folder / "notes.txt").write_text("not an index\n")
    layout = asassn_layout(index_root, lc_root, "13_13.5", n_shards=2)
    assert layout.manifest["source_id"].tolist() == ["101"]
    entries = layout.entries.set_index("entry")
    assert entries.loc[str(folder / "index1.csv"), "status"] == "bad_index_file"
    assert "no 'asas_sn_id' column" in entries.loc[str(folder / "index1.csv"), "reason"]
    assert entries.loc[str(folder / "index2.csv"), "status"] == "bad_index_file"
    assert entries.loc[str(folder / "notes.txt"), "status"] == "not_a_light_curve"


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


def test_shards_are_stable_and_in_range():
    ids = [str(i) for i in range(1000)]
    shards = shard_of(ids, 7)
    assert shards.min() == 0
    assert shards.max() == 6
    np.testing.assert_array_equal(shards, shard_of(list(range(1000)), 7))
    assert np.bincount(shards).min() > 100  # roughly balanced


def test_folder_layout_bins_by_median_magnitude_and_lists_the_rest_as_unbinned(tmp_path):
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
        tmp_path / "b.parquet",
        entries_output=tmp_path / "b_entries.parquet",
        mag_bin="13_13.5",
        survey=survey,
        shards=2,
        bins=bins,
        collection=collection,
    )
    assert dict(zip(first["source_id"], first["status"], strict=True)) == {"bright": "ok"}
    assert list(second["source_id"]) == ["faint"]
    assert second["ra"].iloc[0] == pytest.approx(10.5)
    assert np.isnan(first.set_index("source_id").loc["bright", "ra"])
    assert read_table(tmp_path / "b_entries.parquet")["source_id"].tolist() == ["faint"]
    unbinned = unbinned_entries(read_table(collection), bins).set_index("entry")
    assert unbinned.loc[str(folder / "outside.csv"), "status"] == "outside_bins"
    assert "15.0" in unbinned.loc[str(folder / "outside.csv"), "reason"]
    assert unbinned.loc[str(folder / "broken.csv"), "status"] == "header_only"
    assert unbinned.loc[str(folder / "broken.csv"), "reason"]


def test_every_folder_entry_is_listed_with_a_status(tmp_path):
    folder = tmp_path / "lcs"
    folder.mkdir()
    for name in ("X.csv", "X.dat2", "a.fits", "noext", "c.csv.gz", ".hidden"):
        (folder / name).write_text("time,mag,mag_err\n")
    (folder / "looks_like.csv").mkdir()
    (folder / "loop.csv").symlink_to(folder / "loop.csv")
    (folder / "dangling.csv").symlink_to(folder / "nowhere.csv")
    (folder / "good_link.csv").symlink_to(folder / "X.csv")
    entries = folder_sources(folder).set_index("entry")
    status = {Path(e).name: s for e, s in entries["status"].items()}
    assert status == {
        ".hidden": "not_a_light_curve",
        "X.csv": "ok",
        "X.dat2": "duplicate_id",
        "a.fits": "not_a_light_curve",
        "c.csv.gz": "ok" if ".gz" not in UNSUPPORTED_SUFFIXES else "unsupported_format",
        "dangling.csv": "dangling_symlink",
        "good_link.csv": "ok",
        "looks_like.csv": "not_a_light_curve",
        "loop.csv": "symlink_loop",
        "noext": "not_a_light_curve",
    }
    assert entries.loc[str(folder / "X.dat2"), "duplicate_of"] == str(folder / "X.csv")
    assert all(entries.loc[entries["status"] != "ok", "reason"] != "")


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
