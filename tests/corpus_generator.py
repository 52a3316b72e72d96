"""A corpus of the mess real archives hold, mixed with good simulated light curves (workflow tests).

:func:`write_folder_corpus` writes a folder collection: good simulated stars as ``.dat2``, Sky Patrol CSV,
generic CSV and Parquet, next to more than 80 bad or awkward entries (empty, garbage, header-only,
NaN-only, sentinel-only, decimal-comma, latin-1 and UTF-16 files, too few points, one camera, short spans,
stars outside every bin, repeated stems, directories named like light curves, symlink loops, dangling
symlinks, unknown, missing and compression extensions, ids that cannot be file names, a FIFO, event
sub-folders ...).
:func:`write_tree_corpus` writes an ASAS-SN tree whose index files are broken in every way the issue
lists (missing columns, repeated ids, ids without files, files without ids, NaN coordinates, ids that
climb out of the tree, a bad index file beside a good one). Both return a :class:`Corpus` that knows the
good sources and, with ``good_only=True``, write only the good part at the same paths, so that the
good sources' rows of the two runs can be compared.

Every light curve is simulated from a seeded generator; nothing here reads outside data.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

#: Start of the simulated light curves (JD) and their span (days).
T_START_JD = 2458000.0
SPAN_DAYS = 900.0

#: Cameras of the simulated stars (two, so the tag stage's camera cut passes for .dat2 and Sky Patrol).
CAMERAS = ("bd", "be")


@dataclass
class Corpus:
    """What a corpus writer wrote.

    Attributes
    ----------
    root : Path
        The folder collection or the root of the ASAS-SN tree.
    good : list of str
        Source ids of the good simulated light curves (the rows compared with a good-only run).
    n_awkward : int
        Number of bad or awkward entries of a folder corpus (0 for a good-only corpus or a tree).
    expected : dict
        Entry name (file name, or ``<index file name>:<line>``) → the ledger status it must get.
    event_files : list of str
        Files inside the event sub-folders of a folder corpus (``<sub-folder>/<file>``), entries of
        their own beside the top-level ones.
    """

    root: Path
    good: list[str] = field(default_factory=list)
    n_awkward: int = 0
    expected: dict[str, str] = field(default_factory=dict)
    event_files: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Curve:
    """A simulated light curve: time (JD), mag, mag_err (mag), camera label per point; shape (N,) each."""

    time: np.ndarray
    mag: np.ndarray
    mag_err: np.ndarray
    camera: np.ndarray


def simulate(rng: np.random.Generator, level: float, n: int = 240, dip: bool = False) -> Curve:
    """A quiet star at ``level`` mag (optionally with a 0.6 mag, 30-day dip) seen by two cameras."""
    time = np.sort(rng.uniform(T_START_JD, T_START_JD + SPAN_DAYS, n))
    err = np.full(n, 0.02)
    mag = level + rng.normal(0.0, 0.02, n)
    if dip:
        mag += 0.6 * np.exp(-0.5 * ((time - T_START_JD - 450.0) / 12.0) ** 2)
    camera = np.array([CAMERAS[i % 2] for i in range(n)])
    return Curve(time, mag, err, camera)


def dat2_text(curve: Curve, good: int = 1) -> str:
    """``.dat2`` lines: JD-2450000, mag, err, good, camera number, band (1 = V), saturated, camera/field."""
    return "".join(
        f"{t - 2450000.0:.5f} {m:.4f} {e:.4f} {good} {1 + CAMERAS.index(c)} 1 0 {c}/field1\n"
        for t, m, e, c in zip(curve.time, curve.mag, curve.mag_err, curve.camera, strict=True)
    )


def skypatrol_text(curve: Curve, source_id: str, quality: str = "G") -> str:
    """A Sky Patrol CSV export with its header lines."""
    flux = 10 ** (-0.4 * (curve.mag - 16.4))
    rows = "".join(
        f"{t:.5f},{f:.5f},{f * e:.5f},{m:.4f},{e:.4f},17.5,1.5,V,{quality},{c}\n"
        for t, f, m, e, c in zip(curve.time, flux, curve.mag, curve.mag_err, curve.camera, strict=True)
    )
    header = f"# ASAS-SN SkyPatrol ID: {source_id}\n# Gaia DR2 ID: 0\n#\n"
    return header + "JD,Flux,Flux Error,Mag,Mag Error,Limit,FWHM,Filter,Quality,Camera\n" + rows


def csv_text(curve: Curve, sep: str = ",") -> str:
    """A generic table ``time, mag, mag_err`` (one camera: the generic reader has no camera column)."""
    rows = "".join(
        f"{t:.5f}{sep}{m:.4f}{sep}{e:.4f}\n"
        for t, m, e in zip(curve.time, curve.mag, curve.mag_err, strict=True)
    )
    return f"time{sep}mag{sep}mag_err\n" + rows


def write_parquet(path: Path, curve: Curve) -> None:
    """A generic Parquet table ``time, mag, mag_err``."""
    pd.DataFrame({"time": curve.time, "mag": curve.mag, "mag_err": curve.mag_err}).to_parquet(path)


def _good_folder_files(folder: Path, rng: np.random.Generator) -> list[str]:
    """The good stars of the folder corpus, one per format; returns their source ids."""
    ids = []
    (folder / "good_dat2_a.dat2").write_text(dat2_text(simulate(rng, 12.3, dip=True)))
    (folder / "good_dat2_b.dat2").write_text(dat2_text(simulate(rng, 12.6)))
    (folder / "120000000001-light-curves.csv").write_text(skypatrol_text(simulate(rng, 12.4), "120000000001"))
    (folder / "good_generic.csv").write_text(csv_text(simulate(rng, 12.5)))
    write_parquet(folder / "good_table.parquet", simulate(rng, 12.7))
    ids += ["good_dat2_a", "good_dat2_b", "120000000001", "good_generic", "good_table"]
    return ids


def write_folder_corpus(folder: Path, *, seed: int = 11, good_only: bool = False) -> Corpus:
    """Write the folder corpus (for ``bins: ["12_13"]``) into ``folder``; see the module docstring."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    corpus = Corpus(folder, _good_folder_files(folder, rng))
    if good_only:
        return corpus
    awkward = np.random.default_rng(seed + 1)
    expected = corpus.expected

    def text(name: str, content: str, status: str | None = None, encoding: str = "utf-8") -> None:
        (folder / name).write_bytes(content.encode(encoding))
        if status:
            expected[name] = status

    def raw(name: str, content: bytes, status: str | None = None) -> None:
        (folder / name).write_bytes(content)
        if status:
            expected[name] = status

    good = simulate(awkward, 12.5)
    # empty, garbage, header-only, NaN-only files in every text format
    for ext in (".csv", ".dat2", ".txt", ".tsv", ".dat"):
        stem = ext[1:]
        raw(f"empty_{stem}{ext}", b"", "empty")
        raw(f"garbage_{stem}{ext}", bytes(awkward.integers(0, 256, 600, dtype=np.uint8)))
        text(f"comments_only_{stem}{ext}", "# nothing\n# here\n")
    for ext in (".csv", ".txt", ".tsv"):
        sep = "\t" if ext == ".tsv" else ","
        text(f"header_only_{ext[1:]}{ext}", f"time{sep}mag{sep}mag_err\n", "header_only")
        text(
            f"nan_only_{ext[1:]}{ext}",
            f"time{sep}mag{sep}mag_err\n" + f"nan{sep}nan{sep}nan\n" * 20,
            "no_valid_points",
        )
    text("nan_only_dat2.dat2", "nan nan nan 1 1 1 0 bd/field1\n" * 20)
    text("skypatrol_header_only-light-curves.csv", skypatrol_text(Curve(*(np.array([]),) * 4), "1"))
    raw("empty_parquet.parquet", b"", "empty")
    raw("garbage_parquet.parquet", b"PAR1 this is not parquet at all")
    raw("garbage_npy.npy", b"\x93NUMPY garbage")
    raw("garbage_tbl.tbl", b"|bad|ipac\n|x|\n")
    pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}).to_parquet(folder / "no_columns.parquet")
    pd.DataFrame({"time": ["a", "b"], "mag": ["c", "d"], "mag_err": ["e", "f"]}).to_parquet(
        folder / "strings.parquet"
    )
    pd.DataFrame({"time": [], "mag": [], "mag_err": []}).to_parquet(folder / "no_rows.parquet")
    np.save(folder / "wrong_shape.npy", np.arange(10.0))
    # sentinels, limits, quality
    text(
        "sentinel_mags.dat2",
        dat2_text(Curve(good.time, np.full(good.time.size, 99.99), good.mag_err, good.camera)),
    )
    text(
        "sentinel_mags_csv.csv",
        csv_text(Curve(good.time, np.full(good.time.size, 99.99), good.mag_err, good.camera)),
    )
    text(
        "130000000001-light-curves.csv",
        skypatrol_text(
            Curve(good.time, good.mag, np.full(good.time.size, 99.99), good.camera), "130000000001"
        ),
    )
    text("130000000002-light-curves.csv", skypatrol_text(good, "130000000002", quality="B"))
    text("all_bad_quality.dat2", dat2_text(good, good=0))
    text("zero_errors.csv", csv_text(Curve(good.time, good.mag, np.zeros(good.time.size), good.camera)))
    text("huge_errors.csv", csv_text(Curve(good.time, good.mag, np.full(good.time.size, 5.0), good.camera)))
    text(
        "infinite_mags.csv",
        csv_text(Curve(good.time, np.full(good.time.size, np.inf), good.mag_err, good.camera)),
    )
    # encodings and number formats
    text("decimal_commas.csv", csv_text(good, sep=";").replace(".", ","))
    text("latin1.csv", "# observer: Jos\u00e9 M\u00fcller\n" + csv_text(good), encoding="latin-1")
    text("utf16.csv", csv_text(good), encoding="utf-16")
    text("bom.csv", "\ufeff" + csv_text(good))
    text(
        "missing_err_column.csv",
        "time,mag\n" + "".join(f"{t},{m}\n" for t, m in zip(good.time, good.mag, strict=True)),
    )
    text("no_time_column.csv", "mag,mag_err\n1,2\n3,4\n", "missing_column")
    text("ragged.csv", "time,mag,mag_err\n1,2,3\n4,5\n6,7,8,9,10\n")
    text("negative_times.csv", csv_text(Curve(good.time - 2.5e6, good.mag, good.mag_err, good.camera)))
    text("truncated.dat2", dat2_text(good)[: len(dat2_text(good)) // 2].rsplit(" ", 3)[0] + "\n")
    # light curves too short, too sparse, one camera, unsorted, constant
    few = simulate(awkward, 12.5, n=3)
    text("three_points.dat2", dat2_text(few))
    text("one_point.csv", csv_text(simulate(awkward, 12.5, n=1)))
    short = Curve(T_START_JD + np.linspace(0, 10, 50), good.mag[:50], good.mag_err[:50], good.camera[:50])
    text("short_span.dat2", dat2_text(short))
    one_camera = Curve(good.time, good.mag, good.mag_err, np.full(good.time.size, "bd"))
    text("one_camera.dat2", dat2_text(one_camera))
    order = awkward.permutation(good.time.size)
    shuffled = Curve(good.time[order], good.mag[order], good.mag_err[order], good.camera[order])
    text("unsorted.dat2", dat2_text(shuffled) + dat2_text(shuffled)[:200].rsplit("\n", 1)[0] + "\n")
    text(
        "constant.dat2", dat2_text(Curve(good.time, np.full(good.time.size, 12.5), good.mag_err, good.camera))
    )
    # outside every bin
    for name, level in (("bright_9mag", 9.0), ("bright_11mag", 11.0), ("faint_16mag", 16.0)):
        text(f"{name}.dat2", dat2_text(simulate(awkward, level)), "outside_bins")
    # repeated stems and ids: the first in name order is kept
    text("good_dat2_a.txt", csv_text(good), "duplicate_id")
    text("good_generic.tsv", csv_text(good, sep="\t"), "duplicate_id")
    text("120000000001.dat2", dat2_text(good), "duplicate_id")
    write_parquet(folder / "good_generic.parquet", good)
    expected["good_generic.parquet"] = "duplicate_id"
    # not light curves
    for name in ("dir_named_like.csv", "dir_named_like.dat2", "nested.parquet"):
        (folder / name).mkdir()
        expected[name] = "not_a_light_curve"
    (folder / "nested.parquet" / "part-0.parquet").write_bytes(b"")
    for name in (
        "image.fits",
        "plot.png",
        "notes.json",
        "table.h5",
        "archive.zip",
        "sheet.xlsx",
        "README",
        "LICENSE",
    ):
        text(name, "not a light curve\n", "not_a_light_curve")
    text(".DS_Store", "\x00\x01", "not_a_light_curve")
    os.mkfifo(folder / "pipe.csv")
    expected["pipe.csv"] = "not_a_light_curve"
    # symlinks
    os.symlink("loop.csv", folder / "loop.csv")
    os.symlink("loop_b.dat2", folder / "loop_a.dat2")
    os.symlink("loop_a.dat2", folder / "loop_b.dat2")
    for name in ("loop.csv", "loop_a.dat2", "loop_b.dat2"):
        expected[name] = "symlink_loop"
    os.symlink("does_not_exist.csv", folder / "dangling.csv")
    os.symlink("/nonexistent/folder/x.dat2", folder / "dangling_abs.dat2")
    expected["dangling.csv"] = expected["dangling_abs.dat2"] = "dangling_symlink"
    os.symlink("dir_named_like.csv", folder / "link_to_dir.csv")
    expected["link_to_dir.csv"] = "not_a_light_curve"
    # compressed (read when the readers decompress them)
    content = dat2_text(simulate(awkward, 12.5)).encode()
    raw("compressed.dat2.gz", gzip.compress(content))
    raw("compressed.csv.bz2", bz2.compress(csv_text(good).encode()))
    raw("compressed.dat2.xz", lzma.compress(content))
    raw("corrupt.csv.gz", b"\x1f\x8b not really gzip")
    # names that cannot be ids
    text("..csv", csv_text(good), "bad_id")
    text("line\nbreak.csv", csv_text(good), "bad_id")
    text("tab\tname.dat2", dat2_text(good), "bad_id")
    text(" leading_space.csv", csv_text(good), "bad_id")
    text("-light-curves.csv", skypatrol_text(good, ""))
    text("name with spaces.dat2", dat2_text(simulate(awkward, 12.5)))
    text("UPPER.DAT2", dat2_text(simulate(awkward, 12.5)))
    # events: sub-folders whose files are the data sets of one source, each file an entry of its own;
    # in the second one a file is empty, so the event cannot be read (its files are still listed)
    for event, second in (("event_two_sites", dat2_text(simulate(awkward, 12.5))), ("event_one_empty", "")):
        (folder / event).mkdir()
        (folder / event / f"{event}_1.dat2").write_text(dat2_text(simulate(awkward, 12.5)))
        (folder / event / f"{event}_2.dat2").write_text(second)
        for name in (f"{event}_1.dat2", f"{event}_2.dat2"):
            corpus.event_files.append(f"{event}/{name}")
            expected[name] = "event_member"
    expected["event_one_empty"] = "empty"
    corpus.n_awkward = sum(1 for p in folder.iterdir()) - len(corpus.good)
    return corpus


def _index_csv(ids: list[str], ra: list[float] | None = None, dec: list[float] | None = None) -> str:
    ra = ra if ra is not None else [10.0 + 0.01 * i for i in range(len(ids))]
    dec = dec if dec is not None else [-20.0 - 0.01 * i for i in range(len(ids))]
    rows = "".join(f"{i},{r},{d},1.0,-2.0\n" for i, r, d in zip(ids, ra, dec, strict=True))
    return "asas_sn_id,ra_deg,dec_deg,pm_ra,pm_dec\n" + rows


#: The bin of the tree corpus.
TREE_BIN = "12_13"


def write_tree_corpus(root: Path, *, seed: int = 12, good_only: bool = False) -> Corpus:
    """Write an ASAS-SN tree (``<root>/index/12_13``, ``<root>/lc/12_13``); see the module docstring."""
    index = root / "index" / TREE_BIN
    lc = root / "lc" / TREE_BIN
    index.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    good = ["200000000001", "200000000002", "200000000003"]
    (lc / "lc0_cal").mkdir(parents=True, exist_ok=True)
    (index / "index0.csv").write_text(_index_csv(good))
    for k, source_id in enumerate(good):
        (lc / "lc0_cal" / f"{source_id}.dat2").write_text(
            dat2_text(simulate(rng, 12.3 + 0.2 * k, dip=k == 0))
        )
    corpus = Corpus(root, good)
    if good_only:
        return corpus
    awkward = np.random.default_rng(seed + 1)
    expected = corpus.expected
    curve = simulate(awkward, 12.5)
    # index1: no asas_sn_id column (its light curves become files without ids)
    (index / "index1.csv").write_text("id,ra_deg,dec_deg\n300000000001,1,2\n300000000002,3,4\n")
    expected["index1.csv"] = "bad_index_file"
    (lc / "lc1_cal").mkdir()
    for source_id in ("300000000001", "300000000002"):
        (lc / "lc1_cal" / f"{source_id}.dat2").write_text(dat2_text(curve))
        expected[f"{source_id}.dat2"] = "not_in_index"
    # index2: repeated ids (of index0 and of itself), ids without files, NaN coordinates, empty and bad ids
    rows = [
        ("200000000001", 10.0, -20.0, "duplicate_id"),
        ("400000000001", 11.0, -21.0, None),
        ("400000000001", 11.0, -21.0, "duplicate_id"),
        ("400000000002", 12.0, -22.0, "missing_file"),
        ("400000000003", float("nan"), float("nan"), None),
        ("", 13.0, -23.0, "bad_index_row"),
        ("../../../../x/evil", 14.0, -24.0, "bad_id"),
        ("../evil2", 15.0, -25.0, "bad_id"),
        ("a/b", 16.0, -26.0, "bad_id"),
    ]
    (index / "index2.csv").write_text(
        _index_csv([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
    )
    for line, (_, _, _, status) in enumerate(rows, start=2):
        if status:
            expected[f"index2.csv:{line}"] = status
    (lc / "lc2_cal").mkdir()
    (lc / "lc2_cal" / "400000000001.dat2").write_text(dat2_text(curve))
    (lc / "lc2_cal" / "400000000003.dat2").write_text(dat2_text(simulate(awkward, 12.6)))
    (lc / "lc2_cal" / "200000000001.dat2").write_text(dat2_text(curve))  # the repeated row's file
    # a light curve outside the tree that the climbing id would reach; it must never be read
    evil = root / "x"
    evil.mkdir(exist_ok=True)
    (evil / "evil.dat2").write_text(dat2_text(curve))
    # index3: bad light curves behind good rows
    bad_ids = [f"50000000000{i}" for i in range(1, 7)]
    (index / "index3.csv").write_text(_index_csv(bad_ids))
    (lc / "lc3_cal").mkdir()
    (lc / "lc3_cal" / f"{bad_ids[0]}.dat2").write_bytes(b"")
    (lc / "lc3_cal" / f"{bad_ids[1]}.dat2").write_bytes(bytes(awkward.integers(0, 256, 500, dtype=np.uint8)))
    (lc / "lc3_cal" / f"{bad_ids[2]}.dat2").write_text("nan nan nan 1 1 1 0 bd/field1\n" * 10)
    (lc / "lc3_cal" / f"{bad_ids[3]}.dat2").write_text(dat2_text(simulate(awkward, 12.5, n=3)))
    (lc / "lc3_cal" / f"{bad_ids[4]}.dat2").write_text(dat2_text(curve, good=0))
    (lc / "lc3_cal" / f"{bad_ids[5]}.dat2").mkdir()  # a folder named like the light curve
    # unusable index files beside the good one; index6 is valid but empty
    (index / "index4.csv").write_bytes(b"\x00\xff\xfe" + bytes(awkward.integers(0, 256, 300, dtype=np.uint8)))
    (index / "index5.csv").write_bytes(b"")
    (index / "index6.csv").write_text("asas_sn_id,ra_deg,dec_deg,pm_ra,pm_dec\n")
    (index / "index7.csv").write_text('asas_sn_id,ra_deg\n"unterminated,1\n')
    expected["index4.csv"] = expected["index5.csv"] = "bad_index_file"
    expected["index6.csv"] = "index_file"
    (index / "index_notes.txt").write_text("not an index\n")
    (index / "old").mkdir()
    expected["index_notes.txt"] = expected["old"] = "not_a_light_curve"
    # foreign entries of the light-curve folders
    (lc / "lc0_cal" / "readme.txt").write_text("notes\n")
    (lc / "lc0_cal" / "200000000009.csv").write_text(csv_text(curve))
    os.symlink("nowhere.dat2", lc / "lc0_cal" / "dangling.dat2")
    os.symlink("loop.dat2", lc / "lc0_cal" / "loop.dat2")
    (lc / "stray_folder").mkdir()
    (lc / "lc9_cal").mkdir()  # an lc folder without an index file: its files have no ids
    (lc / "lc9_cal" / "600000000001.dat2").write_text(dat2_text(curve))
    (lc / "lc9_cal" / "600000000002.dat2").write_text(dat2_text(curve))
    expected.update(
        {
            "readme.txt": "not_a_light_curve",
            "200000000009.csv": "not_a_light_curve",
            "dangling.dat2": "dangling_symlink",
            "loop.dat2": "symlink_loop",
            "stray_folder": "not_a_light_curve",
            "600000000001.dat2": "not_in_index",
        }
    )
    return corpus
