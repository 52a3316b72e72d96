"""Report files of a bin: its attrition (TSV and page) and its candidate page (the run's pages are
:mod:`lcpipe.stages.run_report`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from lcpipe.report.attrition import attrition_table
from lcpipe.report.html import attrition_page, candidates_page
from lcpipe.tables import read_table

logger = logging.getLogger(__name__)


def write_bin_report(
    events_path: str | Path,
    candidates_path: str | Path,
    vetted_path: str | Path,
    attrition_tsv: str | Path,
    attrition_html: str | Path,
    candidates_html: str | Path,
    *,
    mag_bin: str,
    max_table_rows: int = 500,
    plots_path: str | Path | None = None,
    plot_href: Callable[[str], str] | None = None,
) -> pd.DataFrame:
    """Write one bin's attrition (TSV and HTML page) and candidate page.

    With ``plots_path`` (the bin's ``plots.parquet``) and ``plot_href`` (a PNG's file name → the link to
    it in the report), each candidate row links to its plots.

    Returns
    -------
    DataFrame
        The attrition table (:func:`~lcpipe.report.attrition.attrition_table`).
    """
    events, candidates, vetted = (read_table(p) for p in (events_path, candidates_path, vetted_path))
    table = attrition_table(events, candidates, vetted, mag_bin=mag_bin)
    for path in (attrition_tsv, attrition_html, candidates_html):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(attrition_tsv, sep="\t", index=False)
    note = (
        "Sources left after each stage, in percent of the bin's sources. The family rows split the "
        "candidates (a source can be in several families)."
    )
    shown = table.drop(columns=["mag_bin", "step"])
    Path(attrition_html).write_text(attrition_page(shown, f"Attrition of bin {mag_bin}", note))
    plot_files = None
    if plots_path is not None:
        index = read_table(plots_path)
        if {"source_id", "files"} <= set(index.columns):  # an empty bin's index may have no columns
            plot_files = dict(zip(index["source_id"].astype(str), index["files"].fillna(""), strict=True))
    page = candidates_page(
        vetted, mag_bin, max_table_rows, n_sources=len(events), plot_files=plot_files, plot_href=plot_href
    )
    Path(candidates_html).write_text(page)
    logger.info("report: bin %s, %d sources, %d candidates", mag_bin, len(events), len(candidates))
    return table
