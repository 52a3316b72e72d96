"""``lcpipe fit FILE``: fit a PSPL (or FSPL) microlensing model to one light curve and print it."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from lcpipe.cli.info import READER_FLAGS
from lcpipe.io import FORMATS
from lcpipe.io.load import load_clean_with_reason
from lcpipe.microlensing.fspl import fit_fspl
from lcpipe.microlensing.photometry import dataset_labels, rescale_errors
from lcpipe.microlensing.pspl import fit_pspl

#: Fields printed in the text output, in order, with their format.
TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("t0", ".5f"),
    ("tE", ".5f"),
    ("u0", ".6f"),
    ("rho", ".6g"),
    ("fs", ".6g"),
    ("fb", ".6g"),
    ("chi2", ".4f"),
    ("dof", "d"),
    ("chi2_dof", ".4f"),
    ("dchi2_const", ".3f"),
    ("dchi2_pspl", ".3f"),
    ("error_scale", ".4f"),
    ("n_points", "d"),
    ("n_rejected", "d"),
    ("n_iter", "d"),
    ("converged", ""),
    ("at_bound", ""),
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``fit`` subcommand."""
    parser = subparsers.add_parser(
        "fit",
        help="fit a point-lens microlensing model (PSPL, or FSPL with --fspl) to one light curve",
        description="Read and clean one light curve, fit F = fs*A(t; t0, tE, u0) + fb with fs and fb "
        "solved linearly (automatic start), and print the parameters, chi2 and the event significance "
        "(chi2 of a constant minus chi2 of the fit). Magnitudes are fitted as flux on the reader's zero "
        "point (22 unless --zero-point). The exit code is 0 when the fit status is ok, 1 otherwise.",
    )
    parser.add_argument("file", help="light-curve file (.dat2, SkyPatrol CSV, OGLE, generic table, .npy)")
    parser.add_argument(
        "--format", choices=sorted(FORMATS), default=None, help="force a reader (default: detected)"
    )
    parser.add_argument(
        "--fspl", action="store_true", help="fit a finite source (log rho as a fourth parameter)"
    )
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.add_argument(
        "--columns",
        type=lambda text: tuple(item.strip() for item in text.split(",") if item.strip()),
        default=None,
        help="comma-separated names of the columns by position, e.g. time,mag,mag_err (generic tables)",
    )
    for flag, dest, kind, text in READER_FLAGS:
        parser.add_argument(flag, dest=dest, type=kind, default=None, help=text)
    parser.set_defaults(func=run)


def _reader_options(args: argparse.Namespace) -> dict[str, Any]:
    names = ["columns", *(dest for _, dest, _, _ in READER_FLAGS)]
    return {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}


def _strict_json(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


def run(args: argparse.Namespace) -> int:
    """Fit and print; a file that cannot be read prints one error line and returns 1."""
    lc, status, _, reason = load_clean_with_reason(
        args.file, format=args.format, read_options=_reader_options(args)
    )
    if lc is None or status != "ok":
        print(f"lcpipe fit: {args.file}: {status}: {reason}", file=sys.stderr)
        return 1
    if args.fspl:
        fit = fit_fspl(lc.time, lc.flux, lc.flux_err)
    else:
        fit = fit_pspl(lc.time, lc.flux, lc.flux_err, group=dataset_labels(lc))
    result = {
        "source_id": lc.source_id,
        "model": "fspl" if args.fspl else "pspl",
        **fit.as_dict(),
        "error_scale": rescale_errors(fit)[0],
        "zero_point": lc.meta.get("zero_point"),
    }
    if args.json:
        print(json.dumps({key: _strict_json(value) for key, value in result.items()}))
    else:
        print(f"{result['source_id']}  {result['model'].upper()}  status={result['status']}")
        for name, spec in TEXT_FIELDS:
            if name in result:
                print(f"  {name:<12} {format(result[name], spec)}")
    return 0 if fit.ok else 1
