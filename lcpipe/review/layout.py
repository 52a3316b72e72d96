"""The review app's page: the queue with its filters, the candidate view and the review panel (Dash).

Builders of components only; the callbacks that fill them are in :mod:`lcpipe.review.app`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd
from dash import dash_table, dcc, html

from lcpipe.review.run import FAMILIES
from lcpipe.review.session import ReviewSession, format_value, sort_options
from lcpipe.review.store import REVIEW_CLASSES

#: Keyboard letter of each review class (shown underlined on its button).
CLASS_KEYS: dict[str, str] = {
    "dipper": "d",
    "fade": "f",
    "microlensing": "m",
    "microlensing_anomaly": "a",
    "flare": "l",
    "eclipsing_binary": "e",
    "periodic": "p",
    "yso": "y",
    "instrumental": "i",
    "other": "o",
    "unclassified": "u",
}

#: Key numbers of the candidate view: column, label with unit, format.
KEY_NUMBERS: tuple[tuple[str, str, str], ...] = (
    ("tag_median_mag", "median magnitude (mag)", ".2f"),
    ("tag_n_points", "points", "d"),
    ("tag_span_days", "time span (d)", ".0f"),
    ("tag_robust_scatter_mag", "robust scatter (mag)", ".3f"),
    ("pspl_t0", "PSPL t0 (JD)", ".2f"),
    ("pspl_tE", "PSPL tE (d)", ".2f"),
    ("pspl_u0", "PSPL u0", ".3f"),
    ("pspl_dchi2_const", "PSPL Δχ² vs flat", ".0f"),
    ("anomaly_best_t0", "anomaly t0 (JD)", ".3f"),
    ("anomaly_best_teff", "anomaly teff (d)", ".3f"),
    ("anomaly_best_dchi2", "anomaly Δχ²", ".1f"),
    ("anomaly_best_score", "anomaly score", ".1f"),
    ("dip_log_bf", "dip ln Bayes factor", ".1f"),
    ("dip_amplitude_mag", "dip depth (mag)", ".3f"),
    ("dip_n_runs", "dip runs", "d"),
    ("dip_run_duration", "strongest dip run (d)", ".2f"),
    ("dip_morph_model", "dip shape", ""),
    ("dipper_log10_score", "log10 dipper score", ".1f"),
    ("jump_log_bf", "jump ln Bayes factor", ".1f"),
    ("jump_amplitude_mag", "jump height (mag)", ".3f"),
    ("jump_n_runs", "jump runs", "d"),
    ("jump_run_duration", "strongest jump run (d)", ".2f"),
    ("jump_morph_model", "jump shape", ""),
    ("feat_fold_period", "best fold period (d)", ".4g"),
    ("feat_fold_r2", "fold R²", ".2f"),
    ("class_final", "rule-based class", ""),
    ("class_final_score", "its score", ".2f"),
    ("ml_class", "classifier's class", ""),
    ("ml_entropy", "classifier entropy (nats)", ".2f"),
)

#: Catalog columns of the candidate view.
CATALOG_NUMBERS: tuple[tuple[str, str, str], ...] = (
    ("ra", "RA (deg)", ".5f"),
    ("dec", "Dec (deg)", "+.5f"),
    ("gal_l", "l (deg)", ".3f"),
    ("gal_b", "b (deg)", "+.3f"),
    ("gaia_source_id", "Gaia-like source", ""),
    ("gaia_sep_arcsec", "its separation (arcsec)", ".2f"),
    ("gaia_phot_g_mean_mag", "G (mag)", ".2f"),
    ("gaia_bp_rp", "BP − RP (mag)", ".2f"),
    ("gaia_parallax", "parallax (mas)", ".3f"),
    ("distance_pc", "distance (pc)", ".0f"),
    ("abs_g", "absolute G (mag)", ".2f"),
    ("w1_w2", "W1 − W2 (mag)", ".2f"),
    ("w2_w3", "W2 − W3 (mag)", ".2f"),
    ("ir_class", "IR class", ""),
    ("vsx_name", "known variable (VSX)", ""),
    ("vsx_class", "its class", ""),
    ("vsx_period", "its period (d)", ".5g"),
    ("simbad_main_id", "SIMBAD", ""),
    ("simbad_otype", "SIMBAD type", ""),
)

#: Queue columns: column, header.
QUEUE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source_id", "source"),
    ("mag_bin", "bin"),
    ("candidate_type", "families"),
    ("strength", "evidence (ln)"),
    ("class_final", "rule class"),
    ("known", "known var."),
    ("review_score", "score"),
    ("review_label", "class"),
    ("review_state", "review"),
)

#: Plotly figure options of every graph.
GRAPH_CONFIG = {"displaylogo": False}


def labelled(text: str, control: Any) -> html.Div:
    """A filter control with its label above it."""
    return html.Div([html.Label(text, className="label"), control], className="control")


def queue_filters(session: ReviewSession) -> html.Div:
    """The queue's filters: family, bin, known variable, review state, evidence range, id search, order."""
    bins = sorted(session.candidates["mag_bin"].unique())
    strengths = session.candidates["strength"]
    lo = float(np.floor(strengths.min())) if strengths.notna().any() else 0.0
    hi = float(np.ceil(strengths.max())) if strengths.notna().any() else 1.0
    orders = sort_options(session)
    return html.Div(
        className="filters",
        children=[
            labelled(
                "family", dcc.Dropdown(id="f-family", options=list(FAMILIES), multi=True, placeholder="all")
            ),
            labelled("bin", dcc.Dropdown(id="f-bin", options=bins, multi=True, placeholder="all")),
            labelled(
                "known variable",
                dcc.Dropdown(id="f-known", options=["all", "yes", "no"], value="all", clearable=False),
            ),
            labelled(
                "review",
                dcc.Dropdown(
                    id="f-state",
                    options=["all", "to review", "reviewed", "changed since review"],
                    value="all",
                    clearable=False,
                ),
            ),
            labelled(
                "evidence (ln) from",
                dcc.Input(id="f-min", type="number", placeholder=f"{lo:g}", debounce=True),
            ),
            labelled("to", dcc.Input(id="f-max", type="number", placeholder=f"{hi:g}", debounce=True)),
            labelled(
                "search id", dcc.Input(id="f-search", type="text", placeholder="source id", debounce=True)
            ),
            labelled(
                "order",
                dcc.Dropdown(id="f-sort", options=orders, value=orders[0]["value"], clearable=False),
            ),
        ],
    )


def queue_view(session: ReviewSession) -> html.Div:
    """The queue: filters, a count, and the table of candidates (reviewed rows tinted)."""
    table = dash_table.DataTable(
        id="queue-table",
        columns=[{"name": label, "id": name} for name, label in QUEUE_COLUMNS],
        page_size=25,
        style_cell={
            "fontFamily": "system-ui, sans-serif",
            "fontSize": 13,
            "padding": "3px 8px",
            "textAlign": "left",
        },
        style_header={"backgroundColor": "#f2f4f7", "fontWeight": "600"},
        style_data_conditional=[
            {"if": {"filter_query": '{review} = "reviewed"'}, "backgroundColor": "#eef8ee"},
            {"if": {"filter_query": '{review} = "changed since review"'}, "backgroundColor": "#fff4e0"},
        ],
        cell_selectable=True,
    )
    return html.Div(
        id="queue-view",
        children=[queue_filters(session), html.Div(id="queue-count", className="note"), table],
    )


def review_buttons() -> tuple[list[html.Button], list[html.Button]]:
    """Score buttons 1–4 and one button per review class (its key letter underlined)."""
    scores = [
        html.Button(
            str(k), id={"type": "score", "value": k}, className="score-button", title=f"score {k} (key {k})"
        )
        for k in (1, 2, 3, 4)
    ]
    classes = []
    for name in REVIEW_CLASSES:
        key = CLASS_KEYS[name]
        at = name.find(key)
        text = [name[:at], html.U(name[at]), name[at + 1 :]] if at >= 0 else [f"{name} ({key})"]
        classes.append(
            html.Button(
                text,
                id={"type": "label", "value": name},
                className="class-button",
                title=f"key {key}",
                **{"data-key": key},
            )
        )
    return scores, classes


def review_panel() -> html.Div:
    """Score and class buttons, notes and the current review."""
    scores, classes = review_buttons()
    return html.Div(
        className="review",
        id="review-panel",
        children=[
            html.H3("Review"),
            html.Div(["score (1 not real … 4 certain): ", *scores], className="buttons"),
            html.Div(["class: ", *classes], className="buttons"),
            dcc.Textarea(id="notes", placeholder="notes", className="notes"),
            html.Button("save notes", id="save-notes", className="nav-button"),
            html.Div(id="review-state", className="review-state"),
        ],
    )


def candidate_view() -> html.Div:
    """The candidate view (hidden until a candidate URL): navigation, figures, review panel, numbers."""
    nav = html.Div(
        className="nav",
        children=[
            html.Button("← queue (Esc)", id="back", className="nav-button"),
            html.Button("◀ previous (k)", id="prev", className="nav-button"),
            html.Button("next (j) ▶", id="next", className="nav-button"),
            html.Span(id="position", className="note"),
        ],
    )
    side = html.Div(className="side", children=[review_panel(), html.Div(id="cand-numbers")])
    return html.Div(
        id="candidate-view",
        style={"display": "none"},
        children=[
            nav,
            html.H2(id="cand-title"),
            html.Div(className="columns", children=[html.Div(id="cand-plots", className="plots"), side]),
        ],
    )


def page(session: ReviewSession) -> html.Div:
    """The whole page: URL, stores, header with the reviewer's name, the queue and the candidate view."""
    header = html.Div(
        className="header",
        children=[
            html.Span("lcpipe review", className="brand"),
            html.Span(str(session.results_dir), className="note"),
            html.Span(id="progress", className="progress"),
            html.Label("reviewer", className="label"),
            dcc.Input(
                id="reviewer",
                type="text",
                placeholder="your name",
                persistence=True,
                persistence_type="local",
            ),
        ],
    )
    return html.Div(
        [
            dcc.Location(id="url"),
            dcc.Store(id="order", storage_type="session"),
            dcc.Store(id="saved"),
            header,
            queue_view(session),
            candidate_view(),
        ]
    )


def queue_rows(shown: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of the queue table from the filtered queue (values formatted for display)."""
    return [
        {
            "source_id": row["source_id"],
            "mag_bin": row["mag_bin"],
            "candidate_type": row.get("candidate_type", ""),
            "strength": format_value(row.get("strength"), ".1f"),
            "class_final": row.get("class_final") or "",
            "known": "yes" if row.get("known") else "",
            "review_score": format_value(row.get("review_score"), "d"),
            "review_label": row.get("review_label") or "",
            "review_state": row["review_state"],
            "review": row["review_state"],
        }
        for row in shown.to_dict("records")
    ]


def candidate_plots(views: dict[str, Any], row: dict[str, Any]) -> list[Any]:
    """The candidate's graphs (light curve, microlensing, fold when present) and links to the run's PNGs."""
    plots = [dcc.Graph(figure=views["lightcurve"], id="graph-lightcurve", config=GRAPH_CONFIG)]
    for name in ("microlensing", "fold"):
        if name in views:
            plots.append(dcc.Graph(figure=views[name], id=f"graph-{name}", config=GRAPH_CONFIG))
    pngs = [n for n in str(row.get("plot_files") or "").split(",") if n]
    if pngs:
        links = [
            html.A(n, href=f"/plots/{quote(row['mag_bin'])}/{quote(n)}", target="_blank", className="png")
            for n in pngs
        ]
        plots.append(html.Div(["Run plots: ", *links], className="note"))
    return plots


def candidate_numbers(row: dict[str, Any]) -> list[Any]:
    """Key numbers (PSPL and anomaly numbers only for microlensing candidates) and catalog matches."""
    lensing = bool(row.get("family_microlensing"))  # PSPL numbers of other candidates mean nothing

    def shown(columns: tuple[tuple[str, str, str], ...]) -> list[tuple[str, str]]:
        pairs = [(c, label, format_value(row.get(c), f)) for c, label, f in columns if c in row]
        return [
            (label, text)
            for c, label, text in pairs
            if text and (lensing or not c.startswith(("pspl_", "anomaly_")))
        ]

    return [
        html.H3("Key numbers"),
        number_table(shown(KEY_NUMBERS)),
        html.H3("Catalog matches"),
        number_table(shown(CATALOG_NUMBERS)),
    ]


def number_table(pairs: list[tuple[str, str]]) -> html.Table:
    """Two-column table of labels and formatted values."""
    return html.Table(
        [html.Tr([html.Td(label, className="key"), html.Td(value)]) for label, value in pairs],
        className="numbers",
    )


def review_text(review: dict[str, Any] | None, message: str = "") -> list[Any]:
    """The current review in one line (score, class, reviewer, time), and a warning when given."""
    if review is None:
        status = "not reviewed yet"
    else:
        status = (
            f"score {review['score'] if review['score'] is not None else '–'}"
            f" · class {review['label'] or '–'}"
            f" · by {review['reviewer']} at {review['changed_at'][:19].replace('T', ' ')} UTC"
        )
        if review.get("changed_since_review"):
            status += " · the candidate changed since this review"
    return [
        html.Span(status, id="review-status"),
        html.Div(message, className="warning") if message else None,
    ]
