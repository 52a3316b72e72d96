"""``lcpipe vet``: flag candidates that are known variables (VSX-style catalog, optional SIMBAD)."""

from __future__ import annotations

import argparse

from lcpipe.cli.online_flags import add_online_flags, online_settings, run_on_candidates
from lcpipe.vetting import VettingOptions, vet

_DEFAULTS = VettingOptions()


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``vet`` subcommand."""
    parser = subparsers.add_parser(
        "vet",
        help="crossmatch candidates with known-variable catalogs (local VSX-style, optional SIMBAD)",
        description="Read a candidates Parquet table (source_id, ra, dec in degrees, J2000), match it with a "
        "VSX-style catalog (name, ra, dec, class, period) and optionally SIMBAD (cached), and write the "
        "table with known_variable, vsx_* and simbad_* columns.",
    )
    parser.add_argument("input", help="candidates Parquet table")
    parser.add_argument("--out", required=True, help="output Parquet file")
    parser.add_argument("--vsx", default=None, help="VSX-style catalog, CSV or Parquet")
    parser.add_argument(
        "--radius",
        type=float,
        default=_DEFAULTS.vsx_radius_arcsec,
        help=f"VSX match radius in arcsec (default {_DEFAULTS.vsx_radius_arcsec:g})",
    )
    parser.add_argument("--simbad", action="store_true", help="also query SIMBAD online (cached)")
    parser.add_argument(
        "--simbad-radius",
        type=float,
        default=_DEFAULTS.simbad_radius_arcsec,
        help=f"SIMBAD cone radius in arcsec (default {_DEFAULTS.simbad_radius_arcsec:g})",
    )
    add_online_flags(parser, _DEFAULTS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Vet the candidates; a bad input file prints one error line and returns 1."""

    def options() -> VettingOptions:
        return VettingOptions(
            vsx=args.vsx,
            vsx_radius_arcsec=args.radius,
            simbad=args.simbad,
            simbad_radius_arcsec=args.simbad_radius,
            **online_settings(args),
        )

    table = run_on_candidates(args, "vet", "vetting", options, vet)
    if table is None:
        return 1
    print(f"wrote {args.out}: {len(table)} candidates, {int(table['known_variable'].sum())} known variables")
    return 0
