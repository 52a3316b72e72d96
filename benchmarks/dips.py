"""Dip-branch timing: real ASAS-SN curves (reading included) and cost against N on synthetic curves.

Run: ``/work/venv/bin/python benchmarks/dips.py [--repeats 5]`` (single thread). Prints the median
seconds per real curve with the reference pipeline's figure (0.23-0.44 s, 24/28 flagged), the recall per
category, and seconds against N from 500 to 30,000 points with the per-point cost (flat = linear).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from lcpipe.dips.events import DipOptions, detect_events  # noqa: E402
from lcpipe.dips.sho_smoother import sho_posterior  # noqa: E402
from lcpipe.io import read_lightcurve  # noqa: E402
from lcpipe.lightcurve import make_lightcurve  # noqa: E402

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "asassn_skypatrol"
REFERENCE_REAL_S = (0.23, 0.44)
REFERENCE_30K_S = 27.0
REFERENCE_RECALL = 24
SIZES = (500, 1000, 2000, 5000, 10000, 20000, 30000)


def _median_time(func, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def synthetic(n: int, seed: int = 0):
    """ASAS-SN-like curve: 8 cameras with offsets over 3,000 days, 0.02 mag noise, two dips."""
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(2457000.0, 2460000.0, n))
    cam = np.array([f"c{i}" for i in rng.integers(0, 8, n)])
    mag = 13.0 + rng.normal(0, 0.02, n)
    mag += 0.01 * np.array([int(c[1]) for c in cam])
    for centre in (2458000.0, 2459300.0):
        mag += 0.3 * np.exp(-0.5 * ((t - centre) / 5.0) ** 2)
    return make_lightcurve(t, mag=mag, mag_err=np.full(n, 0.02), camera=cam, band="V")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5, help="timing repeats per case (median reported)")
    args = parser.parse_args()
    options = DipOptions()
    detect_events(synthetic(1000), options)  # compile / load numba caches outside the timings

    if REAL.is_dir():
        files = sorted(REAL.glob("*-light-curves.csv"))
        per_file, read_only, rows = [], [], []
        for path in files:
            per_file.append(
                _median_time(lambda p=path: detect_events(read_lightcurve(p), options), args.repeats)
            )
            read_only.append(_median_time(lambda p=path: read_lightcurve(p), args.repeats))
            rows.append(detect_events(read_lightcurve(path), options))
        table = pd.DataFrame(rows)
        labels = pd.read_csv(REAL / "labels.csv", dtype={"source_id": str})
        merged = labels.merge(table, on="source_id")
        n_points = np.median(table["n_points"])
        med = float(np.median(per_file))
        print(f"real ASAS-SN curves: {len(files)} files, median {n_points:.0f} usable points")
        print(
            f"  median per curve, reading included: {1e3 * med:.1f} ms "
            f"(reading alone {1e3 * np.median(read_only):.1f} ms)"
        )
        print(
            f"  reference pipeline {REFERENCE_REAL_S[0]}-{REFERENCE_REAL_S[1]} s -> "
            f"{REFERENCE_REAL_S[0] / med:.0f}-{REFERENCE_REAL_S[1] / med:.0f}x faster; target 15 ms"
        )
        flagged = merged.groupby("category")["dip_significant"].agg(["sum", "count"])
        print(
            f"  dip_significant: {int(table['dip_significant'].sum())}/{len(table)} "
            f"(reference {REFERENCE_RECALL}/28)"
        )
        for category, (hit, count) in flagged.iterrows():
            print(f"    {category}: {hit}/{count}")
    else:
        print(f"real data folder {REAL} not found: skipping the real-curve timing")

    print("synthetic curves (8 cameras, 3,000 days, two dips): N, seconds, microseconds per point")
    for n in SIZES:
        lc = synthetic(n)
        sec = _median_time(lambda lc=lc: detect_events(lc, options), args.repeats)
        print(f"  {n:6d}  {sec:8.4f} s  {1e6 * sec / n:6.2f} us/pt")
        if n == SIZES[-1]:
            print(
                f"  30,000 points: {sec:.3f} s (target 0.3 s; "
                f"reference {REFERENCE_30K_S} s -> {REFERENCE_30K_S / sec:.0f}x)"
            )

    print("GP posterior variance at N points: O(N) smoother vs celerite2 predict(return_var=True)")
    import celerite2
    from celerite2 import terms

    rng = np.random.default_rng(1)
    for n in (1000, 2000, 4000, 8000, 30000):
        t = np.sort(rng.uniform(0, 3000, n))
        y, err, obs = rng.normal(0, 0.02, n), np.full(n, 0.02), np.ones(n, bool)
        fast = _median_time(
            lambda t=t, y=y, e=err, o=obs: sho_posterior(t, y, e**2, o, 5e-4, np.pi / 1000, 0.7), 3
        )
        line = f"  {n:6d}  smoother {1e3 * fast:7.2f} ms"
        if n <= 4000:
            gp = celerite2.GaussianProcess(terms.SHOTerm(S0=5e-4, w0=np.pi / 1000, Q=0.7))
            gp.compute(t, yerr=err)
            exact = _median_time(lambda gp=gp, y=y: gp.predict(y, return_var=True), 3)
            line += f"   celerite2 exact {1e3 * exact:8.1f} ms"
        print(line)


if __name__ == "__main__":
    main()
