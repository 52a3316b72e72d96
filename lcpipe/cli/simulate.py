"""``lcpipe simulate``: write the seeded demo survey (and optionally Roman-style events) with its truth."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from lcpipe.manifest import ManifestError, bin_limits
from lcpipe.simulate import SurveySimOptions, simulate_survey
from lcpipe.simulate.roman import RomanSimOptions, simulate_roman

_SURVEY = SurveySimOptions()
_ROMAN = RomanSimOptions()


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``simulate`` subcommand."""
    parser = subparsers.add_parser(
        "simulate",
        help="write a seeded ASAS-SN-style demo survey with injected events and their truth",
        description="Write OUT_DIR/lc/<bin>/lc<num>_cal/<id>.dat2, OUT_DIR/index/<bin>/index<num>.csv, "
        "OUT_DIR/catalogs/{gaia_like,vsx_like}.csv and OUT_DIR/truth.parquet (injected dips, eclipsing "
        "binaries, flares, PSPL events and planetary anomalies; deliberately broken and missing files). "
        "The same seed always gives byte-identical files.",
    )
    parser.add_argument(
        "out_dir",
        metavar="OUT_DIR",
        nargs="?",
        help="output folder (created; files are overwritten); may follow --bins",
    )
    parser.add_argument(
        "--seed", type=int, default=_SURVEY.seed, help=f"master random seed (default {_SURVEY.seed})"
    )
    parser.add_argument(
        "--stars-per-bin",
        type=int,
        default=_SURVEY.stars_per_bin,
        help=f"index rows per magnitude bin (default {_SURVEY.stars_per_bin})",
    )
    parser.add_argument(
        "--signal-fraction",
        type=float,
        default=None,
        metavar="F",
        help="share of stars with an injected signal, the signal kinds in their default proportions "
        "(0.05 is survey-like; default: the rich demo mix)",
    )
    parser.add_argument(
        "--bins",
        nargs="+",
        default=list(_SURVEY.mag_bins),
        metavar="BIN",
        help="magnitude bins named <lo>_<hi> (default: " + " ".join(_SURVEY.mag_bins) + ")",
    )
    parser.add_argument(
        "--roman",
        action="store_true",
        help=f"also write {_ROMAN.n_planet} planetary and {_ROMAN.n_pspl} PSPL Roman-style events "
        "(15-minute cadence, six 72-day seasons, flux) to OUT_DIR/roman/",
    )
    parser.set_defaults(func=run, parser=parser)


def _is_bin_name(text: str) -> bool:
    try:
        bin_limits(text)
    except ManifestError:
        return False
    return True


def _split_out_dir(args: argparse.Namespace) -> tuple[Path, list[str]]:
    """OUT_DIR and the bins: ``--bins A B OUT`` hands OUT to --bins, so take it back from there."""
    bins = list(args.bins)
    if args.out_dir is not None:
        out_dir = args.out_dir
    elif len(bins) > 1 and not _is_bin_name(bins[-1]):
        out_dir = bins.pop()
    else:
        args.parser.error("the following arguments are required: OUT_DIR")
    bad = [name for name in bins if not _is_bin_name(name)]
    if bad:
        args.parser.error(f"--bins: {bad[0]!r} is not a bin name '<lo>_<hi>' (e.g. 12_12.5)")
    return Path(out_dir), bins


def run(args: argparse.Namespace) -> int:
    """Write the survey (and Roman events) and print what was written; returns 0."""
    out_dir, bins = _split_out_dir(args)
    start = time.perf_counter()
    try:
        options = SurveySimOptions(
            seed=args.seed,
            stars_per_bin=args.stars_per_bin,
            mag_bins=tuple(bins),
            signal_fraction=args.signal_fraction,
        )
    except ValueError as error:
        args.parser.error(str(error))
    tree = simulate_survey(out_dir, options=options)
    truth = tree.truth
    print(f"survey: {len(truth)} index rows in {len(tree.mag_bins)} bins ({', '.join(tree.mag_bins)})")
    print(f"  light curves: {tree.lc_root}/<bin>/lc<num>_cal/<id>.dat2")
    print(f"  index files:  {tree.index_root}/<bin>/index<num>.csv")
    print(f"  catalogs:     {tree.gaia_path}, {tree.vsx_path}")
    print(f"  truth:        {tree.truth_path}")
    for kind, count in truth["kind"].value_counts().sort_index().items():
        print(f"    {kind:<17s}{count:5d}")
    if args.roman:
        roman = simulate_roman(out_dir / "roman", options=RomanSimOptions(seed=args.seed))
        kinds = roman.truth["kind"].value_counts().sort_index()
        summary = ", ".join(f"{count} {kind}" for kind, count in kinds.items())
        print(f"roman: {len(roman.events)} events ({summary}) in {roman.root}/<event_id>.npy + truth.parquet")
    print(f"done in {time.perf_counter() - start:.1f} s (seed {args.seed})")
    return 0
