"""Time the anomaly finder (PSPL fit, scan, clusters+quality+score, whole finder), single-threaded.

Runs on the Roman example and on synthetic Roman-like events of 1k, 10k and 100k points and prints
medians of several runs, grid sizes and throughput. When ``jacscanomaly`` (the reference tool) is
importable (install it only in a separate venv, never as an lcpipe dependency), it is run on the same
data in the same process and the speed ratio and best-candidate agreement are printed.

Usage: ``python benchmarks/anomaly.py [--repeats 5] [--sizes 1000 10000 100000]``
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import time
from pathlib import Path

import numpy as np

from lcpipe.kernels.anomaly_scan import scan_grid
from lcpipe.microlensing.clusters import find_clusters
from lcpipe.microlensing.finder import FinderOptions, find_anomalies, scan_fit
from lcpipe.microlensing.grid import build_grid
from lcpipe.microlensing.pspl import fit_pspl, pspl_magnification
from lcpipe.microlensing.quality import window_quality
from lcpipe.microlensing.score import score_cluster

ROMAN = Path(__file__).resolve().parents[1] / "tests" / "data" / "roman" / "example_data.npy"


def median_time(func, repeats: int) -> tuple[float, object]:
    """Median wall time (s) of ``func()`` over ``repeats`` runs after one warm-up, and its last value."""
    value = func()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        value = func()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), value


def synthetic_event(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Roman-like event: three 72-day seasons, n points, PSPL + a small planetary bump, flux noise.

    All cases run with :meth:`FinderOptions.reference` (no error rescaling, no gap rule) so that the
    reference tool computes the same quantities.
    """
    rng = np.random.default_rng(seed)
    t = np.sort(np.concatenate([s * 180.0 + rng.uniform(0, 72, n // 3 + (s < n % 3)) for s in range(3)]))
    model = 1.0 * pspl_magnification(t, 200.0, 10.0, 0.3) + 0.5
    err = np.full(n, 0.01)
    flux = model + 0.05 * np.exp(-0.5 * ((t - 201.0) / 0.2) ** 2) + rng.normal(0, err)
    return t, flux, err


def bench_lcpipe(name: str, data, repeats: int, options: FinderOptions) -> dict:
    t, f, e = data
    fit_s, fit = median_time(lambda: fit_pspl(t, f, e), repeats)
    order = np.argsort(fit.time)
    tt, r = fit.time[order], (fit.flux - fit.model_flux(fit.time))[order]
    w = 1.0 / fit.flux_err[order] ** 2
    grid = build_grid(tt, options.scan)
    each = options.scan.min_points_each_side
    scan_s, scan = median_time(lambda: scan_grid(tt, r, w, grid, min_points_each_side=each), repeats)

    def clusters_quality_score():
        reps = find_clusters(scan, grid)
        teff = grid.teff[scan.level[reps]]
        window_quality(tt, r, w, scan.lo[reps], scan.hi[reps], scan.t0[reps], teff, scan.template[reps])
        if reps.size:
            score_cluster(scan.season[reps], teff, scan.dchi2[reps], int(np.argmax(scan.dchi2[reps])))
        return reps

    cluster_s, reps = median_time(clusters_quality_score, repeats)
    total_s, result = median_time(lambda: find_anomalies(t, f, e, options=options), repeats)
    scan_only = median_time(lambda: scan_fit(fit, options=options), repeats)[0]
    row = result.summary_dict()
    print(
        f"{name:>10} N={t.size:>7} grid={grid.size:>9} scored={scan.dchi2.size:>8} clusters={reps.size:>5}  "
        f"fit {fit_s * 1e3:7.1f} ms  scan {scan_s * 1e3:7.1f} ms  "
        f"clusters+quality+score {cluster_s * 1e3:6.1f} ms  "
        f"finder {total_s * 1e3:7.1f} ms (scan_fit {scan_only * 1e3:6.1f} ms)  "
        f"{grid.size / scan_s:,.0f} grid points/s  {t.size / total_s:,.0f} data points/s"
    )
    print(
        f"{'':>10} best: t0={row['top_t0']:.4f} teff={row['top_teff']:.6g} dchi2={row['top_dchi2']:.3f} "
        f"score={row['top_score']:.2f} candidate={row['has_candidate']}"
    )
    return {"total": total_s, "row": row}


def bench_reference_tool(name: str, data, repeats: int, ours: dict) -> None:
    try:
        from jacscanomaly import Finder, FinderConfig
    except ImportError:
        print(f"{'':>10} jacscanomaly not importable: reference comparison skipped")
        return
    t, f, e = data

    def run():
        return Finder(FinderConfig(fitter_kind="pspl")).run(t, f, e)

    ref_s, result = median_time(run, repeats)
    ref = result.summary_dict()
    row = ours["row"]
    agree = (
        f"|dt0|={abs(ref['best_t0'] - row['top_t0']):.2e} d, "
        f"teff ratio={ref['best_teff'] / row['top_teff']:.6f}, "
        f"dchi2 {ref['best_dchi2']:.3f} vs {row['top_dchi2']:.3f}, score {ref['best_score']:.2f} vs "
        f"{row['top_score']:.2f}, clusters {ref['n_clusters']} vs {row['n_clusters']}"
    )
    ratio = ref_s / ours["total"]
    print(f"{'':>10} jacscanomaly: {ref_s * 1e3:.1f} ms  -> lcpipe finder is {ratio:.1f}x faster")
    print(f"{'':>10} agreement: {agree}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per figure (median reported)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000], help="synthetic sizes")
    parser.add_argument("--no-reference", action="store_true", help="do not run jacscanomaly even if present")
    args = parser.parse_args()
    print(f"lcpipe anomaly benchmark, single thread, median of {args.repeats} runs")
    cases = [("roman", tuple(np.load(ROMAN).T), FinderOptions.reference())]
    cases += [(f"synth{n // 1000}k", synthetic_event(n), FinderOptions.reference()) for n in args.sizes]
    for name, data, options in cases:
        ours = bench_lcpipe(name, data, args.repeats, options)
        if not args.no_reference:
            bench_reference_tool(name, data, args.repeats, ours)


if __name__ == "__main__":
    main()
