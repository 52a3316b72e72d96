"""Small self-contained HTML pages for the Snakemake report (tables, config and versions)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from importlib import metadata
from typing import Any

import pandas as pd
import yaml

#: Candidate columns shown in the report, in order (those present are shown).
CANDIDATE_REPORT_COLUMNS: tuple[str, ...] = (
    "source_id",
    "candidate_type",
    "known_variable",
    "vsx_name",
    "vsx_class",
    "ra",
    "dec",
    "gal_l",
    "gal_b",
    "tag_median_mag",
    "pspl_t0",
    "pspl_tE",
    "pspl_u0",
    "pspl_dchi2_const",
    "anomaly_best_t0",
    "anomaly_best_teff",
    "anomaly_best_dchi2",
    "anomaly_best_score",
    "dip_log_bf",
    "dip_amplitude_mag",
    "dip_run_duration",
    "jump_log_bf",
    "jump_amplitude_mag",
    "dipper_score",
    "gaia_status",
    "gaia_sep_arcsec",
    "distance_pc",
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
    "numba",
    "matplotlib",
    "snakemake",
)

_STYLE = """
body { font-family: system-ui, "Segoe UI", sans-serif; font-size: 14px; margin: 1em; color: #222; }
h1 { font-size: 1.3em; margin: 0 0 0.4em; }
p.note { color: #555; margin: 0.2em 0 0.8em; }
table { border-collapse: collapse; }
th, td { padding: 3px 9px; border-bottom: 1px solid #ddd; text-align: right; white-space: nowrap; }
th { background: #f2f4f7; position: sticky; top: 0; }
td.text, th.text { text-align: left; }
tr:hover td { background: #fafbfd; }
pre { background: #f6f8fa; padding: 0.8em; border-radius: 4px; font-size: 12px; }
"""


def page(title: str, body: str, note: str = "") -> str:
    """A complete HTML page with the report's style."""
    intro = f'<p class="note">{html.escape(note)}</p>' if note else ""
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>{intro}{body}</body></html>\n"
    )


def _cell(value: Any) -> tuple[str, bool]:
    """Formatted cell text and whether it is text (left-aligned)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return "", False
    if isinstance(value, bool):
        return ("yes" if value else "no"), True
    if isinstance(value, float):
        return (f"{value:.4g}" if abs(value) < 1e5 else f"{value:.2f}"), False
    if isinstance(value, int):
        return str(value), False
    return html.escape(str(value)), True


def table_html(table: pd.DataFrame, index: bool = False) -> str:
    """A plain HTML table: numbers right-aligned with 4 significant digits, text left-aligned."""
    frame = table.reset_index() if index else table
    head = "".join(f'<th class="text">{html.escape(str(c))}</th>' for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False):
        cells = []
        for value in record:
            text, is_text = _cell(value.item() if hasattr(value, "item") else value)
            cells.append(f'<td class="text">{text}</td>' if is_text else f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def candidates_page(vetted: pd.DataFrame, mag_bin: str, max_rows: int) -> str:
    """The candidate table of one bin: the columns of :data:`CANDIDATE_REPORT_COLUMNS` that exist."""
    columns = [c for c in CANDIDATE_REPORT_COLUMNS if c in vetted]
    shown = vetted[columns].head(max_rows).astype(object)
    for prefixes, family in (
        (("pspl_", "anomaly_"), "family_microlensing"),
        (("dip",), "family_dip"),
        (("jump_",), "family_jump"),
    ):
        if family in vetted:  # numbers of a branch the candidate did not pass would read as detections
            other = ~vetted[family].head(max_rows).astype("boolean").fillna(False).astype(bool)
            for column in (c for c in columns if c.startswith(prefixes)):
                shown.loc[other.to_numpy(), column] = None
    note = (
        f"{len(vetted)} candidate(s); "
        + (f"first {max_rows} shown; " if len(vetted) > max_rows else "")
        + "all columns in results/"
        + mag_bin
        + "/vetted.parquet. Times are as in the light curves (JD), "
        "log Bayes factors natural, amplitudes in mag, separations in arcsec; a branch's columns are "
        "blank for candidates that did not pass its family."
    )
    body = table_html(shown) if len(shown) else "<p>No candidates in this bin.</p>"
    return page(f"Candidates of bin {mag_bin}", body, note)


def attrition_page(table: pd.DataFrame, title: str, note: str = "", index: bool = False) -> str:
    """An attrition table as a page."""
    return page(title, table_html(table, index=index), note)


def package_versions(names: Sequence[str] = REPORTED_PACKAGES) -> dict[str, str]:
    """Installed version of each package ("not installed" when absent)."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def run_info_page(config: Mapping[str, Any], versions: Mapping[str, str]) -> str:
    """Versions of lcpipe and its main dependencies, and the full configuration the run used."""
    version_table = pd.DataFrame({"package": list(versions), "version": list(versions.values())})
    config_text = yaml.safe_dump(dict(config), sort_keys=False, default_flow_style=False)
    body = (
        "<h2>Versions</h2>"
        + table_html(version_table)
        + "<h2>Configuration (after schema defaults)</h2><pre>"
        + html.escape(config_text)
        + "</pre>"
    )
    return page("Run configuration and versions", body)
