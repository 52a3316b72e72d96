"""The collection of a folder survey packs the light curves it read per bin and shard, so that the tag
stage does not open the files again; the packed curves equal a fresh read of each file."""

from __future__ import annotations

import sys
from itertools import product
from pathlib import Path

import numpy as np

from lcpipe.io.packed import load_packed_entry, read_packed
from lcpipe.lightcurve import POINT_ARRAYS
from lcpipe.manifest import folder_layout
from lcpipe.stages.manifest import write_collection

sys.path.insert(0, str(Path(__file__).parent))  # the corpus generator lives beside the tests
from corpus_generator import write_folder_corpus

BINS = ["12_12.5", "12.5_13"]


def test_each_binned_source_is_packed_once_in_its_bin_and_shard(tmp_path):
    folder = tmp_path / "lcs"
    write_folder_corpus(folder)
    paths = [tmp_path / "packed" / f"{b}_{k}.parquet" for b, k in product(BINS, range(2))]
    table = write_collection(
        tmp_path / "c.parquet", survey={"folder": str(folder)}, read={}, cleaning={},
        light_curves=paths, bins=BINS, shards=2,
    )  # fmt: skip
    packed_in = {}
    for (mag_bin, shard), path in zip(product(BINS, range(2)), paths, strict=True):
        for source_id, entry in read_packed(path).items():
            assert source_id not in packed_in, f"{source_id} packed twice"
            packed_in[source_id] = (mag_bin, shard, entry)
    expected = {}
    for mag_bin in BINS:
        manifest = folder_layout(table, mag_bin, BINS, 2).manifest
        for row in manifest.loc[manifest["status"] == "ok"].to_dict("records"):
            expected[row["source_id"]] = (mag_bin, row["shard"], row["path"])
    assert expected, "the corpus has no source in the bins"
    assert packed_in.keys() == expected.keys()
    for source_id, (mag_bin, shard, path) in expected.items():
        assert packed_in[source_id][:2] == (mag_bin, shard)
        fresh = load_packed_entry(path, source_id, read_options={}, cleaning={})
        for name in POINT_ARRAYS:
            np.testing.assert_array_equal(getattr(packed_in[source_id][2].lc, name), getattr(fresh.lc, name))
        assert packed_in[source_id][2].report.as_row() == fresh.report.as_row()
