"""Positions decoded from the ATLAS-REFCAT2 id of Sky Patrol headers, checked against Gaia DR2 HEALPix
cells on the 28 shipped real light curves, and the ``position_source`` column of the manifests."""

from __future__ import annotations

import math
import shutil

import astropy.units as u
import numpy as np
import pytest
from astropy_healpix import HEALPix

from lcpipe.evaluation.validation import DEFAULT_ASASSN_DIR
from lcpipe.io import read_lightcurve
from lcpipe.io.common import read_head_text
from lcpipe.io.positions import ZONE_HEIGHT, decode_refcat2_id, position_from_header
from lcpipe.io.skypatrol import parse_header
from lcpipe.manifest import asassn_manifest
from lcpipe.stages.manifest import write_collection

SHIPPED = sorted(DEFAULT_ASASSN_DIR.glob("*-light-curves.csv.gz"))

#: Gaia DR2 source_id // 2**35 is the HEALPix level-12 (nside 4096) nested index of the source.
GAIA_HEALPIX = HEALPix(nside=2**12, order="nested")


def _ps1_object_id(ra: float, dec: float) -> int:
    """The PS1 objID of (ra, dec), transcribed from the PS1 C code (MAST, "PS1 Object Identifiers")."""
    zid = (dec + 90.0) / ZONE_HEIGHT
    izone = math.floor(zid)
    return izone * 10**13 + int(ra * 1e6) * 10**4 + int((zid - izone) * 1e4)


@pytest.mark.parametrize(
    ("ra", "dec"), [(0.0, -89.99), (320.384047, 48.027852), (359.999999, 0.0), (12.5, 89.9)]
)
def test_decoding_inverts_the_ps1_object_id(ra, dec):
    got_ra, got_dec = decode_refcat2_id(_ps1_object_id(ra, dec))
    assert got_ra == pytest.approx(ra, abs=1.1e-6)
    assert got_dec == pytest.approx(dec, abs=ZONE_HEIGHT * 1.1e-4)


def test_shipped_files_decode_into_their_gaia_healpix_cells():
    assert len(SHIPPED) == 28
    for path in SHIPPED:
        header = parse_header(read_head_text(path))
        ra, dec = decode_refcat2_id(header["ATLAS-REFCAT2"])
        cell = int(GAIA_HEALPIX.lonlat_to_healpix(ra * u.deg, dec * u.deg))
        assert cell == int(header["Gaia DR2"]) // 2**35, path.name


def test_a_one_arcminute_error_would_leave_the_cell():
    """The check above can fail: shifting the decoded positions by 1 arcmin moves most out of their cell."""
    moved = 0
    for path in SHIPPED:
        header = parse_header(read_head_text(path))
        ra, dec = decode_refcat2_id(header["ATLAS-REFCAT2"])
        cell = int(GAIA_HEALPIX.lonlat_to_healpix(ra * u.deg, (dec + 1 / 60) * u.deg))
        moved += cell != int(header["Gaia DR2"]) // 2**35
    assert moved >= 20


def test_reader_records_position_and_source():
    lc = read_lightcurve(SHIPPED[0])
    assert lc.meta["position_source"] == "refcat2_id"
    assert np.isfinite([lc.meta["ra"], lc.meta["dec"]]).all()
    assert position_from_header({}) == (
        pytest.approx(np.nan, nan_ok=True),
        pytest.approx(np.nan, nan_ok=True),
        "none",
    )
    with pytest.raises(ValueError, match="not a non-negative integer"):
        decode_refcat2_id("12a")
    with pytest.raises(ValueError, match="off the sky"):
        decode_refcat2_id(99999 * 10**13)


def test_folder_without_catalog_takes_positions_from_the_headers(tmp_path):
    folder = tmp_path / "lcs"
    folder.mkdir()
    for path in SHIPPED[:3]:
        shutil.copy(path, folder / path.name)
    (folder / "plain.csv").write_text("time,mag,mag_err\n2457000.5,13.0,0.02\n2457001.5,13.1,0.02\n")
    table = write_collection(tmp_path / "c.parquet", survey={"folder": str(folder)}, read={}, cleaning={})
    rows = table.set_index("source_id")
    for path in SHIPPED[:3]:
        sid = path.name.split("-")[0]
        expected = decode_refcat2_id(parse_header(read_head_text(path))["ATLAS-REFCAT2"])
        assert rows.loc[sid, "position_source"] == "refcat2_id"
        assert (rows.loc[sid, "ra"], rows.loc[sid, "dec"]) == pytest.approx(expected)
    assert rows.loc["plain", "position_source"] == "none"
    assert np.isnan(rows.loc["plain", "ra"])

    sid = SHIPPED[0].name.split("-")[0]
    (tmp_path / "cat.csv").write_text(f"source_id,ra,dec\n{sid},1.5,2.5\n")
    table = write_collection(
        tmp_path / "d.parquet",
        survey={"folder": str(folder), "catalog": str(tmp_path / "cat.csv")},
        read={},
        cleaning={},
    )
    row = table.set_index("source_id").loc[sid]
    assert (row["ra"], row["dec"], row["position_source"]) == (1.5, 2.5, "catalog")


def test_asassn_manifest_positions_come_from_the_index(tmp_path):
    (tmp_path / "index" / "12_13").mkdir(parents=True)
    (tmp_path / "lc" / "12_13" / "lc0_cal").mkdir(parents=True)
    (tmp_path / "index" / "12_13" / "index0.csv").write_text("asas_sn_id,ra_deg,dec_deg\n1,10.0,20.0\n2,,\n")
    manifest = asassn_manifest(tmp_path / "index", tmp_path / "lc", "12_13", 1)
    assert manifest["position_source"].tolist() == ["index", "none"]
