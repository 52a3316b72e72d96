"""Small self-contained HTML pages for the Snakemake report (tables, config and versions)."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import pandas as pd
import yaml

from lcpipe.tables import flag_column


@dataclass(frozen=True)
class ReportColumn:
    """A column of the report's candidate tables.

    Attributes
    ----------
    name : str
        Column of ``vetted.parquet`` (shown as the header's tooltip).
    label : str
        Header shown, with units.
    fmt : str
        Format spec of numbers (empty: four significant digits).
    html : bool
        The values are HTML already (links), inserted unescaped.
    """

    name: str
    label: str
    fmt: str = ""
    html: bool = False


@dataclass(frozen=True)
class FamilySection:
    """One family's table on the candidate page: its candidates, strongest first.

    Attributes
    ----------
    family : str
        Boolean ``family_*`` column selecting the rows.
    title : str
        Section heading.
    sort_by : tuple of str
        Columns ranked descending, in order (missing values last).
    columns : tuple of ReportColumn
        The family's own columns, shown between :data:`LEAD_COLUMNS` and :data:`POSITION_COLUMNS`.
    """

    family: str
    title: str
    sort_by: tuple[str, ...]
    columns: tuple[ReportColumn, ...]


#: Columns every candidate table starts with (those present are shown).
LEAD_COLUMNS: tuple[ReportColumn, ...] = (
    ReportColumn("source_id", "source"),
    ReportColumn("plot_links", "plots", html=True),
    ReportColumn("candidate_type", "families"),
    ReportColumn("vsx_name", "known variable"),
    ReportColumn("vsx_class", "class"),
)

#: Columns every candidate table ends with, after the family's own: position and Gaia-like numbers.
POSITION_COLUMNS: tuple[ReportColumn, ...] = (
    ReportColumn("ra", "RA (deg)", ".5f"),
    ReportColumn("dec", "Dec (deg)", "+.5f"),
    ReportColumn("gal_l", "l (deg)", ".3f"),
    ReportColumn("gal_b", "b (deg)", "+.3f"),
    ReportColumn("tag_median_mag", "median mag", ".2f"),
    ReportColumn("gaia_phot_g_mean_mag", "G (mag)", ".2f"),
    ReportColumn("distance_pc", "distance (pc)", ".0f"),
)


def _search_columns(kind: str, size: str) -> tuple[ReportColumn, ...]:
    """The columns of the dip or jump search (``kind``), ``size`` naming its amplitude."""
    return (
        ReportColumn(f"{kind}_log_bf", "ln Bayes factor", ".1f"),
        ReportColumn(f"{kind}_amplitude_mag", f"{size} (mag)", ".3f"),
        ReportColumn(f"{kind}_n_runs", "runs", "d"),
        ReportColumn(f"{kind}_run_t_start", "strongest run start (JD)", ".2f"),
        ReportColumn(f"{kind}_run_duration", "its duration (d)", ".2f"),
        ReportColumn(f"{kind}_morph_model", "shape"),
    )


#: The candidate page's sections, one per candidate family.
FAMILY_SECTIONS: tuple[FamilySection, ...] = (
    FamilySection(
        "family_microlensing",
        "Microlensing",
        ("anomaly_best_score", "pspl_dchi2_const"),
        (
            ReportColumn("pspl_t0", "t0 (JD)", ".2f"),
            ReportColumn("pspl_tE", "tE (d)", ".2f"),
            ReportColumn("pspl_u0", "u0", ".3f"),
            ReportColumn("pspl_dchi2_const", "Δχ² PSPL vs flat", ".0f"),
            ReportColumn("anomaly_best_t0", "anomaly t0 (JD)", ".3f"),
            ReportColumn("anomaly_best_teff", "anomaly teff (d)", ".3f"),
            ReportColumn("anomaly_best_dchi2", "anomaly Δχ²", ".1f"),
            ReportColumn("anomaly_best_score", "anomaly score", ".1f"),
        ),
    ),
    FamilySection(
        "family_dip",
        "Dimming (dips)",
        ("dip_log_bf",),
        (*_search_columns("dip", "depth"), ReportColumn("dipper_log10_score", "log10 dipper score", ".1f")),
    ),
    FamilySection("family_jump", "Brightening (jumps)", ("jump_log_bf",), _search_columns("jump", "height")),
)

#: Packages whose versions the run report lists.
REPORTED_PACKAGES: tuple[str, ...] = (
    "lcpipe",
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "astropy",
    "astroquery",
    "celerite2",
    "VBMicrolensing",
    "matplotlib",
    "snakemake",
)

_STYLE = """
body { font-family: system-ui, "Segoe UI", sans-serif; font-size: 14px; margin: 1em; color: #222; }
h1 { font-size: 1.3em; margin: 0 0 0.4em; }
h2 { font-size: 1.1em; margin: 1.2em 0 0.2em; }
p.note { color: #555; margin: 0.2em 0 0.8em; }
table { border-collapse: collapse; }
th, td { padding: 3px 9px; border-bottom: 1px solid #ddd; text-align: right; white-space: nowrap; }
th { background: #f2f4f7; position: sticky; top: 0; vertical-align: bottom; }
th { white-space: normal; max-width: 7em; }
td.text, th.text { text-align: left; }
tr:hover td { background: #fafbfd; }
.headline { display: flex; flex-wrap: wrap; gap: 8px; margin: 0.4em 0 1em; }
.count { border: 1px solid #d0d7de; border-radius: 6px; padding: 6px 12px; background: #f6f8fa; }
.count strong { display: block; font-size: 1.5em; }
.count span { color: #555; font-size: 0.9em; }
pre { background: #f6f8fa; padding: 0.8em; border-radius: 4px; font-size: 12px; }
"""


def page(title: str, body: str, note: str = "", lead: str = "") -> str:
    """A complete HTML page with the report's style; ``lead`` (HTML) comes first, under the title."""
    intro = f'<p class="note">{html.escape(note)}</p>' if note else ""
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>{lead}{intro}{body}</body></html>\n"
    )


def _cell(value: Any, fmt: str = "") -> tuple[str, bool]:
    """Formatted cell text and whether it is text (left-aligned)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return "", False
    if isinstance(value, bool):
        return ("yes" if value else "no"), True
    if isinstance(value, int | float) and fmt:
        return format(int(value) if fmt == "d" else value, fmt), False
    if isinstance(value, float):
        return (f"{value:.4g}" if abs(value) < 1e5 else f"{value:.2f}"), False
    if isinstance(value, int):
        return str(value), False
    return html.escape(str(value)), True


def table_html(
    table: pd.DataFrame, index: bool = False, columns: Sequence[ReportColumn] | None = None
) -> str:
    """A plain HTML table: numbers right-aligned, text left-aligned.

    With ``columns`` (those present in ``table``), headers are their labels (the column name as tooltip)
    and numbers use their formats; otherwise headers are the column names and numbers get four
    significant digits.
    """
    frame = table.reset_index() if index else table
    if columns is None:
        columns = [ReportColumn(str(c), str(c)) for c in frame.columns]
    columns = [c for c in columns if c.name in frame]
    head = "".join(
        f'<th class="text" title="{html.escape(c.name)}">{html.escape(c.label)}</th>' for c in columns
    )
    rows = []
    for record in frame[[c.name for c in columns]].itertuples(index=False):
        cells = []
        for column, value in zip(columns, record, strict=True):
            if column.html:
                cells.append(f'<td class="text">{value or ""}</td>')
                continue
            text, is_text = _cell(value.item() if hasattr(value, "item") else value, column.fmt)
            cells.append(f'<td class="text">{text}</td>' if is_text else f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _family_table(vetted: pd.DataFrame, section: FamilySection, max_rows: int) -> str:
    """One section of the candidate page: heading, count and the family's rows, new candidates before
    known variables, each strongest first."""
    members = vetted[flag_column(vetted, section.family)].assign(
        _known=lambda t: flag_column(t, "known_variable")
    )
    ranks = [c for c in section.sort_by if c in members]
    members = members.sort_values(
        ["_known", *ranks], ascending=[True] + [False] * len(ranks), na_position="last", kind="stable"
    )
    count = f"{len(members)} candidate(s)" + (f", first {max_rows} shown" if len(members) > max_rows else "")
    labels = {c.name: c.label for c in section.columns}
    ranked = f", each strongest first by {', then '.join(labels.get(r, r) for r in ranks)}" if ranks else ""
    order = f"; new candidates before known variables{ranked}"
    heading = f'<h2>{html.escape(section.title)}</h2><p class="note">{count}{html.escape(order)}</p>'
    if members.empty:
        return heading
    return heading + table_html(
        members.head(max_rows), columns=(*LEAD_COLUMNS, *section.columns, *POSITION_COLUMNS)
    )


def headline_counts(vetted: pd.DataFrame, n_sources: int) -> dict[str, int]:
    """Headline numbers of a bin or run: sources, candidates, per family, new and known.

    Parameters
    ----------
    vetted : DataFrame
        The vetted candidates (``family_*``, ``candidate_type``, ``known_variable``).
    n_sources : int
        Sources searched.

    Returns
    -------
    dict
        ``sources``, ``candidates``, ``microlensing`` (of which ``with anomaly``), ``dip``, ``jump``,
        ``new`` and ``known variables``.
    """
    known = int(flag_column(vetted, "known_variable").sum())
    types = vetted["candidate_type"].astype(str) if "candidate_type" in vetted else pd.Series([], dtype=str)
    return {
        "sources": int(n_sources),
        "candidates": len(vetted),
        "microlensing": int(flag_column(vetted, "family_microlensing").sum()),
        "with anomaly": int(types.str.startswith("microlensing_anomaly").sum()),
        "dip": int(flag_column(vetted, "family_dip").sum()),
        "jump": int(flag_column(vetted, "family_jump").sum()),
        "new": len(vetted) - known,
        "known variables": known,
    }


def headline_html(counts: Mapping[str, int]) -> str:
    """The headline counts as a row of boxes (:func:`headline_counts`)."""
    boxes = "".join(
        f'<div class="count"><strong>{int(value)}</strong><span>{html.escape(name)}</span></div>'
        for name, value in counts.items()
    )
    return f'<div class="headline">{boxes}</div>'


def plot_links(files: str, href: Callable[[str], str]) -> str:
    """Links to a candidate's PNGs: ``files`` comma-separated names, ``href(name)`` each link's target."""
    names = [n for n in str(files or "").split(",") if n]
    labels = {"lightcurve": "light curve", "pspl-summary": "PSPL", "anomaly-zoom": "anomaly"}
    parts = []
    for name in names:
        kind = name.rsplit("_", 1)[-1].removesuffix(".png")
        parts.append(f'<a href="{html.escape(href(name))}">{html.escape(labels.get(kind, kind))}</a>')
    return " · ".join(parts)


def candidates_page(
    vetted: pd.DataFrame,
    mag_bin: str,
    max_rows: int,
    *,
    n_sources: int | None = None,
    plot_files: Mapping[str, str] | None = None,
    plot_href: Callable[[str], str] | None = None,
) -> str:
    """The candidates of one bin: headline counts, then one table per family (:data:`FAMILY_SECTIONS`).

    A candidate in several families (a microlensing event is also a brightening) is listed in each;
    a family's rows list new candidates before known variables, each ranked by the family's evidence.
    A missing ``family_*`` column leaves its section out. With ``plot_files`` (source id → its PNG
    names) and ``plot_href`` (PNG name → link target), each row links to its plots.
    """
    new = int((~flag_column(vetted, "known_variable")).sum())
    note = (
        f"{len(vetted)} candidate(s)"
        + (f", {new} not known variables" if "known_variable" in vetted else "")
        + f". All columns are in results/{mag_bin}/vetted.parquet (hover a header for its column name); "
        "the plots column links each candidate to its plots. Times are as in the light curves (JD), "
        "log Bayes factors natural, amplitudes in mag."
    )
    headline = headline_html(headline_counts(vetted, len(vetted) if n_sources is None else n_sources))
    if vetted.empty:
        return page(f"Candidates of bin {mag_bin}", "<p>No candidates in this bin.</p>", note, headline)
    if plot_files is not None and plot_href is not None:
        ids = vetted["source_id"].astype(str)
        vetted = vetted.assign(plot_links=[plot_links(plot_files.get(i, ""), plot_href) for i in ids])
    sections = [s for s in FAMILY_SECTIONS if s.family in vetted]
    body = "".join(_family_table(vetted, section, max_rows) for section in sections)
    return page(f"Candidates of bin {mag_bin}", body, note, headline)


def attrition_page(
    table: pd.DataFrame, title: str, note: str = "", index: bool = False, lead: str = ""
) -> str:
    """An attrition table as a page (``lead``: HTML shown first, such as :func:`headline_html`)."""
    return page(title, table_html(table, index=index), note, lead)


def package_versions(names: Sequence[str] = REPORTED_PACKAGES) -> dict[str, str]:
    """Installed version of each package ("not installed" when absent)."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def run_info_page(config: Mapping[str, Any], versions: Mapping[str, str], lead: str = "") -> str:
    """Versions of lcpipe and its main dependencies, and the full configuration the run used.

    ``lead`` (HTML, such as :func:`lcpipe.report.throughput.throughput_html`) comes first.
    """
    version_table = pd.DataFrame({"package": list(versions), "version": list(versions.values())})
    config_text = yaml.safe_dump(dict(config), sort_keys=False, default_flow_style=False)
    body = (
        "<h2>Versions</h2>"
        + table_html(version_table)
        + "<h2>Configuration (every option at its value in this run, defaults included)</h2><pre>"
        + html.escape(config_text)
        + "</pre>"
    )
    return page("Run configuration and versions", body, lead=lead)
