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
from lcpipe.stages.plots import PlotContext, _clusters_by_source, light_curve, planned, plot_candidate
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


def _recompute(row: dict, context: PlotContext, finder, family: str) -> int:
    """The former path: recompute what the plot shows, then the same figures; returns PNGs written."""
    lc, status = light_curve(row, context)
    if lc is None or status != "ok":
        return 0
    stem = context.out_dir / f"old_{row['source_id']}"
    if family == "dip":
        data = dip_plot_data(lc, row, context.dips)
        save_dip_plot(data, "", stem.with_name(f"{stem.name}_lightcurve.png"), context.dpi, context.figures)
        return 1
    return len(save_microlensing_plots(rescan(lc, row, finder), stem, "", context.dpi, context.figures))


def _time(func) -> tuple[float, int]:
    start = time.perf_counter()
    n = func()
    return time.perf_counter() - start, n


FAMILIES = {"dip": ("family_dip", "family_jump"), "microlensing": ("family_microlensing",)}


def _time_bin(
    folder: Path, out: Path, repeats: int, max_per_family: int, per_png: dict[tuple[str, str], list[float]]
) -> None:
    """Append the median ms per PNG of each timed candidate of one bin to ``per_png[(family, path)]``."""
    chosen = planned(read_table(folder / "vetted.parquet"), 200).to_dict("records")
    context, finder = _context(folder, out, chosen)
    every = [flag for flags in FAMILIES.values() for flag in flags]
    for family, flags in FAMILIES.items():
        rows = [r for r in chosen if any(r.get(f) is True for f in flags)][:max_per_family]
        for row in rows:
            only = {**row, **{f: f in flags for f in every}}
            runs = {
                "stored": lambda r=only: plot_candidate(r, context)["n_plots"],
                "recompute": lambda r=only, fam=family: _recompute(r, context, finder, fam),
            }
            for path, run in runs.items():
                run()  # warm-up
                samples = [_time(run) for _ in range(repeats)]
                if samples[0][1]:
                    seconds = statistics.median(s for s, _ in samples)
                    per_png.setdefault((family, path), []).append(1e3 * seconds / samples[0][1])


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
    print(f"{'family':<14}{'path':<11}{'candidates':>11}{'median ms/PNG':>15}")
    for (family, path), values in sorted(per_png.items()):
        print(f"{family:<14}{path:<11}{len(values):>11}{statistics.median(values):>15.1f}")
    for family in ("dip", "microlensing"):
        if (family, "stored") in per_png and (family, "recompute") in per_png:
            old, new = (statistics.median(per_png[(family, path)]) for path in ("recompute", "stored"))
            ratio = old / new
            print(f"{family}: recompute / stored = {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
