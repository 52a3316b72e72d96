"""Time the whole DAG on simulated surveys of N stars and print throughput and the cost per light curve.

Usage::

    python benchmarks/workflow.py --stars 1000 5000 20000 --mix demo survey --cores 2 --shards 4

For each survey size N (stars over all bins: ``demo.stars_per_bin`` = N / bins) and signal mix (``demo``:
the demo's rich mix, about 60 % of stars with an injected signal; ``survey``: ``--signal-fraction`` of
them, 5 % by default, the signal kinds in the demo's proportions), the survey is generated first (not
timed) in a temporary folder, then ``snakemake --cores C all`` runs every stage from the manifest to the
run summary, plots included. Printed per run: wall time and light curves per second (per core too),
each stage's wall and CPU milliseconds per light curve and the peak memory of its jobs (from
``results/run_summary.json``, i.e. the Snakemake benchmarks); then, over the sizes of each mix, how the
cost per light curve changes with N (ratio to the smallest N; flat is 1.00).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]

#: Share of stars with an injected signal in each mix (None: the demo's own kind fractions).
MIXES = {"demo": None, "survey": 0.05}

#: Stages listed first in the per-stage table (the rest follow, costliest first).
MAIN_STAGES = ("manifest", "tag", "pspl_fit", "anomaly_scan", "dip_events", "filter", "plots")


def bins_of_config() -> list[str]:
    """The magnitude bins of the repository's config."""
    return list(yaml.safe_load((REPO / "config" / "config.yaml").read_text())["bins"])


def snakemake(workdir: Path, cores: int, overrides: dict[str, Any], target: str) -> float:
    """Run snakemake ``target`` in ``workdir`` on the repository's workflow; return wall seconds."""
    config = workdir / "bench.yaml"
    config.write_text(yaml.safe_dump(overrides, sort_keys=False))
    command = [
        sys.executable, "-m", "snakemake", target, "--cores", str(cores),
        "--snakefile", str(REPO / "Snakefile"), "--directory", str(workdir),
        "--configfile", str(REPO / "config" / "config.yaml"), str(config),
    ]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"snakemake {target} failed in {workdir}:\n{proc.stderr[-3000:]}")
    return time.perf_counter() - start


def run_one(
    stars: int, mix: str, signal_fraction: float | None, args: argparse.Namespace, root: Path
) -> dict[str, Any]:
    """Generate one survey, run the DAG on it, return the figures of that run."""
    bins = args.bins or bins_of_config()
    workdir = root / f"{mix}_{stars}"
    workdir.mkdir(parents=True)
    demo = {"stars_per_bin": math.ceil(stars / len(bins)), "signal_fraction": signal_fraction}
    overrides = {"bins": bins, "shards": args.shards, "demo": demo}
    generate = snakemake(workdir, args.cores, overrides, "simulate_demo")
    wall = snakemake(workdir, args.cores, overrides, "all")
    summary = json.loads((workdir / "results" / "run_summary.json").read_text())
    throughput = summary["throughput"]
    n = throughput["light_curves"]
    return {
        "stars": stars,
        "mix": mix,
        "light_curves": n,
        "generate_s": generate,
        "snakemake_s": wall,
        "throughput": throughput,
        "per_s": n / wall,
        "per_core_s": n / wall / args.cores,
    }


def stage_order(stages: dict[str, Any]) -> list[str]:
    """Stage names: :data:`MAIN_STAGES` first, then the others by CPU, costliest first."""
    rest = sorted((s for s in stages if s not in MAIN_STAGES), key=lambda s: -stages[s]["cpu_s"])
    return [s for s in MAIN_STAGES if s in stages] + rest


def print_run(run: dict[str, Any], cores: int) -> None:
    """The figures of one run: throughput, then one line per stage."""
    t = run["throughput"]
    print(f"\n== {run['mix']} mix, {run['stars']} stars: {run['light_curves']} light curves, --cores {cores}")
    print(f"   survey generation {run['generate_s']:.1f} s (not counted)")
    print(
        f"   snakemake wall {run['snakemake_s']:.1f} s (jobs {t['wall_s']:.1f} s): "
        f"{run['per_s']:.2f} light curves/s, {run['per_core_s']:.2f} per core; "
        f"{t['light_curves_per_cpu_s']:.2f} per CPU second ({t['cpu_s']:.1f} CPU s)"
    )
    print(f"   {'stage':<24s}{'jobs':>5s}{'wall ms/lc':>12s}{'CPU ms/lc':>11s}{'CPU share':>10s}"
          f"{'fixed s/job':>12s}{'max RSS MB':>11s}")  # fmt: skip
    for name in stage_order(t["stages"]):
        s = t["stages"][name]
        overhead = s.get("overhead_s_per_job")
        print(
            f"   {name:<24s}{s['jobs']:>5d}{s['wall_ms_per_light_curve']:>12.2f}"
            f"{s['cpu_ms_per_light_curve']:>11.2f}{s['cpu_share']:>10.1%}"
            f"{'' if overhead is None else f'{overhead:.2f}':>12s}{s['max_rss_mb']:>11.0f}"
        )


def _stage_ratio(run: dict[str, Any], base: dict[str, Any], stage: str) -> str:
    """A stage's CPU per light curve in ``run`` over that in ``base`` (the throughputs), as text."""
    now, then = run["stages"].get(stage), base["stages"][stage]
    if now is None or not then["cpu_ms_per_light_curve"] > 0:
        return ""
    return f"{now['cpu_ms_per_light_curve'] / then['cpu_ms_per_light_curve']:.2f}"


def print_scaling(runs: list[dict[str, Any]]) -> None:
    """Per mix, the CPU cost per light curve at each N and its ratio to the smallest N."""
    for mix in dict.fromkeys(r["mix"] for r in runs):
        of_mix = sorted((r for r in runs if r["mix"] == mix), key=lambda r: r["stars"])
        if len(of_mix) < 2:
            continue
        base = of_mix[0]["throughput"]
        print(
            f"\n== cost per light curve against N, {mix} mix (ratio to N = {of_mix[0]['stars']}; flat = 1.00)"
        )
        stages = [s for s in MAIN_STAGES if s in base["stages"]]
        print(f"   {'N':>7s}{'CPU ms/lc':>11s}{'ratio':>7s}" + "".join(f"{s:>14s}" for s in stages))
        for run in of_mix:
            t = run["throughput"]
            total = 1000.0 * t["cpu_s"] / t["light_curves"]
            ratio = total / (1000.0 * base["cpu_s"] / base["light_curves"])
            cells = "".join(f"{_stage_ratio(t, base, s):>14s}" for s in stages)
            print(f"   {run['stars']:>7d}{total:>11.2f}{ratio:>7.2f}{cells}")
        peak = {r["stars"]: max(s["max_rss_mb"] for s in r["throughput"]["stages"].values()) for r in of_mix}
        print("   peak memory of a job (MB): " + ", ".join(f"N={n}: {m:.0f}" for n, m in peak.items()))


def main() -> None:
    """Run every (N, mix) pair, print each run's figures and the scaling with N."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stars", type=int, nargs="+", default=[1000], metavar="N",
                        help="survey sizes, stars over all bins (default 1000)")  # fmt: skip
    parser.add_argument("--mix", nargs="+", choices=sorted(MIXES), default=["survey"],
                        help="signal mixes to run (default survey)")  # fmt: skip
    parser.add_argument("--signal-fraction", type=float, default=MIXES["survey"],
                        help="share of stars with a signal in the survey mix (default 0.05)")  # fmt: skip
    parser.add_argument("--cores", type=int, default=2, help="snakemake --cores (default 2)")
    parser.add_argument("--shards", type=int, default=2, help="shards per bin (default 2)")
    parser.add_argument("--bins", nargs="+", default=None, metavar="BIN",
                        help="magnitude bins (default: the config's)")  # fmt: skip
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="run in DIR and keep it (default: a temporary folder, removed)")  # fmt: skip
    parser.add_argument("--json", type=Path, default=None, help="also write every run's figures here")
    args = parser.parse_args()
    mixes = {mix: (args.signal_fraction if mix == "survey" else MIXES[mix]) for mix in args.mix}
    runs = []
    with tempfile.TemporaryDirectory(prefix="lcpipe-bench-") as tmp:
        root = args.keep or Path(tmp)
        for mix, fraction in mixes.items():
            for stars in args.stars:
                runs.append(run_one(stars, mix, fraction, args, root))
                print_run(runs[-1], args.cores)
                sys.stdout.flush()
    print_scaling(runs)
    if args.json is not None:
        args.json.write_text(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
