"""``lcpipe info FILE``: read one light curve and print its summary (and what cleaning would drop)."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from lcpipe.io import (
    FORMATS,
    CleaningOptions,
    LightCurveReadError,
    clean_lightcurve,
    read_lightcurve,
    summarize_lightcurve,
)

#: Reader options exposed as flags: (flag, dest, type, help).
READER_FLAGS: tuple[tuple[str, str, Any, str], ...] = (
    ("--time-col", "time_col", str, "time column name (generic tables)"),
    ("--mag-col", "mag_col", str, "magnitude column name (generic tables)"),
    ("--err-col", "err_col", str, "magnitude error column name (generic tables)"),
    ("--flux-col", "flux_col", str, "flux column name (generic tables)"),
    ("--flux-err-col", "flux_err_col", str, "flux error column name (generic tables)"),
    ("--camera-col", "camera_col", str, "camera label column name (generic tables)"),
    ("--band-col", "band_col", str, "band column name (generic tables)"),
    ("--dataset-col", "dataset_col", str, "data set (survey, telescope, observer) column (generic tables)"),
    ("--time-offset", "time_offset", float, "days added to the time column (generic tables, e.g. 2450000)"),
    ("--zero-point", "zero_point", float, "zero point for mag<->flux (generic tables; default 22)"),
)


def _comma_list(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``info`` subcommand."""
    parser = subparsers.add_parser(
        "info",
        help="print a summary of one light-curve file (points, span, cameras, bands, scatter)",
        description="Read a light curve (.dat2, SkyPatrol CSV, generic table) and print its summary and "
        "how many points the default cleaning would drop, per reason.",
    )
    parser.add_argument("file", help="light-curve file")
    parser.add_argument(
        "--format", choices=sorted(FORMATS), default=None, help="force a reader (default: detected)"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    parser.add_argument(
        "--columns",
        type=_comma_list,
        default=None,
        help="comma-separated names of the columns by position, e.g. time,mag,mag_err (generic tables)",
    )
    for flag, dest, kind, text in READER_FLAGS:
        parser.add_argument(flag, dest=dest, type=kind, default=None, help=text)
    parser.add_argument(
        "--good-quality",
        type=_comma_list,
        default=None,
        help="SkyPatrol quality letters counted as good, comma-separated (default G,U)",
    )
    parser.set_defaults(func=run)


def _reader_options(args: argparse.Namespace) -> dict[str, Any]:
    names = ["columns", "good_quality", *(dest for _, dest, _, _ in READER_FLAGS)]
    return {name: getattr(args, name) for name in names if getattr(args, name) is not None}


def _nan_to_none(value: Any) -> Any:
    """Replace NaN floats (recursively in dicts) by None, so ``--json`` prints strict JSON (null)."""
    if isinstance(value, dict):
        return {key: _nan_to_none(item) for key, item in value.items()}
    return None if isinstance(value, float) and math.isnan(value) else value


#: Reader facts from ``meta`` that ``info`` reports (with the value that needs no mention).
READ_FACTS: tuple[tuple[str, Any], ...] = (
    ("time_frame", ""),
    ("time_flag", ""),
    ("encoding", "utf-8"),
    ("decimal", "."),
    ("n_upper_limits", 0),
    ("n_no_photometry", 0),
    ("position_source", "none"),
)


def _read_facts(meta: dict[str, Any]) -> dict[str, Any]:
    facts = {key: meta[key] for key, _ in READ_FACTS if key in meta}
    if facts.get("position_source", "none") != "none":
        facts.update(ra=float(meta["ra"]), dec=float(meta["dec"]))
    return facts


def _format_number(value: float, digits: int) -> str:
    return "n/a" if math.isnan(value) else f"{value:.{digits}f}"


def _text(summary: dict[str, Any]) -> str:
    counts = ", ".join
    lines = [
        f"source {summary['source_id']} ({summary['format']}): {summary['n_points']} points, "
        f"{summary['n_good']} good, {summary['n_bad']} bad, {summary['n_saturated']} saturated",
        f"time {_format_number(summary['t_min'], 5)} .. {_format_number(summary['t_max'], 5)}: "
        f"{_format_number(summary['span_days'], 1)} days, "
        f"{_format_number(summary['points_per_day'], 3)} points/day",
        f"cameras ({summary['n_cameras']}): " + counts(f"{k} {v}" for k, v in summary["cameras"].items()),
        f"bands ({summary['n_bands']}): " + counts(f"{k or '?'} {v}" for k, v in summary["bands"].items()),
        f"median mag {_format_number(summary['median_mag'], 3)}, robust scatter "
        f"{_format_number(summary['robust_scatter_mag'], 4)} mag, median error "
        f"{_format_number(summary['median_mag_err'], 4)} mag",
    ]
    cleaning = summary["cleaning"]
    dropped = ", ".join(
        f"{key.removeprefix('dropped_')} {value}"
        for key, value in cleaning.items()
        if key.startswith("dropped_") and value
    )
    lines.append(f"default cleaning keeps {cleaning['n_kept']} of {cleaning['n_input']}" + (
        f" (dropped: {dropped})" if dropped else ""))  # fmt: skip
    read = summary["read"]
    noted = [f"{key} {read[key]}" for key, usual in READ_FACTS if read.get(key, usual) not in (usual, "")]
    if "ra" in read:
        noted.append(f"ra {read['ra']:.6f} dec {read['dec']:.6f}")
    if noted:
        lines.append("read: " + ", ".join(noted))
    flags = [name for name in ("was_unsorted", "single_camera") if cleaning[name]]
    flags += [read["time_flag"]] if read.get("time_flag") else []
    flags += [f"{name} {cleaning[name]}" for name in ("n_duplicates",) if cleaning[name]]
    if flags:
        lines.append("flags: " + ", ".join(flags))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print the summary; a file that cannot be read prints one error line and returns 1."""
    try:
        lc = read_lightcurve(args.file, format=args.format, **_reader_options(args))
    except LightCurveReadError as exc:
        print(f"lcpipe info: {exc}", file=sys.stderr)
        return 1
    except TypeError as exc:  # a generic-table flag given for a format that has no such option
        print(f"lcpipe info: {args.file}: option not valid for this format ({exc})", file=sys.stderr)
        return 2
    summary = summarize_lightcurve(lc)
    summary["read"] = _read_facts(lc.meta)
    summary["cleaning"] = clean_lightcurve(lc, CleaningOptions())[1].as_row()
    if args.json:
        print(json.dumps(_nan_to_none(summary)))
    else:
        print(_text(summary))
    return 0
