"""Dip-branch timing and agreement against MALCA on real ASAS-SN curves, and cost against N on synthetic ones.

Run: ``python benchmarks/dips.py [--data ../shared/data/asassn_skypatrol] [--malca-python
/work/peers/malca-venv/bin/python] [--repeats 3] [--markdown]`` (single thread). Per real curve, lcpipe
(reading, cleaning and the dip search) and MALCA (``malca.events.process_one`` with the defaults of its own
command line, run by ``benchmarks/malca_worker.py`` in MALCA's interpreter as a long-lived subprocess, so
its imports are paid once, outside the timings) are timed in turn, curve after
curve, so both see the same machine load. Prints the per-file table (lcpipe's flag with the default
quality policy and with Quality B kept, MALCA's flag and ``dip_bayes_factor`` as measured here and, when
the folder has it, as recorded in ``malca_results.csv``), the median time ratio, recall per category, and
seconds against N from 500 to 30,000 points. Without ``--malca-python`` the peer columns are left out.
``--demo <folder>`` (the demo generator's survey: ``truth.parquet``, ``lc/``) adds the strongest run's
morphology model and the default filter's families per injected kind.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy.stats import spearmanr  # noqa: E402

from lcpipe.dips.events import DipOptions, clean_points, detect_events  # noqa: E402
from lcpipe.dips.periodic import periodic_test  # noqa: E402
from lcpipe.dips.points import zero_point_offsets  # noqa: E402
from lcpipe.dips.trigger import TRIGGER_MODES  # noqa: E402
from lcpipe.io import load_clean  # noqa: E402
from lcpipe.kernels.dips_sho import sho_posterior  # noqa: E402
from lcpipe.lightcurve import make_lightcurve  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "asassn_skypatrol"
WORKER = Path(__file__).with_name("malca_worker.py")
SIZES = (500, 1000, 2000, 5000, 10000, 20000, 30000)
#: The reference pipeline's quality policy: keep Quality B points too (one cleaning key).
KEEP_BAD_QUALITY = {"require_good": False}


def _median_time(func, repeats: int, clock=time.perf_counter) -> float:
    times = []
    for _ in range(repeats):
        start = clock()
        func()
        times.append(clock() - start)
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


class MalcaWorker:
    """MALCA's per-file detection in its own interpreter (``benchmarks/malca_worker.py``)."""

    def __init__(self, python: str) -> None:
        env = {**os.environ, "PYTHONPATH": ""}
        self.process = subprocess.Popen(
            [python, str(WORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )

    def run(self, path: Path, repeats: int | str) -> dict:
        """MALCA's answer for one file: median seconds over ``repeats`` runs and its flags."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(f"{repeats}\t{path}\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the MALCA worker stopped on {path} (see its error output above)")
        return json.loads(line)

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=60)


def lcpipe_row(path: Path, options: DipOptions, cleaning: dict | None = None) -> dict:
    """Read, clean (``cleaning`` options) and search one file."""
    lc, status, _ = load_clean(path, cleaning=cleaning)
    if lc is None or status != "ok":
        raise RuntimeError(f"{path}: {status}")
    return detect_events(lc, options)


def periodic_seconds(path: Path, options: DipOptions, repeats: int) -> float:
    """Median CPU seconds of the periodicity test alone on one file's light curve, as the search calls
    it (magnitudes minus each group's median; dip points: more than 3 standard deviations fainter).
    CPU, not wall: on a shared machine the wall time of a 10 ms call is mostly other processes'."""
    lc, status, _ = load_clean(path)
    if lc is None or status != "ok":
        raise RuntimeError(f"{path}: {status}")
    c = clean_points(lc, options)
    y = zero_point_offsets(c.mag, c.group)
    dips = y > 3 * np.std(y)
    return _median_time(
        lambda: periodic_test(c.time, y, c.err, c.band, dips, options.periodic), repeats, time.process_time
    )


def real_curves(folder: Path, malca_python: str | None, repeats: int, markdown: bool) -> None:
    """Per-file table, timings and ratios on the real curves of ``folder``."""
    options = DipOptions()
    without_periodic = DipOptions(periodic={"enabled": False})
    files = sorted(folder.glob("*-light-curves.csv"))
    labels_path, recorded_path = folder / "labels.csv", folder / "malca_results.csv"
    labels = pd.read_csv(labels_path, dtype={"source_id": str}) if labels_path.exists() else None
    recorded = pd.read_csv(recorded_path, dtype={"source_id": str}) if recorded_path.exists() else None
    worker = MalcaWorker(malca_python) if malca_python else None
    if worker is not None:
        worker.run(files[0], "warmup")
    lcpipe_row(files[0], options)
    rows = []
    for path in files:
        ours = lcpipe_row(path, options)
        ours_time = _median_time(lambda p=path: lcpipe_row(p, options), repeats)
        no_periodic_time = _median_time(lambda p=path: lcpipe_row(p, without_periodic), repeats)
        periodic_time = periodic_seconds(path, options, repeats)
        keep_b = lcpipe_row(path, options, KEEP_BAD_QUALITY)
        row = {
            "source_id": ours["source_id"],
            "n_points": ours["n_points"],
            "dip_significant": ours["dip_significant"],
            "dip_log_bf": ours["dip_log_bf"],
            "dip_n_runs": ours["dip_n_runs"],
            "periodic": ours["periodic"],
            "fade_significant": ours["fade_significant"],
            "keepB_n_points": keep_b["n_points"],
            "keepB_dip_significant": keep_b["dip_significant"],
            "keepB_dip_log_bf": keep_b["dip_log_bf"],
            "lcpipe_s": ours_time,
            "lcpipe_no_periodic_s": no_periodic_time,
            "periodic_test_s": periodic_time,
        }
        if worker is not None:
            peer = worker.run(path, repeats)
            row.update(
                {
                    "malca_n_points": peer["n_points"],
                    "malca_dip_significant": peer["dip_significant"],
                    "malca_dip_log_bf": peer["dip_bayes_factor"],
                    "malca_s": peer["seconds"],
                }
            )
        rows.append(row)
    if worker is not None:
        worker.close()
    table = pd.DataFrame(rows)
    if labels is not None:
        table = labels[["source_id", "category"]].merge(table, on="source_id", how="right")
    if recorded is not None:
        table = table.merge(
            recorded[["source_id", "dip_significant", "dip_bayes_factor", "sec_per_lc_median3"]].rename(
                columns={
                    "dip_significant": "recorded_malca_significant",
                    "dip_bayes_factor": "recorded_malca_log_bf",
                    "sec_per_lc_median3": "recorded_malca_s",
                }
            ),
            on="source_id",
            how="left",
        )
    print(f"real ASAS-SN curves: {len(files)} files, median {table['n_points'].median():.0f} usable points")
    with pd.option_context("display.width", 250, "display.max_columns", 40, "display.max_rows", 100):
        print(table.to_markdown(index=False, floatfmt=".4g") if markdown else table.to_string(index=False))
    med = float(table["lcpipe_s"].median())
    bare = float(table["lcpipe_no_periodic_s"].median())
    print(
        f"  lcpipe median per curve (read + clean + search): {1e3 * med:.1f} ms; without the "
        f"periodicity test (MALCA has none): {1e3 * bare:.1f} ms"
    )
    periodic = 1e3 * table["periodic_test_s"]
    print(
        f"  periodicity test alone per candidate (CPU): median {periodic.median():.1f} ms, "
        f"max {periodic.max():.1f} ms (target <= 50 ms)"
    )
    print(
        f"  dip_significant: lcpipe {int(table['dip_significant'].sum())}/{len(table)} "
        f"(Quality B kept: {int(table['keepB_dip_significant'].sum())})"
    )
    if labels is not None:
        for category, group in table.groupby("category"):
            print(f"    {category}: {int(group['dip_significant'].sum())}/{len(group)}")
    if worker is not None:
        ratio = table["malca_s"] / table["lcpipe_s"]
        agree = int((table["malca_dip_significant"] == table["dip_significant"]).sum())
        rho = spearmanr(table["malca_dip_log_bf"], table["dip_log_bf"]).statistic
        print(
            f"  MALCA (measured here, interleaved): median {np.median(table['malca_s']):.3f} s per curve, "
            f"{int(table['malca_dip_significant'].sum())}/{len(table)} flagged"
        )
        bare_ratio = table["malca_s"] / table["lcpipe_no_periodic_s"]
        print(
            f"  speed ratio MALCA / lcpipe per curve: median {np.median(ratio):.1f}x "
            f"(min {ratio.min():.1f}x, max {ratio.max():.1f}x; target >= 15x); the same search without "
            f"the periodicity test: median {np.median(bare_ratio):.1f}x"
        )
        print(f"  per-file agreement of the flag: {agree}/{len(table)}; Spearman of the log BFs {rho:.2f}")
        bf_ratio = table["malca_dip_log_bf"] / table["dip_log_bf"]
        print(f"  log BF ratio MALCA / lcpipe: {bf_ratio.min():.2f} to {bf_ratio.max():.2f}")


#: Demo truth kinds searched, and which search's strongest run shows their shape.
DEMO_KINDS = {"pspl": "jump", "pspl_planet": "jump", "flare": "jump", "dip": "dip", "eclipsing_binary": "dip"}


def demo_truth(folder: Path, options: DipOptions) -> None:
    """Per truth kind: the strongest run's morphology model and the default filter's families (tag test
    left out) of the demo survey's light curves."""
    from lcpipe.filter.criteria import FilterOptions, apply_filter

    truth = pd.read_parquet(folder / "truth.parquet")
    truth = truth[truth["kind"].isin([*DEMO_KINDS, "none"])]
    rows = []
    for _, entry in truth.iterrows():
        lc, status, _ = load_clean(folder / entry["path"])
        if lc is None or status != "ok":
            continue
        row = detect_events(lc, options)
        search = DEMO_KINDS.get(entry["kind"], "dip")
        rows.append(row | {"kind": entry["kind"], "model": row[f"{search}_morph_model"] or "(no run)"})
    table = pd.DataFrame(rows)
    print(f"demo truth ({folder}): strongest run's morphology per kind")
    print(pd.crosstab(table["kind"], table["model"]).to_string())
    families = apply_filter(table, FilterOptions(require_passed_tags=False)).table
    families["kind"] = table["kind"].to_numpy()
    print("default filter families (tag test left out)")
    print(families.groupby("kind")[["family_dip", "family_periodic", "family_jump"]].sum().to_string())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3, help="timing repeats per case (median reported)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of SkyPatrol CSV files")
    parser.add_argument(
        "--malca-python", default=None, help="MALCA's interpreter (e.g. /work/peers/malca-venv/bin/python)"
    )
    parser.add_argument("--markdown", action="store_true", help="print the per-file table as Markdown")
    parser.add_argument("--skip-synthetic", action="store_true", help="only the real curves")
    parser.add_argument(
        "--demo",
        type=Path,
        default=None,
        help="a demo survey folder (truth.parquet, lc/): per-kind morphology counts and filter families",
    )
    parser.add_argument(
        "--trigger-mode", choices=TRIGGER_MODES, default=None, help="for --demo: the dip search's trigger"
    )
    args = parser.parse_args()
    options = DipOptions()
    detect_events(synthetic(1000), options)  # imports and first calls outside the timings
    if args.demo is not None:
        mode = args.trigger_mode or options.trigger.mode
        print(f"trigger mode: {mode}")
        demo_truth(args.demo, DipOptions(trigger={"mode": mode}))

    if args.data.is_dir():
        real_curves(args.data, args.malca_python, args.repeats, args.markdown)
    else:
        print(f"real data folder {args.data} not found (give --data): skipping the real curves")
    if args.skip_synthetic:
        return

    print("synthetic curves (8 cameras, 3,000 days, two dips): N, seconds, microseconds per point")
    for n in SIZES:
        lc = synthetic(n)
        sec = _median_time(lambda lc=lc: detect_events(lc, options), args.repeats)
        print(f"  {n:6d}  {sec:8.4f} s  {1e6 * sec / n:6.2f} us/pt")

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
