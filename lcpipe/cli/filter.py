"""``lcpipe filter``: split a joined events table into candidates and rejected sources."""

from __future__ import annotations

import argparse
import logging
import sys

from lcpipe.filter.criteria import DipTests, MicrolensingTests
from lcpipe.stages.filter import family_counts, write_filtered

_DIPS = DipTests()
_ML = MicrolensingTests()


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``filter`` subcommand."""
    parser = subparsers.add_parser(
        "filter",
        help="split an events table into candidates (dip, jump or microlensing) and rejected sources",
        description="Read a joined events table (results/<bin>/events.parquet), run every filter test "
        "(a pass_<name> column each) and write the sources passing the dip, jump or microlensing family "
        "to --out-candidates (with candidate_type) and the rest to --out-rejected (with reject_reason). "
        "Thresholds not given here take the defaults of lcpipe.filter.criteria (the workflow reads them "
        "from the config section 'filter').",
    )
    parser.add_argument("events", help="joined events Parquet table (one row per source)")
    parser.add_argument("--out-candidates", required=True, help="output Parquet file of the candidates")
    parser.add_argument("--out-rejected", required=True, help="output Parquet file of the rejected sources")
    parser.add_argument(
        "--min-bayes-factor",
        type=float,
        default=_DIPS.min_bayes_factor,
        help=f"linear Bayes factor of dips and jumps to exceed (default {_DIPS.min_bayes_factor:g})",
    )
    parser.add_argument(
        "--min-run-points",
        type=int,
        default=_DIPS.min_run_points,
        help=f"triggered points in the strongest run (default {_DIPS.min_run_points})",
    )
    parser.add_argument(
        "--min-run-cameras",
        type=int,
        default=_DIPS.min_run_cameras,
        help=f"cameras in the strongest run (default {_DIPS.min_run_cameras})",
    )
    parser.add_argument(
        "--min-amplitude",
        type=float,
        default=_DIPS.min_amplitude_mag,
        help=f"|event - baseline| in mag to exceed (default {_DIPS.min_amplitude_mag:g})",
    )
    parser.add_argument(
        "--min-dipper-score",
        type=float,
        default=_DIPS.min_dipper_score,
        help=f"dipper score to exceed for dips (default {_DIPS.min_dipper_score:g})",
    )
    parser.add_argument(
        "--morphology", action="store_true", help="also require a non-constant profile of the strongest run"
    )
    parser.add_argument(
        "--min-pspl-dchi2",
        type=float,
        default=_ML.min_pspl_dchi2,
        help=f"PSPL chi2 improvement over a constant (default {_ML.min_pspl_dchi2:g})",
    )
    parser.add_argument(
        "--require-anomaly", action="store_true", help="only microlensing events with a passing anomaly"
    )
    parser.add_argument(
        "--no-tag-cuts", action="store_true", help="do not require the tag cuts (span, cadence, cameras)"
    )
    parser.add_argument(
        "--periodicity",
        action="store_true",
        help="reject significantly periodic light curves (bootstrap Lomb-Scargle; reads the light curves)",
    )
    parser.set_defaults(func=run)


def options_from(args: argparse.Namespace) -> dict:
    """The ``filter`` options (config-section layout) the command line asks for."""
    runs = {
        "min_bayes_factor": args.min_bayes_factor,
        "min_run_points": args.min_run_points,
        "min_run_cameras": args.min_run_cameras,
        "min_amplitude_mag": args.min_amplitude,
        "morphology": args.morphology,
    }
    return {
        "require_passed_tags": not args.no_tag_cuts,
        "dips": {**runs, "min_dipper_score": args.min_dipper_score},
        "jumps": runs,
        "microlensing": {"min_pspl_dchi2": args.min_pspl_dchi2, "require_anomaly": args.require_anomaly},
        "periodicity": {"enabled": args.periodicity},
    }


def run(args: argparse.Namespace) -> int:
    """Filter the table; a bad input file or option prints one error line and returns 1."""
    logging.basicConfig(level=logging.WARNING, format="lcpipe filter: %(message)s")
    try:
        result = write_filtered(
            args.events, args.out_candidates, args.out_rejected, options=options_from(args)
        )
    except (ValueError, OSError) as exc:
        print(f"lcpipe filter: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out_candidates} and {args.out_rejected}: {family_counts(result)}")
    return 0
