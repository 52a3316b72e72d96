"""Time the PSPL (and FSPL) fit on the Roman example and the two OGLE events.

Run: ``/work/venv/bin/python benchmarks/pspl.py [--runs 7] [--fspl] [--demo demo]``

Prints, per light curve: the first call in a fresh interpreter (import + the fit; the kernels are
compiled at install, so nothing compiles on first use), the steady-state median of ``--runs`` fits
single-threaded, the split coarse search / LM, and the ratio to the reference
tool's 3.3 s PSPL fit of the Roman example (``../shared/data/README.md``).

With ``--compare CHECKOUT`` (another lcpipe checkout with its own ``.venv``, e.g. the base commit of a
change) the fits of both run in alternating fresh interpreters, ``--rounds`` times each, and the
medians over all fits and their ratio are printed (a ratio within 1.10 keeps the fit in its budget).

With ``--demo DIR`` (the demo survey the workflow writes, ``demo/`` after ``snakemake --cores 2``) it
also fits every simulated microlensing event of the survey twice, once with one blend flux for all
cameras and once with a group per camera, and prints how far tE and u0 land from the truth.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

from lcpipe.microlensing.coarse import coarse_starts
from lcpipe.microlensing.fspl import fit_fspl
from lcpipe.microlensing.photometry import mags_to_fit_flux
from lcpipe.microlensing.pspl import PSPLOptions, fit_pspl
from lcpipe.microlensing.pspl_problem import Problem, clean_points

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
DATA = ROOT / "tests" / "data"

#: The reference scan-anomaly tool's PSPL fit time on the Roman example on this machine (seconds).
REFERENCE_ROMAN_PSPL_S = 3.3

CASES = {
    "roman": ("npy", DATA / "roman" / "example_data.npy"),
    "ob08092": ("ogle", DATA / "ogle" / "phot_ob08092_O4.dat"),
    "ob05086": ("ogle", DATA / "ogle" / "starBLG234.6.I.218982.dat"),
}

FIRST_CALL = """
import time, sys
import numpy as np
t_start = time.perf_counter()
from lcpipe.microlensing.pspl import fit_pspl
t_import = time.perf_counter()
data = np.load(sys.argv[1])
fit_pspl(*data)
t_fit = time.perf_counter()
print(t_import - t_start, t_fit - t_import)
"""


#: One round of the --compare timing: ``python -c TIMED_FITS ROOT RUNS`` prints the fit times per case.
TIMED_FITS = """
import json, sys, time
sys.path.insert(0, sys.argv[1] + "/benchmarks")
from pspl import CASES, load_case
from lcpipe.microlensing.pspl import fit_pspl
out = {}
for name, (kind, path) in CASES.items():
    arrays = load_case(kind, path)
    fit_pspl(*arrays)
    times = []
    for _ in range(int(sys.argv[2])):
        start = time.perf_counter()
        fit_pspl(*arrays)
        times.append(time.perf_counter() - start)
    out[name] = times
print(json.dumps(out))
"""


def compare(other: Path, runs: int, rounds: int) -> None:
    """Median fit time per case here and in the checkout ``other``, interleaved round by round."""
    import json

    sides = {"this": (ROOT, Path(sys.executable)), "other": (other, other / ".venv" / "bin" / "python")}
    if not sides["other"][1].exists():
        raise SystemExit(f"--compare: no interpreter at {sides['other'][1]}")
    times: dict[str, dict[str, list[float]]] = {side: {} for side in sides}
    for r in range(rounds):
        order = list(sides) if r % 2 == 0 else list(sides)[::-1]
        for side in order:
            root, python = sides[side]
            out = subprocess.run(
                [str(python), "-c", TIMED_FITS, str(root), str(runs)],
                cwd=root, capture_output=True, text=True, check=True,
                env={**os.environ, "OMP_NUM_THREADS": "1"},
            ).stdout  # fmt: skip
            for case, values in json.loads(out).items():
                times[side].setdefault(case, []).extend(values)
    print(f"\nPSPL fit, this checkout vs {other}: median of {rounds} x {runs} fits each, interleaved")
    for case, ours in times["this"].items():
        theirs = times["other"][case]
        ratio = statistics.median(ours) / statistics.median(theirs)
        print(
            f"{case:<9} this {statistics.median(ours) * 1e3:7.2f} ms  other "
            f"{statistics.median(theirs) * 1e3:7.2f} ms  ratio {ratio:.3f}"
        )


def load_case(kind: str, path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Time, flux, flux_err of one benchmark light curve (magnitudes on zero point 22)."""
    if kind == "npy":
        return tuple(np.load(path).T)
    time_, mag, mag_err = np.loadtxt(path, unpack=True)
    return (time_, *mags_to_fit_flux(mag, mag_err))


def median_time(func, runs: int) -> float:
    """Median wall time of ``runs`` calls (seconds)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def first_call(arrays: tuple[np.ndarray, ...], tmp: Path) -> tuple[float, float]:
    """(import, first fit) seconds in a fresh interpreter."""
    path = tmp / "case.npy"
    np.save(path, np.vstack(arrays))
    out = subprocess.run(
        [sys.executable, "-c", FIRST_CALL, str(path)], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), float(out[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fits per light curve for the median")
    parser.add_argument("--fspl", action="store_true", help="also time the FSPL fit")
    parser.add_argument("--demo", help="demo survey folder: fit accuracy on its simulated events")
    parser.add_argument("--compare", type=Path, metavar="CHECKOUT", help="checkout to time against")
    parser.add_argument("--rounds", type=int, default=8, help="interleaved rounds of --compare")
    args = parser.parse_args()
    tmp = ROOT / "benchmarks" / ".pspl_tmp"
    tmp.mkdir(exist_ok=True)
    options = PSPLOptions()
    print(f"{'case':<9} {'N':>6} {'import':>8} {'1st fit':>8} {'median':>8} {'coarse':>8} {'LM':>8}  chi2")
    try:
        for name, (kind, path) in CASES.items():
            arrays = load_case(kind, path)
            t_import, t_first = first_call(arrays, tmp)
            fit = fit_pspl(*arrays)
            t_fit = median_time(lambda a=arrays: fit_pspl(*a), args.runs)
            t, f, e, g, _, _ = clean_points(*arrays)
            problem = Problem.from_data(t, f, e, g, options)
            t_coarse = median_time(
                lambda p=problem, t=t: coarse_starts(t, p.f, p.w, options.coarse, options.n_starts), args.runs
            )
            print(
                f"{name:<9} {t.size:>6} {t_import:>7.3f}s {t_first:>7.3f}s {t_fit * 1e3:>6.1f}ms "
                f"{t_coarse * 1e3:>6.1f}ms {(t_fit - t_coarse) * 1e3:>6.1f}ms  {fit.chi2:.4f} ({fit.status})"
            )
            if name == "roman":
                roman_fit = t_fit
            if args.fspl:
                t_fspl = median_time(lambda a=arrays: fit_fspl(*a), max(1, args.runs // 3))
                print(f"{'':<9} FSPL median {t_fspl:.3f}s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"Roman PSPL fit: {roman_fit * 1e3:.1f} ms vs reference {REFERENCE_ROMAN_PSPL_S:.1f} s "
        f"-> {REFERENCE_ROMAN_PSPL_S / roman_fit:.0f}x faster (target <= 100 ms)"
    )
    if args.compare:
        compare(args.compare.resolve(), args.runs, args.rounds)
    if args.demo:
        demo_accuracy(Path(args.demo))
    return 0


def demo_accuracy(demo: Path) -> None:
    """tE and u0 of the demo's simulated events against the truth: one group vs a group per camera."""
    import pandas as pd

    from lcpipe.io.load import load_clean
    from lcpipe.microlensing.fit_input import dominant_band
    from lcpipe.microlensing.photometry import dataset_labels

    truth = pd.read_parquet(demo / "truth.parquet")
    events = truth[truth["kind"].isin(["pspl", "pspl_planet"])]
    errors: dict[str, dict[str, list[float]]] = {}
    for row in events.itertuples():
        lc, status, _ = load_clean(demo / row.path)
        if lc is None or status != "ok":
            continue
        band = dominant_band(lc)
        flux, err = mags_to_fit_flux(band.mag, band.mag_err)
        for name, group in (("one group", None), ("per camera", dataset_labels(band))):
            fit = fit_pspl(band.time, flux, err, group=group)
            key = errors.setdefault(f"{row.kind:<11} {name}", {"tE": [], "u0": []})
            key["tE"].append(abs(fit.tE / row.tE - 1.0))
            key["u0"].append(abs(fit.u0 - row.u0))
    print(f"\ndemo events ({demo}): |tE / tE_true - 1| and |u0 - u0_true|")
    print(
        f"{'kind':<11} {'fit':<10} {'n':>3} {'tE median':>10} {'tE max':>8} {'u0 median':>10} {'u0 max':>8}"
    )
    for name, values in errors.items():
        te, u0 = np.array(values["tE"]), np.array(values["u0"])
        print(
            f"{name:<22} {te.size:>3} {np.nanmedian(te):>10.3f} {np.nanmax(te):>8.3f} "
            f"{np.nanmedian(u0):>10.4f} {np.nanmax(u0):>8.4f}"
        )


if __name__ == "__main__":
    sys.exit(main())
