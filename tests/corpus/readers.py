"""A reader-level corpus: bad and awkward light-curve files mixed with good simulated ones.

:func:`write_reader_corpus` writes every entry of :func:`reader_corpus` into a folder and returns what
each should read as: the ``status`` of :func:`lcpipe.io.load.load_clean_with_reason` and, for some, a
word the reason must contain or the ``meta`` facts the reader must record. The good files (simulated
``.dat2``, Sky Patrol CSV, generic CSV and Parquet light curves) are seeded, so the corpus is the same
byte for byte on every run; the awkward ones wrap good content in compression, other encodings and
decimal commas, or break it (empty, binary, truncated, missing columns, sentinels, odd times...).
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: Seed of the good light curves.
CORPUS_SEED = 20261201

#: Points per simulated light curve (small: every file also goes through fit, anomaly and dips).
N_POINTS = 240

#: Sky Patrol header of the simulated exports (a real object's cross-ids: 231929175915).
SKYPATROL_HEADER = (
    "# ASAS-SN SkyPatrol ID: {sid}\n# ATLAS-REFCAT2: 109152690079728990\n# Gaia DR2: 4466094981520637184\n\n"
)
SKYPATROL_COLUMNS = "JD,Flux,Flux Error,Mag,Mag Error,Limit,FWHM,Filter,Quality,Camera"


@dataclass(frozen=True)
class CorpusEntry:
    """One file of the corpus and what reading it must give.

    Attributes
    ----------
    name : str
        File name inside the corpus folder.
    content : bytes or None
        The file's bytes; None for entries made by ``make`` (directories, symlinks, Parquet).
    status : str
        Expected status of ``load_clean_with_reason`` (``ok`` or a read/cleaning status).
    good : bool
        A plain, well-formed simulated file (the rest are bad or awkward).
    reason : str
        A word the reason must contain (``""``: anything non-empty for a failure).
    meta : dict
        ``meta`` entries the read light curve must have (ok entries only).
    make : callable, optional
        Writes the entry itself given its path (for non-byte entries).
    """

    name: str
    content: bytes | None
    status: str
    good: bool = False
    reason: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    make: Callable[[Path], None] | None = None


def _rng(index: int) -> np.random.Generator:
    return np.random.default_rng(CORPUS_SEED + index)


def _simulated(index: int, n: int = N_POINTS) -> pd.DataFrame:
    """A quiet star: JD 2457000-2459000, two cameras, 13 +- 0.02 mag, seeded by ``index``."""
    rng = _rng(index)
    time = np.sort(2457000.0 + rng.uniform(0.0, 2000.0, n))
    err = rng.uniform(0.015, 0.03, n)
    mag = 13.0 + rng.normal(0.0, 1.0, n) * err
    camera = np.where(np.arange(n) % 2 == 0, "bA", "bB")
    return pd.DataFrame({"time": time, "mag": mag, "mag_err": err, "camera": camera})


def dat2_text(frame: pd.DataFrame, *, decimal: str = ".") -> str:
    """The ``.dat2`` layout: JD-2450000, mag, err, good, camera number, band, saturated, camera/field."""
    lines = []
    for t, m, e, cam in frame[["time", "mag", "mag_err", "camera"]].itertuples(index=False):
        number = 0 if cam == "bA" else 1
        line = f"{t - 2450000.0:.5f} {m:.3f} {e:.3f} 1 {number} 1 0 {cam}/{100 + number}"
        lines.append(line.replace(".", decimal) if decimal != "." else line)
    return "\n".join(lines) + "\n"


def skypatrol_text(frame: pd.DataFrame, sid: str, *, quality: str = "G") -> str:
    """A Sky Patrol CSV export of ``frame`` (flux in mJy on zero point 16.4)."""
    flux = 10 ** (-0.4 * (frame["mag"] - 16.4))
    rows = [
        f"{t:.7f},{f:.4f},{f * e / 1.0857:.4f},{m:.4f},{e:.4f},17.5,1.6,V,{quality},{cam}"
        for t, m, e, cam, f in zip(
            frame["time"], frame["mag"], frame["mag_err"], frame["camera"], flux, strict=True
        )
    ]
    return SKYPATROL_HEADER.format(sid=sid) + SKYPATROL_COLUMNS + "\n" + "\n".join(rows) + "\n"


def csv_text(
    frame: pd.DataFrame, *, sep: str = ",", decimal: str = ".", columns: tuple[str, ...] | None = None
) -> str:
    """A generic table with a header line."""
    columns = columns or tuple(frame.columns)
    header = sep.join(columns)
    rows = []
    for values in frame[list(columns)].itertuples(index=False):
        cells = [f"{v:.6f}" if isinstance(v, float) else str(v) for v in values]
        rows.append(sep.join(cell.replace(".", decimal) if decimal != "." else cell for cell in cells))
    return header + "\n" + "\n".join(rows) + "\n"


def _parquet(frame: pd.DataFrame) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        frame.to_parquet(path, index=False)

    return make


def _compressed(raw: bytes, suffix: str) -> bytes:
    if suffix == ".gz":
        return gzip.compress(raw, mtime=0)
    if suffix == ".bz2":
        return bz2.compress(raw)
    return lzma.compress(raw)


def _with(frame: pd.DataFrame, **columns: Any) -> pd.DataFrame:
    out = frame.copy()
    for name, values in columns.items():
        out[name] = values
    return out


def _good_entries() -> list[CorpusEntry]:
    entries = []
    for i in range(3):
        entries.append(CorpusEntry(f"good{i}.dat2", dat2_text(_simulated(i)).encode(), "ok", good=True))
    for i in range(3, 6):
        sid = f"90000000{i:04d}"
        text = skypatrol_text(_simulated(i), sid)
        entries.append(CorpusEntry(f"{sid}-light-curves.csv", text.encode(), "ok", good=True))
    for i in range(6, 9):
        entries.append(CorpusEntry(f"good{i}.csv", csv_text(_simulated(i)).encode(), "ok", good=True))
    for i in range(9, 11):
        entries.append(CorpusEntry(f"good{i}.parquet", None, "ok", good=True, make=_parquet(_simulated(i))))
    return entries


def _compressed_entries() -> list[CorpusEntry]:
    """Good content in every compression: the format must come from the inner name."""
    entries = []
    bases = {
        "dat2": ("c{i}.dat2", lambda i: dat2_text(_simulated(20 + i)).encode(), "dat2"),
        "skypatrol": (
            "9100000000{i:02d}-light-curves.csv",
            lambda i: skypatrol_text(_simulated(20 + i), f"91{i}").encode(),
            "skypatrol",
        ),
        "csv": ("c{i}.csv", lambda i: csv_text(_simulated(20 + i)).encode(), "csv"),
        "txt": ("c{i}.txt", lambda i: csv_text(_simulated(20 + i), sep=" ").encode(), "text"),
    }
    i = 0
    for name, content, fmt in bases.values():
        for suffix in (".gz", ".bz2", ".xz"):
            raw = content(i)
            entries.append(
                CorpusEntry(name.format(i=i) + suffix, _compressed(raw, suffix), "ok", meta={"format": fmt})
            )
            i += 1
    parquet = _simulated(40)

    def make_parquet_gz(path: Path) -> None:
        plain = path.with_name("tmp_" + path.name.removesuffix(".gz"))
        parquet.to_parquet(plain, index=False)
        path.write_bytes(gzip.compress(plain.read_bytes(), mtime=0))
        plain.unlink()

    entries.append(
        CorpusEntry("c_parquet.parquet.gz", None, "ok", meta={"format": "parquet"}, make=make_parquet_gz)
    )
    good = dat2_text(_simulated(41)).encode()
    entries += [
        CorpusEntry("truncated.dat2.gz", gzip.compress(good, mtime=0)[:200], "unreadable", reason="gz"),
        CorpusEntry("not_gzip.csv.gz", b"time,mag,mag_err\n1,2,3\n", "unreadable", reason="gz"),
        CorpusEntry("corrupt.csv.bz2", b"BZh91AY&SY" + bytes(range(256)), "unreadable", reason="bz2"),
        CorpusEntry("corrupt.dat2.xz", b"\xfd7zXZ\x00\x00" + bytes(64), "unreadable", reason="xz"),
        CorpusEntry("empty_inside.csv.gz", gzip.compress(b"", mtime=0), "empty"),
        CorpusEntry("garbage_inside.dat2.gz", gzip.compress(bytes(range(256)) * 8, mtime=0), "unreadable"),
        CorpusEntry(
            "unknown_inner.fits.gz",
            gzip.compress(b"SIMPLE  =                    T", mtime=0),
            "unknown_format",
        ),
    ]
    return entries


def _encoding_entries() -> list[CorpusEntry]:
    text = "# observer: José Núñez, Señal ±0.02 mag, 20 °C\n" + csv_text(_simulated(50))
    sky = skypatrol_text(_simulated(51), "920000000001")
    dat2 = dat2_text(_simulated(52))
    return [
        CorpusEntry("latin1.csv", text.encode("latin-1"), "ok", meta={"encoding": "latin-1"}),
        CorpusEntry("utf8.csv", text.encode("utf-8"), "ok", meta={"encoding": "utf-8"}),
        CorpusEntry(
            "utf8_bom.csv", b"\xef\xbb\xbf" + text.encode("utf-8"), "ok", meta={"encoding": "utf-8-sig"}
        ),
        CorpusEntry("utf16.csv", text.encode("utf-16"), "ok", meta={"encoding": "utf-16"}),
        CorpusEntry("utf16le.csv", text.encode("utf-16-le"), "ok", meta={"encoding": "utf-16-le"}),
        CorpusEntry("utf16be.txt", csv_text(_simulated(53), sep="\t").encode("utf-16-be"), "ok"),
        CorpusEntry(
            "920000000001-light-curves.csv", sky.encode("utf-16"), "ok", meta={"format": "skypatrol"}
        ),
        CorpusEntry(
            "920000000002-light-curves.csv",
            b"\xef\xbb\xbf" + sky.encode(),
            "ok",
            meta={"format": "skypatrol"},
        ),
        CorpusEntry("utf16.dat2", dat2.encode("utf-16"), "ok", meta={"format": "dat2", "encoding": "utf-16"}),
        CorpusEntry(
            "latin1.dat2", ("# Beobachter: Müller\n" + dat2).encode("latin-1"), "ok", meta={"format": "dat2"}
        ),
        CorpusEntry("crlf.csv", csv_text(_simulated(54)).replace("\n", "\r\n").encode(), "ok"),
        CorpusEntry("latin1_binaryish.csv", bytes(range(128, 256)) * 4, "unreadable"),
    ]


def _decimal_entries() -> list[CorpusEntry]:
    frame = _simulated(60)
    return [
        CorpusEntry(
            "semicolon_comma.csv", csv_text(frame, sep=";", decimal=",").encode(), "ok", meta={"decimal": ","}
        ),
        CorpusEntry(
            "tab_comma.tsv", csv_text(frame, sep="\t", decimal=",").encode(), "ok", meta={"decimal": ","}
        ),
        CorpusEntry(
            "space_comma.txt", csv_text(frame, sep=" ", decimal=",").encode(), "ok", meta={"decimal": ","}
        ),
        CorpusEntry(
            "comma.dat2",
            dat2_text(frame, decimal=",").encode(),
            "ok",
            meta={"decimal": ",", "format": "dat2"},
        ),
        CorpusEntry(
            "semicolon_comma_latin1.csv",
            ("# Zeit in JD, Helligkeit\n" + csv_text(frame, sep=";", decimal=",")).encode("latin-1"),
            "ok",
        ),
        CorpusEntry("comma_comma.csv", csv_text(frame, sep=",", decimal=",").encode(), "decimal_comma"),
        CorpusEntry(
            "comma_comma_headerless.csv",
            "\n".join(csv_text(frame, sep=",", decimal=",").splitlines()[1:]).encode(),
            "decimal_comma",
        ),
        CorpusEntry(
            "quoted_comma.csv",
            (
                "time,mag,mag_err\n" + "".join(f'"{2457000 + i},5","13,{i % 10}","0,02"\n' for i in range(20))
            ).encode(),
            "decimal_comma",
        ),
        CorpusEntry(
            "text_comma.parquet",
            None,
            "decimal_comma",
            make=_parquet(_with(frame, mag=[f"{m:.3f}".replace(".", ",") for m in frame["mag"]])),
        ),
    ]


def _sentinel_entries() -> list[CorpusEntry]:
    entries = []
    for k, sentinel in enumerate((99.99, 99.999, -99.0)):
        frame = _simulated(70 + k)
        some = frame.copy()
        some.loc[::10, "mag"] = sentinel
        every = frame.assign(mag=sentinel)
        n_some = len(frame.iloc[::10])
        entries += [
            CorpusEntry(
                f"sentinel{k}.dat2", dat2_text(some).encode(), "ok", meta={"n_no_photometry": n_some}
            ),
            CorpusEntry(f"sentinel{k}.csv", csv_text(some).encode(), "ok", meta={"n_no_photometry": n_some}),
            CorpusEntry(
                f"sentinel{k}.parquet", None, "ok", meta={"n_no_photometry": n_some}, make=_parquet(some)
            ),
            CorpusEntry(f"all_sentinel{k}.dat2", dat2_text(every).encode(), "no_valid_points"),
            CorpusEntry(f"all_sentinel{k}.csv", csv_text(every).encode(), "no_valid_points"),
        ]
    limits = _simulated(75)
    limits.loc[::8, "mag_err"] = 99.99
    entries.append(
        CorpusEntry(
            "upper_limits.dat2",
            dat2_text(limits).encode(),
            "ok",
            meta={"n_upper_limits": len(limits.iloc[::8])},
        )
    )
    entries.append(
        CorpusEntry(
            "upper_limits.csv",
            csv_text(limits).encode(),
            "ok",
            meta={"n_upper_limits": len(limits.iloc[::8])},
        )
    )
    sky = skypatrol_text(_simulated(76), "930000000001").splitlines()
    sky[6] = "2457001.5,0.1,99.99,17.5,99.99,17.5,1.6,V,G,bA"  # an upper limit
    sky[7] = "2457002.5,0.1,99.99,99.99,99.99,99.99,1.6,V,G,bA"  # no photometry
    entries.append(
        CorpusEntry(
            "930000000001-light-curves.csv",
            ("\n".join(sky) + "\n").encode(),
            "ok",
            meta={"n_upper_limits": 1, "n_no_photometry": 1},
        )
    )
    return entries


def _time_entries() -> list[CorpusEntry]:
    frame = _simulated(80)
    return [
        CorpusEntry(
            "negative_time.csv",
            csv_text(frame.assign(time=frame["time"] - 2458000)).encode(),
            "ok",
            meta={"time_flag": "negative_time"},
        ),
        CorpusEntry(
            "negative_time.dat2",
            dat2_text(frame.assign(time=frame["time"] - 2459000)).encode(),
            "ok",
            meta={"time_flag": "negative_time"},
        ),
        CorpusEntry(
            "implausible_time.csv",
            csv_text(frame.assign(time=frame["time"] * 1000)).encode(),
            "ok",
            meta={"time_flag": "implausible_time"},
        ),
        CorpusEntry(
            "mixed_time.csv",
            csv_text(
                frame.assign(
                    time=np.where(np.arange(len(frame)) < 100, frame["time"], frame["time"] - 2400000.5)
                )
            ).encode(),
            "ok",
            meta={"time_flag": "implausible_time"},
        ),
        CorpusEntry(
            "mjd.csv",
            csv_text(frame.assign(mjd=frame["time"] - 2400000.5), columns=("mjd", "mag", "mag_err")).encode(),
            "ok",
            meta={"time_frame": "MJD", "time_flag": ""},
        ),
        CorpusEntry(
            "hjd.parquet",
            None,
            "ok",
            meta={"time_frame": "HJD"},
            make=_parquet(frame.rename(columns={"time": "hjd"})),
        ),
        CorpusEntry(
            "ogle_like.dat",
            "".join(
                f"{t - 2450000:.5f} {m:.3f} {e:.3f}\n"
                for t, m, e in frame[["time", "mag", "mag_err"]].to_numpy()
            ).encode(),
            "ok",
            meta={"format": "ogle", "time_frame": "HJD", "time_flag": ""},
        ),
        CorpusEntry("no_time_values.csv", csv_text(frame.assign(time="n/a")).encode(), "no_valid_points"),
    ]


def _missing_column_entries() -> list[CorpusEntry]:
    frame = _simulated(90)
    sky = skypatrol_text(frame, "940000000001")
    return [
        CorpusEntry(
            "no_err.csv",
            csv_text(frame, columns=("time", "mag")).encode(),
            "missing_column",
            reason="mag_err",
        ),
        CorpusEntry(
            "no_err.parquet", None, "missing_column", reason="mag_err", make=_parquet(frame[["time", "mag"]])
        ),
        CorpusEntry(
            "no_time.csv",
            csv_text(frame, columns=("mag", "mag_err")).encode(),
            "missing_column",
            reason="time",
        ),
        CorpusEntry(
            "no_time.parquet", None, "missing_column", reason="time", make=_parquet(frame[["mag", "mag_err"]])
        ),
        CorpusEntry(
            "no_mag.csv",
            csv_text(frame, columns=("time", "camera")).encode(),
            "missing_column",
            reason="magnitude",
        ),
        CorpusEntry(
            "flux_no_err.csv",
            csv_text(
                frame.assign(flux=10 ** (-0.4 * (frame["mag"] - 22))), columns=("time", "flux")
            ).encode(),
            "missing_column",
            reason="flux_err",
        ),
        CorpusEntry(
            "940000000001-light-curves.csv",
            sky.replace(SKYPATROL_COLUMNS, SKYPATROL_COLUMNS.replace("Mag Error", "MagErr")).encode(),
            "missing_column",
            reason="Mag Error",
        ),
        CorpusEntry(
            "renamed_cols.tsv",
            csv_text(frame.set_axis(["date", "brightness", "sigma_b", "camera"], axis=1), sep="\t").encode(),
            "missing_column",
            reason="time",
        ),
    ]


def _broken_entries() -> list[CorpusEntry]:
    frame = _simulated(100)
    garbage = bytes((i * 37 + 11) % 256 for i in range(4096))

    def directory(path: Path) -> None:
        path.mkdir()

    def dangling(path: Path) -> None:
        os.symlink(path.parent / "does_not_exist.dat2", path)

    def loop(path: Path) -> None:
        os.symlink(path, path)

    sky = skypatrol_text(frame, "950000000001")
    bad_quality = skypatrol_text(frame, "950000000002", quality="B")
    entries = [
        CorpusEntry(f"empty{suffix}", b"", "empty")
        for suffix in (".dat2", ".csv", ".txt", ".tsv", ".parquet", ".npy", ".tbl")
    ]
    entries += [
        CorpusEntry(f"garbage{suffix}", garbage, "unreadable")
        for suffix in (".dat2", ".csv", ".txt", ".parquet", ".npy", ".tbl", "")
    ]
    entries += [
        CorpusEntry("header_only.csv", b"time,mag,mag_err\n", "header_only"),
        CorpusEntry(
            "950000000003-light-curves.csv",
            (SKYPATROL_HEADER.format(sid=1) + SKYPATROL_COLUMNS + "\n").encode(),
            "header_only",
        ),
        CorpusEntry("comments_only.dat2", b"# nothing here\n# still nothing\n", "empty"),
        CorpusEntry("blank_lines.csv", b"\n\n   \n\n", "empty"),
        CorpusEntry("ragged.csv", b"time,mag,mag_err\n1,2,3\n4,5,6,7,8\n", "unreadable"),
        CorpusEntry(
            "nan_only.dat2", b"nan nan nan 1 0 1 0 bA/1\nnan nan nan 1 0 1 0 bA/1\n", "no_valid_points"
        ),
        CorpusEntry("words.csv", b"time,mag,mag_err\nabc,def,ghi\njkl,mno,pqr\n", "no_valid_points"),
        CorpusEntry(
            "zero_errors.csv",
            csv_text(frame.assign(mag_err=0.0)).encode(),
            "no_points_after_cleaning",
            reason="bad_error",
        ),
        CorpusEntry(
            "huge_errors.dat2",
            dat2_text(frame.assign(mag_err=5.0)).encode(),
            "no_points_after_cleaning",
            reason="bad_error",
        ),
        CorpusEntry(
            "950000000002-light-curves.csv",
            bad_quality.encode(),
            "no_points_after_cleaning",
            reason="quality",
        ),
        CorpusEntry("950000000001-light-curves.csv", sky.encode(), "ok", good=True),
        CorpusEntry("truncated_row.csv", (csv_text(frame) + "2459999.5,13.1").encode(), "ok"),
        CorpusEntry("trailer.csv", (csv_text(frame) + "TOTAL,,\n").encode(), "ok"),
        CorpusEntry(
            "seven_columns.dat2",
            "\n".join(line.rsplit(" ", 1)[0] for line in dat2_text(frame).splitlines()).encode(),
            "ok",
            meta={"format": "dat2"},
        ),
        CorpusEntry(
            "three_columns.dat2",
            "\n".join(" ".join(line.split()[:3]) for line in dat2_text(frame).splitlines()).encode(),
            "no_points_after_cleaning",
            reason="quality",
        ),
        CorpusEntry("image.fits", b"SIMPLE  =                    T" + bytes(2850), "unknown_format"),
        CorpusEntry("archive.zip", b"PK\x03\x04" + bytes(100), "unknown_format"),
        CorpusEntry(
            "bad_ipac.tbl", b"|time|mag|mag_err|\n|double|double|double|\nabc def\n1 2\n", "unreadable"
        ),
        CorpusEntry(
            "ipac_no_err.tbl",
            b"| time | mag |\n| double | double\n1 2\n3 4\n",
            "missing_column",
            reason="mag_err",
        ),
        CorpusEntry("oned.npy", None, "unreadable", make=lambda p: np.save(p, np.arange(10.0))),
        CorpusEntry("dir_named.csv", None, "missing_file", make=directory),
        CorpusEntry("dangling.dat2", None, "missing_file", make=dangling),
        CorpusEntry("loop.csv", None, "missing_file", make=loop),
    ]
    return entries


def reader_corpus() -> list[CorpusEntry]:
    """Every entry of the corpus (good, awkward and bad), in a fixed order with unique names."""
    entries = (
        _good_entries()
        + _compressed_entries()
        + _encoding_entries()
        + _decimal_entries()
        + _sentinel_entries()
        + _time_entries()
        + _missing_column_entries()
        + _broken_entries()
    )
    names = [entry.name for entry in entries]
    duplicated = {name for name in names if names.count(name) > 1}
    if duplicated:
        raise ValueError(f"corpus names used twice: {sorted(duplicated)}")
    return entries


def write_reader_corpus(folder: str | Path) -> list[tuple[Path, CorpusEntry]]:
    """Write the corpus into ``folder`` (created) and return each file's path with its entry."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for entry in reader_corpus():
        path = folder / entry.name
        if entry.make is not None:
            entry.make(path)
        else:
            path.write_bytes(entry.content)
        written.append((path, entry))
    return written
