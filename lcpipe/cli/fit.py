"""``lcpipe fit FILE [FILE ...]``: fit a PSPL (or FSPL) microlensing model to one event and print it."""

from __future__ import annotations

import argparse
import contextlib
import json
import math
from typing import Any

import numpy as np

from lcpipe.cli.event_files import add_event_arguments, read_event
from lcpipe.microlensing.event_selection import EventSelection
from lcpipe.microlensing.fit_input import fit_input
from lcpipe.microlensing.fspl import fit_fspl
from lcpipe.microlensing.photometry import rescale_errors, rescale_errors_by_group
from lcpipe.microlensing.pspl import PSPLOptions
from lcpipe.microlensing.pspl_quality import fit_quality, parse_coordinates
from lcpipe.microlensing.uncertainty import dataset_flux_errors, pspl_uncertainties

#: Fields printed in the text output, in order, with their format.
TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("t0", ".5f"),
    ("t0_err", ".5f"),
    ("tE", ".5f"),
    ("tE_err", ".5f"),
    ("u0", ".6f"),
    ("u0_err", ".6f"),
    ("rho", ".6g"),
    ("rho_err", ".3g"),
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
    ("is_event", ""),
    ("parallax", ""),
    ("pi_EN", ".4f"),
    ("pi_EN_err", ".4f"),
    ("pi_EE", ".4f"),
    ("pi_EE_err", ".4f"),
    ("u0_sign", "d"),
    ("dchi2_parallax", ".3f"),
    ("finite_source", ""),
    ("dchi2_fspl", ".3f"),
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``fit`` subcommand."""
    parser = subparsers.add_parser(
        "fit",
        help="fit a point-lens microlensing model (PSPL, or FSPL with --fspl) to one event (1+ files)",
        description="Read and clean the light curve(s) of one event, fit F_k = fs_k*A(t; t0, tE, u0) + fb_k "
        "with the fluxes of every data set k solved linearly (automatic start), and print the parameters, "
        "chi2 and the event significance (chi2 of a constant minus chi2 of the fit). Each file is one data "
        "set (labelled by its file stem, unless the file has a data set column) with its own source and "
        "blend flux. Magnitudes are fitted as flux on zero point 22; files holding flux (difference flux "
        "included) are fitted in their own flux. The PSPL result comes with the curvature errors of t0, tE, "
        "u0, fs and fb; an event that passes the pipeline's event selection also gets annual parallax "
        "(with --coordinates and full dates) and a finite-source fit (u0 < 0.3), as the pipeline's PSPL "
        "stage. The exit code is 0 when the fit status is ok, 1 otherwise.",
    )
    add_event_arguments(parser, "time,mag,mag_err")
    parser.add_argument(
        "--fspl", action="store_true", help="fit a finite source (log rho as a fourth parameter)"
    )
    parser.add_argument(
        "--parallax",
        choices=("auto", "on", "off"),
        default="auto",
        help="annual parallax of a significant event with --coordinates and full dates: auto keeps it "
        "when significant, on always, off never (default auto)",
    )
    parser.add_argument(
        "--finite-source",
        choices=("auto", "off"),
        default="auto",
        help="fit a finite source to a significant event with u0 < 0.3 and report it (auto, default) or not",
    )
    parser.add_argument(
        "--coordinates",
        type=_coordinates,
        default=None,
        help="event position for the parallax fit: 'RA DEC' in degrees or 'hh:mm:ss +dd:mm:ss'",
    )
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.set_defaults(func=run)


def _coordinates(text: str) -> str:
    try:
        return parse_coordinates(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _strict_json(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    return None if isinstance(value, float) and math.isnan(value) else value


def dataset_fields(fit: Any) -> dict[str, Any]:
    """Per data set numbers of a joint fit: labels, point counts, fs, fb, their curvature errors (each data
    set's flux units, the joint ``sqrt(chi2/dof)`` factor applied) and error factors (text)."""
    if fit.group_labels is None or fit.group is None:
        return {"n_datasets": int(fit.n_groups), "datasets": ""}
    factors = rescale_errors_by_group(fit)[0]
    counts = np.bincount(fit.group, minlength=fit.n_groups)
    labels = [str(x) for x in fit.group_labels]
    fs_err = fb_err = np.full(fit.n_groups, np.nan)
    if fit.ok:
        with contextlib.suppress(ValueError):  # singular curvature: no errors
            fs_err, fb_err = dataset_flux_errors(fit, pspl_uncertainties(fit))
    return {
        "n_datasets": int(fit.n_groups),
        "datasets": ",".join(labels),
        "dataset_n_points": ",".join(str(int(n)) for n in counts),
        "dataset_fs": ",".join(f"{x:.6g}" for x in fit.fs_groups),
        "dataset_fb": ",".join(f"{x:.6g}" for x in fit.fb_groups),
        "dataset_fs_err": ",".join(f"{x:.3g}" for x in fs_err),
        "dataset_fb_err": ",".join(f"{x:.3g}" for x in fb_err),
        "error_scales": ",".join(f"{name}={x:.4g}" for name, x in zip(labels, factors, strict=True)),
    }


def run(args: argparse.Namespace) -> int:
    """Fit and print; a file that cannot be read prints one error line and returns 1."""
    curves = read_event(args, "fit")
    if curves is None:
        return 1
    data = fit_input(curves)
    options = PSPLOptions(parallax=args.parallax, finite_source=args.finite_source)
    fit = fit_fspl(data.time, data.flux, data.flux_err) if args.fspl else data.fit(options)
    quality = {}
    if not args.fspl:
        is_event = EventSelection().is_event(fit)[0]
        quality = {"is_event": is_event, **fit_quality(
            fit, options, significant=is_event, coordinates=args.coordinates
        )}  # fmt: skip
    result = {
        "source_id": data.source_id,
        "model": "fspl" if args.fspl else "pspl",
        **fit.as_dict(),
        "error_scale": rescale_errors(fit)[0],
        "zero_point": data.zero_point,
        "data_kind": data.data_kind,
        "time_frame": ",".join(sorted(set(data.time_frames))),
        **({} if args.fspl else dataset_fields(fit)),
        **quality,
    }
    if args.json:
        print(json.dumps({key: _strict_json(value) for key, value in result.items()}))
    else:
        print(f"{result['source_id']}  {result['model'].upper()}  status={result['status']}")
        for name, spec in TEXT_FIELDS:
            if name in result:
                print(f"  {name:<14} {format(result[name], spec)}")
        if result.get("n_datasets", 1) > 1 and fit.ok:
            print(f"  {'data set':<24} {'n':>6} {'fs':>12} {'fb':>12} {'err scale':>9}")
            factors = rescale_errors_by_group(fit)[0]
            counts = np.bincount(fit.group, minlength=fit.n_groups)
            for k, name in enumerate(fit.group_labels):
                print(
                    f"  {name:<24} {counts[k]:>6d} {fit.fs_groups[k]:>12.5g} {fit.fb_groups[k]:>12.5g} "
                    f"{factors[k]:>9.3f}"
                )
    return 0 if fit.ok else 1
