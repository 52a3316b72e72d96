"""The run's throughput as an HTML section: light curves per second and the cost of every stage."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import pandas as pd

from lcpipe.report.html import ReportColumn, table_html

#: Columns of the per-stage table, from :func:`lcpipe.stages.run_summary.run_throughput` ``stages``.
STAGE_COLUMNS: tuple[ReportColumn, ...] = (
    ReportColumn("stage", "stage (rule)"),
    ReportColumn("jobs", "jobs", "d"),
    ReportColumn("wall_s", "wall (s)", ".1f"),
    ReportColumn("cpu_s", "CPU (s)", ".1f"),
    ReportColumn("cpu_share", "share of CPU", ".1%"),
    ReportColumn("wall_ms_per_light_curve", "wall per light curve (ms)", ".2f"),
    ReportColumn("cpu_ms_per_light_curve", "CPU per light curve (ms)", ".2f"),
    ReportColumn("source_ms_per_light_curve", "in the per-source loop (ms per light curve)", ".2f"),
    ReportColumn("overhead_s_per_job", "fixed cost per job (s)", ".2f"),
    ReportColumn("max_rss_mb", "peak memory of a job (MB)", ".0f"),
)


def _rate(value: float | None, unit: str) -> str:
    return "not measured" if value is None else f"{value:.3g} {unit}"


def throughput_html(throughput: Mapping[str, Any]) -> str:
    """A "Throughput" section: the run's rates in a list, then one row per stage, costliest first.

    Parameters
    ----------
    throughput : mapping
        The run summary's ``throughput`` entry (:func:`lcpipe.stages.run_summary.run_throughput`).
    """
    n = int(throughput["light_curves"])
    items = [
        f"{n} light curves in {throughput['wall_s']:.1f} s of wall time: "
        + _rate(throughput["light_curves_per_s"], "light curves per second"),
        f"{throughput['job_wall_s']:.1f} s of jobs on {_rate(throughput['busy_cores'], 'cores')} on "
        "average: " + _rate(throughput["light_curves_per_core_s"], "light curves per core-second"),
        f"{throughput['cpu_s']:.1f} CPU seconds: "
        + _rate(throughput["light_curves_per_cpu_s"], "light curves per CPU second"),
    ]
    stages = pd.DataFrame.from_dict(dict(throughput["stages"]), orient="index")
    stages = stages.rename_axis("stage").reset_index()
    if "cpu_s" in stages:
        stages = stages.sort_values("cpu_s", ascending=False, kind="stable")
    excluded = ", ".join(throughput.get("excluded_rules", ()))
    note = (
        "Wall time runs from the first job's start to the last one's end (benchmark file times); a job "
        "holds one core while it runs. Costs per light curve divide by every light curve of the run. "
        "The fixed cost of a job is its wall time outside the per-source loop (start-up, imports, "
        "tables)." + (f" Not counted: {html.escape(excluded)}." if excluded else "")
    )
    return (
        "<h2>Throughput</h2><ul>"
        + "".join(f"<li>{html.escape(item)}</li>" for item in items)
        + f'</ul><p class="note">{note}</p>'
        + table_html(stages, columns=STAGE_COLUMNS)
    )
