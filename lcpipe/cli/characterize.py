"""``lcpipe characterize``: Galactic l/b, Gaia-like crossmatch and derived quantities for candidates."""

from __future__ import annotations

import argparse

from lcpipe.characterize import CharacterizeOptions, characterize
from lcpipe.cli.online_flags import add_online_flags, online_settings, run_on_candidates

_DEFAULTS = CharacterizeOptions()


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``characterize`` subcommand."""
    parser = subparsers.add_parser(
        "characterize",
        help="add Galactic l/b, the nearest Gaia-like counterpart, distance, colours and IR class",
        description="Read a candidates Parquet table (source_id, ra, dec in degrees), crossmatch it with a "
        "local Gaia-like catalog after moving the catalog to the candidates' epoch with its proper motions, "
        "optionally query the Gaia archive (cached) for the rest, and write the table with added columns.",
    )
    parser.add_argument("input", help="candidates Parquet table")
    parser.add_argument("--out", required=True, help="output Parquet file")
    parser.add_argument("--catalog", default=None, help="local Gaia-like catalog, CSV or Parquet")
    parser.add_argument(
        "--radius",
        type=float,
        default=_DEFAULTS.match_radius_arcsec,
        help=f"match radius in arcsec (default {_DEFAULTS.match_radius_arcsec:g})",
    )
    parser.add_argument(
        "--epoch",
        type=float,
        default=_DEFAULTS.candidate_epoch,
        help="epoch (Julian year) of candidate positions without a per-row 'epoch' column "
        f"(default {_DEFAULTS.candidate_epoch:g})",
    )
    parser.add_argument(
        "--min-parallax-snr",
        type=float,
        default=_DEFAULTS.min_parallax_snr,
        help=f"parallax/error needed for a distance (default {_DEFAULTS.min_parallax_snr:g})",
    )
    parser.add_argument(
        "--online", action="store_true", help="query the Gaia archive for candidates without a local match"
    )
    add_online_flags(parser, _DEFAULTS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Characterize the candidates; a bad input file prints one error line and returns 1."""

    def options() -> CharacterizeOptions:
        return CharacterizeOptions(
            catalog=args.catalog,
            match_radius_arcsec=args.radius,
            candidate_epoch=args.epoch,
            min_parallax_snr=args.min_parallax_snr,
            online=args.online,
            **online_settings(args),
        )

    table = run_on_candidates(args, "characterize", "characterize", options, characterize)
    if table is None:
        return 1
    counts = table["gaia_status"].value_counts().to_dict()
    print(f"wrote {args.out}: {len(table)} candidates, gaia_status {counts}")
    return 0
