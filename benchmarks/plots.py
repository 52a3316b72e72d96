"""Milliseconds per candidate PNG of the plots stage, from stored results and by recomputing.

Reads a finished run (``snakemake --cores 2`` of the demo writes ``results/``): for the planned
candidates of each bin it times, per candidate and family, the stage's path (read the light curve, join
the stored dip curves or rebuild the search from the stored PSPL and scan results, draw on reused
figure, write the PNG) and the recompute path the stage used before (read the light curve, refit the
dip baseline and mixtures with :func:`lcpipe.plots.dips.dip_plot_data`, refit and rescan with
:func:`lcpipe.stages.microlensing_plots.rescan`, same figures). Prints the median over ``--repeats``
runs of the milliseconds per PNG of each family and path and their ratio, measured in the same run.

Usage: ``python benchmarks/plots.py [--results results] [--repeats 5] [--max-per-family 20]``
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import statistics
import sys
import tempfile
import time
from pathlib import Path

from lcpipe.plots.canvas import FigureCache
from lcpipe.plots.dips import dip_plot_data, save_dip_plot
from lcpipe.review.run import stage_options
from lcpipe.stages.dip_curves import read_dip_curves
from lcpipe.stages.dips import DIPS_SECTION
from lcpipe.stages.microlensing import ANOMALY_SECTION
from lcpipe.stages.microlensing_plots import rescan, save_microlensing_plots
from lcpipe.stages.plots import PlotContext, _clusters_by_source, light_curve, planned, plot_light_curve
from lcpipe.tables import read_table


def _bins(results: Path) -> list[Path]:
    return sorted(p.parent for p in results.glob("*/vetted.parquet"))


def _context(folder: Path, out: Path, rows: list[dict]) -> tuple[PlotContext, object]:
    options = stage_options(folder.parent, folder.name)
    finder = ANOMALY_SECTION.build(options.anomaly, pspl=options.pspl)
    ids = [str(r["source_id"]) for r in rows]
    context = PlotContext(
        out,
        options.read,
        options.cleaning,
        DIPS_SECTION.build(options.dips),
        float(finder.scan.window_half_width),
        int(finder.pspl.own_flux_min_points),
        110,
        read_dip_curves(sorted(folder.glob("shards/dip_curves_*.parquet")), ids),
        _clusters_by_source(folder / "anomaly_clusters.parquet", ids),
        FigureCache(),
    )
    return context, finder


def _recompute(row: dict, lc, context: PlotContext, finder, family: str) -> int:
    """The former path: recompute what the plot shows, then the same figures; returns PNGs written."""
    stem = context.out_dir / f"old_{row['source_id']}"
    if family == "dip":
        data = dip_plot_data(lc, row, context.dips)
        save_dip_plot(data, "", stem.with_name(f"{stem.name}_lightcurve.png"), context.dpi, context.figures)
        return 1
    return len(save_microlensing_plots(rescan(lc, row, finder), stem, "", context.dpi, context.figures))


def _time(func) -> tuple[float, float, int]:
    """Wall and CPU seconds of ``func()`` and what it returned."""
    wall, cpu = time.perf_counter(), time.process_time()
    n = func()
    return time.perf_counter() - wall, time.process_time() - cpu, n


FAMILIES = {"dip": ("family_dip", "family_jump"), "microlensing": ("family_microlensing",)}


def _time_bin(folder: Path, out: Path, repeats: int, max_per_family: int, per_png: dict) -> None:
    """Append the median wall and CPU ms per PNG of each timed candidate of one bin, and of its light-curve
    read, to ``per_png[(family, path)]``."""
    chosen = planned(read_table(folder / "vetted.parquet"), 200).to_dict("records")
    context, finder = _context(folder, out, chosen)
    every = [flag for flags in FAMILIES.values() for flag in flags]
    for family, flags in FAMILIES.items():
        rows = [r for r in chosen if any(r.get(f) is True for f in flags)][:max_per_family]
        for row in rows:
            only = {**row, **{f: f in flags for f in every}}
            lc, status = light_curve(only, context)
            if lc is None or status != "ok":
                continue
            runs = {
                "read": lambda r=only: 1 if light_curve(r, context)[0] is not None else 0,
                "stored": lambda r=only, c=lc: plot_light_curve(r, c, context)["n_plots"],
                "recompute": lambda r=only, c=lc, fam=family: _recompute(r, c, context, finder, fam),
            }
            n_png = runs["stored"]()  # warm-up, and the PNGs the read is shared by
            for path, run in runs.items():
                run()  # warm-up
                samples = [_time(run) for _ in range(repeats)]
                if samples[0][2] and n_png:
                    per = n_png if path == "read" else samples[0][2]
                    wall = statistics.median(s[0] for s in samples)
                    cpu = statistics.median(s[1] for s in samples)
                    per_png.setdefault((family, path), []).append((1e3 * wall / per, 1e3 * cpu / per))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--results", type=Path, default=Path("results"), help="results folder of a finished run"
    )
    parser.add_argument("--repeats", type=int, default=5, help="runs per measurement (median printed)")
    parser.add_argument("--max-per-family", type=int, default=20, help="candidates timed per family and bin")
    args = parser.parse_args(argv)
    bins = _bins(args.results)
    if not bins:
        message = f"{args.results}: no */vetted.parquet (run the demo first: snakemake --cores 2)"
        print(message, file=sys.stderr)
        return 2
    per_png: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for folder in bins:
            _time_bin(folder, Path(tmp), args.repeats, args.max_per_family, per_png)
    print(f"{'family':<14}{'path':<11}{'candidates':>11}{'wall ms/PNG':>13}{'CPU ms/PNG':>12}")
    medians = {}
    for (family, path), values in sorted(per_png.items()):
        wall, cpu = (statistics.median(v[k] for v in values) for k in (0, 1))
        medians[(family, path)] = (wall, cpu)
        print(f"{family:<14}{path:<11}{len(values):>11}{wall:>13.1f}{cpu:>12.1f}")
    print("read: reading and cleaning the raw light-curve file, shared by the candidate's PNGs")
    for family in ("dip", "microlensing"):
        if (family, "stored") in medians and (family, "recompute") in medians:
            (old_wall, old_cpu), (new_wall, new_cpu) = (
                medians[(family, "recompute")],
                medians[(family, "stored")],
            )
            ratios = f"{old_wall / new_wall:.1f}x wall, {old_cpu / new_cpu:.1f}x CPU"
            print(f"{family}: recompute / stored = {ratios}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
