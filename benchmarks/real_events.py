"""Run the anomaly finder on real multi-dataset microlensing events and print one table row per event.

Each event is its published photometry, one file per data set (observatory, telescope, band), read
with the reader its format needs and searched jointly (:func:`lcpipe.microlensing.fit_input.fit_input`).
The table gives the data sets, the joint PSPL fit, the best cluster (delta chi-square, and with the
residuals clipped as the verdict tests it) with its calibrated false-alarm probability, the event
null's own log10 FAP before calibration and the verdict, and the
strongest cluster with the data sets that carry it, next to the published anomaly window.

Usage: ``python benchmarks/real_events.py [--data ../shared/data/microlensing_events] [--json]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from lcpipe.microlensing.finder import FinderOptions
from lcpipe.microlensing.fit_input import fit_input, load_event

#: Event folder, reader, file pattern(s), files left out (and why), published anomaly window (HJD').
EVENTS = (
    ("OB05390", "phot", ("*.dat",), (), "3592.1-3593.2"),
    ("MB07192", "ipac", ("*.tbl",), (), "4244.4-4245.4"),
    ("MB09319", "dia", ("lcMB09319ao.*",), ("lcMB09319ao.parMB09319ao",), "5005.5-5008.4"),
    # Spitzer sees the event from ~1 au away (own t0, u0): not part of the ground-based trajectory.
    ("OB190033", "time_last", ("Data/*.dat",), ("Spitzer1.dat",), "8677.6, 8689.9, 8691.9"),
    ("OB170002", "phot", ("*.txt",), (), "none (KMTA42 spike 7853.15-7853.22)"),
)


def event_files(folder: Path, patterns: tuple[str, ...], skip: tuple[str, ...]) -> list[Path]:
    """The photometry files of one event folder, sorted."""
    files = sorted({p for pattern in patterns for p in folder.glob(pattern) if p.is_file()})
    return [p for p in files if p.name not in skip and not p.name.endswith((".md", ".txt.md"))]


def run_event(folder: Path, fmt: str, patterns, skip, window: str) -> dict:
    files = event_files(folder, patterns, skip)
    if folder.name == "MB09319":
        files = [p for p in files if p.suffix not in (".in",) and not p.name.startswith("par")]
    start = time.perf_counter()
    curves, status, reports = load_event(files, format=fmt, event_id=folder.name)
    if status != "ok":
        return {"event": folder.name, "status": status}
    data = fit_input(curves)
    result = data.find(FinderOptions())
    row = result.summary_dict()
    dropped = sum(r.n_input - r.n_kept for r in reports if r is not None)
    return {
        "event": folder.name,
        "n_datasets": len(data.datasets),
        "n_points": len(data),
        "n_dropped_cleaning": dropped,
        "data_kind": data.data_kind,
        "pspl_t0": row["pspl_t0"] - 2450000,
        "pspl_tE": row["pspl_tE"],
        "pspl_u0": row["pspl_u0"],
        "pspl_status": row["pspl_status"],
        "has_candidate": row["has_candidate"],
        "best_t0": row["best_t0"] - 2450000,
        "best_teff": row["best_teff"],
        "best_dchi2": row["best_dchi2"],
        "best_datasets": row["best_datasets"],
        "best_dchi2_clipped": row["best_dchi2_clipped"],
        "best_fap": row["best_fap"],
        "best_log10_fap": row["best_log10_fap"],
        "best_fap_event": row["best_fap_event"],
        "best_fap_is_bound": row["best_fap_is_bound"],
        "best_log10_fap_event": row["best_log10_fap_event"],
        "n_null": row["n_null"],
        "error_scales": row["error_scales"],
        "null_seconds": result.timings.get("null", float("nan")),
        "verdict_reason": row["verdict_reason"],
        "top_t0": row["top_t0"] - 2450000,
        "top_teff": row["top_teff"],
        "top_dchi2": row["top_dchi2"],
        "top_datasets": row["top_datasets"],
        "top_reject_reason": (
            "" if result.top is None else str(result.clusters["reject_reason"].iloc[result.top])
        ),
        "published_window": window,
        "seconds": time.perf_counter() - start,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "microlensing_events"),
        help="folder holding one sub-folder per event (default ../shared/data/microlensing_events)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per event")
    args = parser.parse_args()
    root = Path(args.data)
    if not root.is_dir():
        sys.exit(f"{root}: no such folder (give the real events with --data)")
    header = (
        f"{'event':<9} {'sets':>4} {'N':>6} {'PSPL t0':>10} {'tE':>7} | {'verdict':<7} {'best t0':>10} "
        f"{'teff':>7} {'dchi2':>8} {'clip':>6} {'FAP':>8} {'event':>6} | {'top t0':>10} {'teff':>7} "
        f"{'dchi2':>8} "
        f"{'carried by':<28} "
        f"{'rejected':<14} | published"
    )
    if not args.json:
        print(header)
    for name, fmt, patterns, skip, window in EVENTS:
        if not (root / name).is_dir():
            print(f"{name}: not in {root}, skipped")
            continue
        row = run_event(root / name, fmt, patterns, skip, window)
        if args.json:
            print(json.dumps(row))
            continue
        if "n_datasets" not in row:
            print(f"{name:<9} {row['status']}")
            continue
        print(
            f"{name:<9} {row['n_datasets']:>4} {row['n_points']:>6} {row['pspl_t0']:>10.3f} "
            f"{row['pspl_tE']:>7.2f} | {'yes' if row['has_candidate'] else 'no':<7} {row['best_t0']:>10.3f} "
            f"{row['best_teff']:>7.3f} {row['best_dchi2']:>8.1f} {row['best_dchi2_clipped']:>6.0f} "
            f"{row['best_fap']:>8.2g} {row['best_log10_fap_event']:>6.1f} | {row['top_t0']:>10.3f} "
            f"{row['top_teff']:>7.3f} {row['top_dchi2']:>8.1f} {row['top_datasets'][:28]:<28} "
            f"{row['top_reject_reason'][:14]:<14} | {window}"
        )


if __name__ == "__main__":
    main()
