"""Time the anomaly finder (PSPL fit, scan, clusters+quality+score, whole finder), single-threaded.

Runs on the Roman example and on synthetic Roman-like events of 1k, 10k and 100k points and prints
medians of several runs, grid sizes and throughput. With ``--peer-python`` naming the interpreter of a
separate virtual environment holding the scan-anomaly tool ``jacscanomaly`` (never an lcpipe
dependency: ``python3.11 -m venv /work/peers/jac && /work/peers/jac/bin/pip install jacscanomaly``),
that tool runs in one persistent subprocess on the same arrays, its runs interleaved one by one with
lcpipe's (each side times itself with ``perf_counter`` around the whole call, after one warm-up), and the
end-to-end ratio and best-candidate agreement are printed.

Usage: ``python benchmarks/anomaly.py [--repeats 5] [--sizes 1000 10000 100000]
[--skip-roman] [--peer-python /work/peers/jac/bin/python]``
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from lcpipe.kernels.anomaly_scan import has_vector_path, scan_grid
from lcpipe.kernels.clusters import find_clusters
from lcpipe.kernels.window_quality import window_quality
from lcpipe.microlensing.finder import FinderOptions, find_anomalies, scan_fit
from lcpipe.microlensing.grid import build_grid
from lcpipe.microlensing.pspl import fit_pspl, pspl_magnification
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
    scalar_s = median_time(
        lambda: scan_grid(tt, r, w, grid, min_points_each_side=each, vector=False), repeats
    )[0]
    points_s = median_time(
        lambda: scan_grid(tt, r, w, grid, min_points_each_side=each, cell_min_points=None), repeats
    )[0]

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
        f"{'':>10} scan with the scalar window sums (vector=False) {scalar_s * 1e3:7.1f} ms "
        f"({scalar_s / scan_s:.2f}x the {'vector' if has_vector_path() else 'scalar'} default)"
    )
    print(
        f"{'':>10} scan with point sums in every window (cell_min_points=None) {points_s * 1e3:7.1f} ms "
        f"({points_s / scan_s:.2f}x the default with cell sums)"
    )
    print(
        f"{'':>10} best: t0={row['top_t0']:.4f} teff={row['top_teff']:.6g} dchi2={row['top_dchi2']:.3f} "
        f"score={row['top_score']:.2f} candidate={row['has_candidate']}"
    )
    return {"total": total_s, "row": row}


#: The peer side: reads one JSON request per line (``{"path": npy}``), runs the tool on the arrays
#: and answers one JSON line with its wall time and summary.
PEER_SERVER = r"""
import json, os, sys, time
os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np
from jacscanomaly import Finder, FinderConfig
for line in sys.stdin:
    request = json.loads(line)
    t, f, e = np.load(request["path"]).T
    start, cpu = time.perf_counter(), time.process_time()
    result = Finder(FinderConfig(fitter_kind="pspl")).run(t, f, e)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    summary = {k: (v.item() if hasattr(v, "item") else v) for k, v in result.summary_dict().items()}
    print(json.dumps({"seconds": seconds, "cpu": cpu, "summary": summary}, default=str), flush=True)
"""


class Peer:
    """The scan-anomaly tool in its own interpreter, one persistent process (imports paid once).

    Between its runs the process is stopped (SIGSTOP, continued with SIGCONT for the next request), so
    that idle worker threads of its runtime cannot take CPU from lcpipe's runs.
    """

    def __init__(self, python: str):
        env = {**os.environ, "OMP_NUM_THREADS": "1", "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false"}
        self.process = subprocess.Popen(
            [python, "-c", PEER_SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )

    def run(self, path: Path) -> tuple[float, float, dict]:
        os.kill(self.process.pid, signal.SIGCONT)
        self.process.stdin.write(json.dumps({"path": str(path)}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        os.kill(self.process.pid, signal.SIGSTOP)
        if not line:
            raise RuntimeError("the peer process ended (see its error output above)")
        answer = json.loads(line)
        return float(answer["seconds"]), float(answer["cpu"]), answer["summary"]

    def close(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)
        self.process.stdin.close()
        self.process.wait(timeout=60)


def interleaved(
    name: str, data, repeats: int, options: FinderOptions, peer: Peer, ours: dict
) -> tuple[float, float]:
    """Alternate one lcpipe finder run and one peer run ``repeats`` times (after one warm-up of each);
    print both medians of wall and of CPU time (process time, all threads: on a shared machine the
    wall-time ratio also measures the scheduler), the ratios, and the best-candidate agreement.
    Returns the wall-time and CPU-time ratios."""
    t, f, e = data
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.npy"
        np.save(path, np.column_stack([t, f, e]))
        peer.run(path)
        find_anomalies(t, f, e, options=options)
        mine, theirs, mine_cpu, theirs_cpu = [], [], [], []
        for _ in range(repeats):
            start, cpu = time.perf_counter(), time.process_time()
            find_anomalies(t, f, e, options=options)
            mine.append(time.perf_counter() - start)
            mine_cpu.append(time.process_time() - cpu)
            seconds, cpu_seconds, ref = peer.run(path)
            theirs.append(seconds)
            theirs_cpu.append(cpu_seconds)
    ours_s, ref_s = float(np.median(mine)), float(np.median(theirs))
    ours_cpu, ref_cpu = float(np.median(mine_cpu)), float(np.median(theirs_cpu))
    ratio = ref_s / ours_s
    print(
        f"{'':>10} interleaved end to end: lcpipe {ours_s * 1e3:.1f} ms, jacscanomaly {ref_s * 1e3:.1f} ms "
        f"-> lcpipe is {ratio:.1f}x faster (median of {repeats} alternating runs)"
    )
    print(
        f"{'':>10} CPU time of the same runs: lcpipe {ours_cpu * 1e3:.1f} ms, jacscanomaly "
        f"{ref_cpu * 1e3:.1f} ms -> {ref_cpu / ours_cpu:.1f}x"
    )
    _print_agreement(ref, ours["row"])
    return ratio, ref_cpu / ours_cpu


def _print_agreement(ref: dict, row: dict) -> None:
    agree = (
        f"|dt0|={abs(ref['best_t0'] - row['top_t0']):.2e} d, "
        f"teff ratio={ref['best_teff'] / row['top_teff']:.6f}, "
        f"dchi2 {ref['best_dchi2']:.3f} vs {row['top_dchi2']:.3f}, score {ref['best_score']:.2f} vs "
        f"{row['top_score']:.2f}, clusters {ref['n_clusters']} vs {row['n_clusters']}"
    )
    print(f"{'':>10} agreement: {agree}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per figure (median reported)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000], help="synthetic sizes")
    parser.add_argument("--skip-roman", action="store_true", help="only the synthetic sizes")
    parser.add_argument(
        "--peer-python",
        default=None,
        help="interpreter of the virtual environment holding jacscanomaly (e.g. /work/peers/jac/bin/python); "
        "without it only lcpipe is timed",
    )
    args = parser.parse_args()
    print(f"lcpipe anomaly benchmark, single thread, median of {args.repeats} runs")
    if args.peer_python is not None and not Path(args.peer_python).exists():
        sys.exit(f"--peer-python {args.peer_python}: no such interpreter")
    peer = Peer(args.peer_python) if args.peer_python else None
    cases = [] if args.skip_roman else [("roman", tuple(np.load(ROMAN).T), FinderOptions.reference())]
    cases += [(f"synth{n // 1000}k", synthetic_event(n), FinderOptions.reference()) for n in args.sizes]
    ratios = {}
    try:
        for name, data, options in cases:
            ours = bench_lcpipe(name, data, args.repeats, options)
            if peer is not None:
                ratios[name] = interleaved(name, data, args.repeats, options, peer, ours)
    finally:
        if peer is not None:
            peer.close()
    if ratios:
        print(
            "end-to-end speed ratios (jacscanomaly / lcpipe): "
            + ", ".join(f"{name} {wall:.1f}x" for name, (wall, _) in ratios.items())
            + "; CPU time: "
            + ", ".join(f"{name} {cpu:.1f}x" for name, (_, cpu) in ratios.items())
        )


if __name__ == "__main__":
    main()
