"""``lcpipe review``: the browser app over a finished run, and the review store's merge and export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

#: Default review store (in the current folder).
DEFAULT_DB = "reviews.sqlite"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``review`` subcommand."""
    parser = subparsers.add_parser(
        "review",
        help="review candidates in a local web app (score, class, notes), merge and export reviews",
        description="Serve a local web app over a finished run: a queue of every candidate (filters, "
        "sorting, search, progress), an interactive light curve, the key numbers and catalog matches, "
        "and a 1-4 score and class per candidate set by keys or buttons, stored in an SQLite file. "
        "--merge A B --out C merges stores and lists conflicts; --export FILE writes the current labels.",
    )
    parser.add_argument("results_dir", nargs="?", help="results folder of a finished run")
    parser.add_argument("--db", default=DEFAULT_DB, help=f"review store (SQLite; default {DEFAULT_DB})")
    parser.add_argument("--bin", action="append", dest="bins", help="review only this bin (repeatable)")
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8050, help="port (default 8050)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser tab")
    parser.add_argument(
        "--predictions",
        default=None,
        help="`lcpipe ml predict` table: order the queue by classifier uncertainty",
    )
    parser.add_argument("--merge", nargs="+", metavar="DB", help="review stores to merge (into --out)")
    parser.add_argument("--out", default=None, help="merged store to write (with --merge)")
    parser.add_argument(
        "--export", default=None, metavar="FILE", help="write the current reviews to FILE (.parquet or .csv)"
    )
    parser.set_defaults(func=run)


def _merge(args: argparse.Namespace) -> int:
    from lcpipe.review.store import ReviewStoreError, merge_stores

    if not args.out:
        print("lcpipe review: --merge needs --out", file=sys.stderr)
        return 2
    try:
        conflicts = merge_stores(args.merge, args.out)
    except ReviewStoreError as exc:
        print(f"lcpipe review: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out} from {len(args.merge)} stores; {len(conflicts)} conflict(s)")
    for conflict in conflicts:
        print(f"conflict {conflict.describe()}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from lcpipe.review.run import RunError, load_candidates
    from lcpipe.review.store import ReviewStoreError, connect, current_reviews, with_change_flags
    from lcpipe.tables import write_table

    out = Path(args.export)
    if out.suffix not in (".parquet", ".csv"):
        print(f"lcpipe review: {out}: export to .parquet or .csv", file=sys.stderr)
        return 2
    if not Path(args.db).is_file():
        print(f"lcpipe review: {args.db}: no such review store", file=sys.stderr)
        return 1
    try:
        connection = connect(args.db)
        try:
            reviews = current_reviews(connection)
        finally:
            connection.close()
        if args.results_dir:
            reviews = with_change_flags(reviews, load_candidates(args.results_dir, args.bins))
    except (ReviewStoreError, RunError) as exc:
        print(f"lcpipe review: {exc}", file=sys.stderr)
        return 1
    if out.suffix == ".csv":
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        reviews.to_csv(tmp, index=False)
        tmp.replace(out)
    else:
        write_table(reviews, out, provenance={"stage": "review_export", "store": str(args.db)})
    print(f"wrote {out}: {len(reviews)} reviewed candidates")
    return 0


def run(args: argparse.Namespace) -> int:
    """Merge, export, or serve the app."""
    if args.merge:
        return _merge(args)
    if args.export:
        return _export(args)
    if not args.results_dir:
        print("lcpipe review: give RESULTS_DIR (or --merge / --export)", file=sys.stderr)
        return 2
    from lcpipe.review.app import ReviewSession, serve
    from lcpipe.review.run import RunError
    from lcpipe.review.store import ReviewStoreError

    try:
        session = ReviewSession.open(args.results_dir, args.db, args.bins, args.predictions)
    except (RunError, ReviewStoreError, OSError) as exc:
        print(f"lcpipe review: {exc}", file=sys.stderr)
        return 1
    print(
        f"lcpipe review: {len(session.candidates)} candidates, store {args.db}: http://{args.host}:{args.port}/"
    )
    serve(session, args.host, args.port, open_browser=not args.no_browser)
    return 0
