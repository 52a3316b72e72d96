"""The run's report pages: attrition of every bin side by side (HTML and chart), and the run's
throughput, configuration and versions."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, NullFormatter, ScalarFormatter

from lcpipe.options_check import effective_config
from lcpipe.report.attrition import combine_attrition, headline_from_attrition
from lcpipe.report.html import attrition_page, headline_html, package_versions, run_info_page
from lcpipe.report.throughput import throughput_html


def attrition_figure(wide: pd.DataFrame) -> Figure:
    """Horizontal bars of the sources left after each stage, one bar per bin (log scale).

    Parameters
    ----------
    wide : DataFrame
        :func:`~lcpipe.report.attrition.combine_attrition` output (index stage, one column per bin
        and ``all bins``).
    """
    bins = [c for c in wide.columns if c != "all bins"]
    stages = list(wide.index)
    figure = Figure(figsize=(9.0, 1.0 + 0.42 * len(stages)), layout="constrained")
    FigureCanvasAgg(figure)
    ax = figure.subplots()
    height = 0.8 / max(len(bins), 1)
    y = np.arange(len(stages))
    for k, name in enumerate(bins):
        counts = wide[name].to_numpy(dtype=float)
        bars = ax.barh(
            y + (k - (len(bins) - 1) / 2) * height, np.where(counts > 0, counts, np.nan), height, label=name
        )
        ax.bar_label(bars, labels=[f"{c:.0f}" if c > 0 else "" for c in counts], padding=2, fontsize=7)
    ax.set_yticks(y, [s.strip() for s in stages])
    ax.invert_yaxis()
    if np.nanmax(wide[bins].to_numpy(dtype=float), initial=0.0) > 0:  # log scale needs a count > 0
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlim(right=ax.get_xlim()[1] * 1.3)  # room for the count labels
    ax.set_xlabel("sources")
    ax.grid(axis="x", alpha=0.3)
    figure.legend(title="bin", fontsize=8, loc="outside right upper")
    ax.set_title("Sources left after each stage")
    return figure


def write_run_report(
    attrition_tsvs: Sequence[str | Path],
    attrition_html: str | Path,
    attrition_png: str | Path,
    run_info_html: str | Path,
    *,
    config: Mapping[str, Any],
    run_summary: str | Path | None = None,
) -> pd.DataFrame:
    """Write the run-level pages: attrition of every bin side by side (HTML and PNG), config and versions.

    With ``run_summary`` (``results/run_summary.json``), the configuration page starts with the run's
    throughput (:func:`~lcpipe.report.throughput.throughput_html`).

    Returns
    -------
    DataFrame
        The combined attrition table.
    """
    tables = [pd.read_csv(path, sep="\t", dtype={"mag_bin": str}) for path in attrition_tsvs]
    wide = combine_attrition(tables)
    for path in (attrition_html, attrition_png, run_info_html):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    note = "Sources left after each stage, per magnitude bin."
    lead = "<h2>The run in numbers (all bins)</h2>" + headline_html(headline_from_attrition(wide))
    Path(attrition_html).write_text(attrition_page(wide, "Attrition of the run", note, index=True, lead=lead))
    attrition_figure(wide).savefig(attrition_png, dpi=110)
    lead = ""
    if run_summary is not None:
        lead = throughput_html(json.loads(Path(run_summary).read_text())["throughput"])
    Path(run_info_html).write_text(run_info_page(effective_config(config), package_versions(), lead=lead))
    return wide
