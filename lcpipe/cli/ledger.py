"""``lcpipe ledger RESULTS_DIR``: what became of every entry of the survey layout."""

from __future__ import annotations

import argparse
import os
import sys

import pandas as pd

from lcpipe.stages.ledger import DISPOSITIONS, ledger_totals, read_ledgers

#: Columns printed for the rows of one status.
ROW_COLUMNS = ("mag_bin", "entry", "source_id", "stage", "status", "reason", "families", "duplicate_of")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``ledger`` subcommand."""
    parser = subparsers.add_parser(
        "ledger",
        help="print the ledger totals of a run (every entry of the layout by disposition and status)",
        description="Read RESULTS_DIR/<bin>/ledger.parquet and RESULTS_DIR/ledger_unbinned.parquet and "
        "print the number of entries per disposition (candidate, rejected, skipped, failed, excluded, "
        "index, member) and per status, for each bin and the run. With --status, also print every row of "
        "that status or disposition.",
    )
    parser.add_argument("results_dir", metavar="RESULTS_DIR", help="the workflow's results folder")
    parser.add_argument(
        "--status", metavar="S", help="print the rows whose status or disposition is S (e.g. duplicate_id)"
    )
    parser.add_argument("--bin", dest="mag_bin", metavar="BIN", help="only this bin ('unbinned': no bin)")
    parser.add_argument("--max-rows", type=int, default=200, help="rows printed with --status (default 200)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the totals (and the rows of ``--status``); one line on stderr and exit 1 without a ledger."""
    try:
        ledger = read_ledgers(args.results_dir)
    except (FileNotFoundError, OSError) as exc:
        print(f"lcpipe ledger: {exc}", file=sys.stderr)
        return 1
    ledger["mag_bin"] = ledger["mag_bin"].where(ledger["mag_bin"] != "", "unbinned")
    if args.mag_bin:
        ledger = ledger.loc[ledger["mag_bin"] == args.mag_bin]
    try:
        print(format_totals(ledger))
        if args.status:
            print()
            print(format_rows(ledger, args.status, args.max_rows))
    except BrokenPipeError:  # piped into head: stop quietly, and let the exit flush go nowhere
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def format_totals(ledger: pd.DataFrame) -> str:
    """Entries per disposition for each bin and the run, then the run's counts per status."""
    groups = [(name, frame) for name, frame in ledger.groupby("mag_bin", sort=True)] + [("run", ledger)]
    width = max([len(name) for name, _ in groups] + [8])
    header = f"{'bin':<{width}} {'entries':>8} " + " ".join(f"{d:>9}" for d in DISPOSITIONS)
    lines = [header]
    for name, frame in groups:
        totals = ledger_totals(frame)
        counts = " ".join(f"{totals['dispositions'][d]:>9}" for d in DISPOSITIONS)
        lines.append(f"{name:<{width}} {totals['entries']:>8} {counts}")
    lines.append("")
    lines.append("status counts of the run:")
    by_status = ledger.groupby(["disposition", "status"], sort=True).size()
    for (disposition, status), n in by_status.items():
        lines.append(f"  {disposition:<10} {status:<28} {n:>8}")
    return "\n".join(lines)


def format_rows(ledger: pd.DataFrame, status: str, max_rows: int) -> str:
    """The rows whose status or disposition is ``status`` (at most ``max_rows``), tab-separated."""
    rows = ledger.loc[(ledger["status"] == status) | (ledger["disposition"] == status)]
    lines = [f"{len(rows)} entries with status {status}:", "\t".join(ROW_COLUMNS)]
    for record in rows.head(max_rows).loc[:, list(ROW_COLUMNS)].itertuples(index=False):
        lines.append("\t".join(str(v).replace("\t", " ").replace("\n", " ") for v in record))
    if len(rows) > max_rows:
        lines.append(f"... {len(rows) - max_rows} more (--max-rows)")
    return "\n".join(lines)
