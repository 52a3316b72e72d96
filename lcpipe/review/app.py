"""The review app (Dash): a queue of every candidate of a run, a candidate view, and the review panel.

URLs: ``/`` is the queue, ``/candidate/<mag_bin>/<source_id>`` a candidate (so a reload or a shared link
opens the same candidate), ``/plots/<mag_bin>/<file>`` serves the run's PNGs. Keyboard (outside text
fields, ``assets/keys.js``): ``1``–``4`` score, the underlined letter of a class button sets the class,
``j``/``→`` next and ``k``/``←`` previous candidate of the filtered queue, ``Esc`` back to the queue.
Every score or class change is written to the store at once, signed with the reviewer's name.
"""

from __future__ import annotations

import json
import sqlite3
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import numpy as np
import pandas as pd

from lcpipe.plots.dips import dip_plot_data
from lcpipe.plots.microlensing import rescan
from lcpipe.plots.stage import strength
from lcpipe.review import figures
from lcpipe.review.run import (
    FAMILIES,
    StageOptions,
    load_candidates,
    load_points,
    resolve_path,
    stage_options,
)
from lcpipe.review.store import REVIEW_CLASSES, Review, connect, current_reviews, record, with_change_flags
from lcpipe.stages.dips import DIPS_SECTION
from lcpipe.stages.microlensing import ANOMALY_SECTION

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


def _fmt(value: Any, fmt: str) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and not np.isfinite(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if fmt and isinstance(value, int | float | np.integer | np.floating):
        return format(int(value) if fmt == "d" else float(value), fmt)
    return str(value)


def candidate_path(mag_bin: str, source_id: str) -> str:
    """URL path of a candidate."""
    return f"/candidate/{quote(str(mag_bin), safe='')}/{quote(str(source_id), safe='')}"


def parse_candidate_path(path: str | None) -> tuple[str, str] | None:
    """``(mag_bin, source_id)`` of a candidate URL path, None for any other path."""
    parts = (path or "").strip("/").split("/")
    if len(parts) == 3 and parts[0] == "candidate":
        return unquote(parts[1]), unquote(parts[2])
    return None


@dataclass
class ReviewSession:
    """What the app serves: the run's candidates, the store, and a small cache of recomputed views."""

    results_dir: Path
    db_path: Path
    candidates: pd.DataFrame
    predictions: pd.DataFrame | None = None
    cache_size: int = 32
    _options: dict[str, StageOptions] = field(default_factory=dict, repr=False)
    _views: OrderedDict = field(default_factory=OrderedDict, repr=False)

    @classmethod
    def open(
        cls,
        results_dir: str | Path,
        db_path: str | Path,
        bins: list[str] | None = None,
        predictions: str | None = None,
    ) -> ReviewSession:
        table = load_candidates(results_dir, bins)
        table["strength"] = strength(table).replace(-np.inf, np.nan)
        preds = None
        if predictions:
            preds = pd.read_parquet(predictions).astype({"source_id": str, "mag_bin": str})
            table = table.merge(preds, on=["source_id", "mag_bin"], how="left")
        connect(db_path).close()  # create the store (and fail early on a bad file)
        return cls(Path(results_dir), Path(db_path), table, preds)

    def connection(self) -> sqlite3.Connection:
        return connect(self.db_path)

    def reviews(self) -> pd.DataFrame:
        connection = self.connection()
        try:
            return with_change_flags(current_reviews(connection), self.candidates)
        finally:
            connection.close()

    def queue(self) -> pd.DataFrame:
        """Candidates with their current review (``review_score``, ``review_label``, ``review_state``)."""
        reviews = self.reviews().rename(
            columns={"score": "review_score", "label": "review_label", "reviewer": "review_reviewer"}
        )
        keep = [
            "source_id",
            "mag_bin",
            "review_score",
            "review_label",
            "review_reviewer",
            "changed_since_review",
        ]
        table = self.candidates.merge(reviews[keep], on=["source_id", "mag_bin"], how="left")
        reviewed = table["review_reviewer"].notna()
        changed = table["changed_since_review"].astype("boolean").fillna(False).astype(bool)
        table["review_state"] = np.where(
            changed, "changed since review", np.where(reviewed, "reviewed", "to review")
        )
        table["known"] = (
            table.get("known_variable", pd.Series(False, index=table.index)).astype("boolean").fillna(False)
        )
        return table

    def row(self, mag_bin: str, source_id: str) -> dict[str, Any] | None:
        hit = self.candidates[
            (self.candidates["mag_bin"] == mag_bin) & (self.candidates["source_id"] == source_id)
        ]
        return None if hit.empty else hit.iloc[0].to_dict()

    def options(self, mag_bin: str) -> StageOptions:
        if mag_bin not in self._options:
            self._options[mag_bin] = stage_options(self.results_dir, mag_bin)
        return self._options[mag_bin]

    def views(self, row: dict[str, Any]) -> dict[str, Any]:
        """The candidate's figures (recomputed once, then cached; at most ``cache_size`` candidates)."""
        key = (row["mag_bin"], row["source_id"])
        if key in self._views:
            self._views.move_to_end(key)
            return self._views[key]
        options = self.options(row["mag_bin"])
        lc, status = load_points(resolve_path(row["path"], self.results_dir), options)
        out: dict[str, Any] = {}
        if lc is None or status != "ok":
            out["lightcurve"] = figures.message_figure(f"light curve not readable: {status} ({row['path']})")
        else:
            data = dip_plot_data(lc, row, DIPS_SECTION.build(options.dips))
            out["lightcurve"] = figures.lightcurve_figure(
                data, "Light curve per data set: baseline band, triggered points, runs"
            )
            if bool(row.get("family_microlensing")):
                out["microlensing"] = figures.microlensing_figure(
                    rescan(lc, row, ANOMALY_SECTION.build(options.anomaly, pspl=options.pspl))
                )
            period, source = figures.fold_period(row)
            if np.isfinite(period):
                out["fold"] = figures.fold_figure(data.time, data.mag, data.group, period, source)
        self._views[key] = out
        while len(self._views) > self.cache_size:
            self._views.popitem(last=False)
        return out

    def save(self, mag_bin: str, source_id: str, reviewer: str, **changes: Any) -> dict[str, Any]:
        """Record a change (score, label or notes) on top of the candidate's current review."""
        row = self.row(mag_bin, source_id)
        if row is None:
            raise KeyError(f"no candidate {mag_bin}/{source_id}")
        current = self.review_of(mag_bin, source_id) or {"score": None, "label": None, "notes": ""}
        state = {**current, **changes}
        review = Review(
            source_id,
            mag_bin,
            str(row.get("candidate_type") or ""),
            str(row["fingerprint"]),
            None if state["score"] is None or pd.isna(state["score"]) else int(state["score"]),
            state["label"] or None,
            state["notes"] or "",
            reviewer,
        )
        connection = self.connection()
        try:
            record(connection, review)
        finally:
            connection.close()
        return self.review_of(mag_bin, source_id) or {}

    def review_of(self, mag_bin: str, source_id: str) -> dict[str, Any] | None:
        reviews = self.reviews()
        hit = reviews[(reviews["mag_bin"] == mag_bin) & (reviews["source_id"] == source_id)]
        if hit.empty:
            return None
        out = hit.iloc[0].to_dict()
        out["score"] = None if pd.isna(out["score"]) else int(out["score"])
        return out


def _sort_options(session: ReviewSession) -> list[dict[str, str]]:
    options = [
        {"label": "strongest evidence first", "value": "strength"},
        {"label": "source id", "value": "source_id"},
        {"label": "rule-based class score (lowest first)", "value": "class_final_score"},
    ]
    if session.predictions is not None:
        options.insert(0, {"label": "classifier uncertainty (highest entropy first)", "value": "ml_entropy"})
        options.insert(1, {"label": "classifier margin (smallest first)", "value": "ml_margin"})
    return options


def filter_queue(
    table: pd.DataFrame,
    *,
    families: list[str] | None = None,
    bins: list[str] | None = None,
    known: str = "all",
    state: str = "all",
    search: str = "",
    min_strength: float | None = None,
    max_strength: float | None = None,
    sort: str = "strength",
) -> pd.DataFrame:
    """The queue after the filters, in the chosen order (ties by bin and source id)."""
    keep = pd.Series(True, index=table.index)
    if families:
        keep &= (
            table[[f"family_{f}" for f in families if f"family_{f}" in table]]
            .astype("boolean")
            .fillna(False)
            .any(axis=1)
        )
    if bins:
        keep &= table["mag_bin"].isin(bins)
    if known in ("yes", "no"):
        keep &= table["known"] == (known == "yes")
    if state == "to review":
        keep &= table["review_state"] == "to review"
    elif state in ("reviewed", "changed since review"):
        keep &= table["review_state"] == state
    if search:
        keep &= table["source_id"].str.contains(search.strip(), regex=False)
    if min_strength is not None:
        keep &= table["strength"] >= min_strength
    if max_strength is not None:
        keep &= table["strength"] <= max_strength
    out = table[keep]
    ascending = sort in ("source_id", "class_final_score", "ml_margin")
    if sort not in out:
        sort = "strength"
    return out.sort_values(
        [sort, "mag_bin", "source_id"], ascending=[ascending, True, True], na_position="last", kind="stable"
    )


def create_app(session: ReviewSession) -> Any:
    """The Dash app of a review session (``app.run(host, port)`` serves it)."""
    import dash
    import flask
    from dash import ALL, Input, Output, State, ctx, dash_table, dcc, html

    app = dash.Dash(
        __name__,
        title="lcpipe review",
        assets_folder=str(Path(__file__).with_name("assets")),
        suppress_callback_exceptions=True,
    )

    @app.server.route("/plots/<mag_bin>/<name>")
    def plot_file(mag_bin: str, name: str):
        folder = (session.results_dir / mag_bin / "plots").resolve()
        if not name.endswith(".png") or not (folder / name).is_file():
            flask.abort(404)
        return flask.send_from_directory(folder, name)

    bins = sorted(session.candidates["mag_bin"].unique())
    strengths = session.candidates["strength"]
    lo = float(np.floor(strengths.min())) if strengths.notna().any() else 0.0
    hi = float(np.ceil(strengths.max())) if strengths.notna().any() else 1.0

    def labelled(text: str, control: Any) -> html.Div:
        return html.Div([html.Label(text, className="label"), control], className="control")

    queue_view = html.Div(
        id="queue-view",
        children=[
            html.Div(
                className="filters",
                children=[
                    labelled(
                        "family",
                        dcc.Dropdown(id="f-family", options=list(FAMILIES), multi=True, placeholder="all"),
                    ),
                    labelled("bin", dcc.Dropdown(id="f-bin", options=bins, multi=True, placeholder="all")),
                    labelled(
                        "known variable",
                        dcc.Dropdown(
                            id="f-known", options=["all", "yes", "no"], value="all", clearable=False
                        ),
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
                    labelled(
                        "to", dcc.Input(id="f-max", type="number", placeholder=f"{hi:g}", debounce=True)
                    ),
                    labelled(
                        "search id",
                        dcc.Input(id="f-search", type="text", placeholder="source id", debounce=True),
                    ),
                    labelled(
                        "order",
                        dcc.Dropdown(
                            id="f-sort",
                            options=_sort_options(session),
                            value=_sort_options(session)[0]["value"],
                            clearable=False,
                        ),
                    ),
                ],
            ),
            html.Div(id="queue-count", className="note"),
            dash_table.DataTable(
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
                    {
                        "if": {"filter_query": '{review} = "changed since review"'},
                        "backgroundColor": "#fff4e0",
                    },
                ],
                cell_selectable=True,
            ),
        ],
    )
    score_buttons = [
        html.Button(
            str(k), id={"type": "score", "value": k}, className="score-button", title=f"score {k} (key {k})"
        )
        for k in (1, 2, 3, 4)
    ]
    class_buttons = []
    for name in REVIEW_CLASSES:
        key = CLASS_KEYS[name]
        at = name.find(key)
        text = [name[:at], html.U(name[at]), name[at + 1 :]] if at >= 0 else [f"{name} ({key})"]
        class_buttons.append(
            html.Button(
                text,
                id={"type": "label", "value": name},
                className="class-button",
                title=f"key {key}",
                **{"data-key": key},
            )
        )
    candidate_view = html.Div(
        id="candidate-view",
        style={"display": "none"},
        children=[
            html.Div(
                className="nav",
                children=[
                    html.Button("← queue (Esc)", id="back", className="nav-button"),
                    html.Button("◀ previous (k)", id="prev", className="nav-button"),
                    html.Button("next (j) ▶", id="next", className="nav-button"),
                    html.Span(id="position", className="note"),
                ],
            ),
            html.H2(id="cand-title"),
            html.Div(
                className="columns",
                children=[
                    html.Div(id="cand-plots", className="plots"),
                    html.Div(
                        className="side",
                        children=[
                            html.Div(
                                className="review",
                                id="review-panel",
                                children=[
                                    html.H3("Review"),
                                    html.Div(
                                        ["score (1 not real … 4 certain): ", *score_buttons],
                                        className="buttons",
                                    ),
                                    html.Div(["class: ", *class_buttons], className="buttons"),
                                    dcc.Textarea(id="notes", placeholder="notes", className="notes"),
                                    html.Button("save notes", id="save-notes", className="nav-button"),
                                    html.Div(id="review-state", className="review-state"),
                                ],
                            ),
                            html.Div(id="cand-numbers"),
                        ],
                    ),
                ],
            ),
        ],
    )
    app.layout = html.Div(
        [
            dcc.Location(id="url"),
            dcc.Store(id="order", storage_type="session"),
            dcc.Store(id="saved"),
            html.Div(
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
            ),
            queue_view,
            candidate_view,
        ]
    )

    @app.callback(
        Output("queue-table", "data"),
        Output("queue-count", "children"),
        Output("progress", "children"),
        Output("order", "data"),
        Input("f-family", "value"),
        Input("f-bin", "value"),
        Input("f-known", "value"),
        Input("f-state", "value"),
        Input("f-min", "value"),
        Input("f-max", "value"),
        Input("f-search", "value"),
        Input("f-sort", "value"),
        Input("saved", "data"),
    )
    def update_queue(families, chosen_bins, known, state, low, high, search, sort, _saved):
        table = session.queue()
        shown = filter_queue(
            table,
            families=families,
            bins=chosen_bins,
            known=known or "all",
            state=state or "all",
            search=search or "",
            min_strength=low,
            max_strength=high,
            sort=sort or "strength",
        )
        n_reviewed = int((table["review_state"] != "to review").sum())
        rows = []
        for record_ in shown.to_dict("records"):
            rows.append(
                {
                    "source_id": record_["source_id"],
                    "mag_bin": record_["mag_bin"],
                    "candidate_type": record_.get("candidate_type", ""),
                    "strength": _fmt(record_.get("strength"), ".1f"),
                    "class_final": record_.get("class_final") or "",
                    "known": "yes" if record_.get("known") else "",
                    "review_score": _fmt(record_.get("review_score"), "d"),
                    "review_label": record_.get("review_label") or "",
                    "review_state": record_["review_state"],
                    "review": record_["review_state"],
                }
            )
        order = [[r["mag_bin"], r["source_id"]] for r in rows]
        return (
            rows,
            f"{len(rows)} of {len(table)} candidates shown; click a row to open it",
            f"{n_reviewed} reviewed of {len(table)}",
            order,
        )

    @app.callback(
        Output("url", "pathname", allow_duplicate=True),
        Input("queue-table", "active_cell"),
        State("queue-table", "derived_viewport_data"),
        prevent_initial_call=True,
    )
    def open_from_queue(cell, rows):
        if not cell or not rows or cell["row"] >= len(rows):
            return dash.no_update
        row = rows[cell["row"]]
        return candidate_path(row["mag_bin"], row["source_id"])

    @app.callback(
        Output("url", "pathname", allow_duplicate=True),
        Input("prev", "n_clicks"),
        Input("next", "n_clicks"),
        Input("back", "n_clicks"),
        State("url", "pathname"),
        State("order", "data"),
        prevent_initial_call=True,
    )
    def navigate(_prev, _next, _back, path, order):
        if ctx.triggered_id == "back":
            return "/"
        key = parse_candidate_path(path)
        order = [tuple(k) for k in (order or [])]
        if key is None or not order:
            return dash.no_update
        at = order.index(key) if key in order else -1
        step = 1 if ctx.triggered_id == "next" else -1
        target = min(max(at + step, 0), len(order) - 1)
        return candidate_path(*order[target])

    @app.callback(
        Output("queue-view", "style"),
        Output("candidate-view", "style"),
        Output("cand-title", "children"),
        Output("cand-plots", "children"),
        Output("cand-numbers", "children"),
        Output("notes", "value"),
        Output("position", "children"),
        Input("url", "pathname"),
        State("order", "data"),
    )
    def show(path, order):
        key = parse_candidate_path(path)
        hidden, shown = {"display": "none"}, {"display": "block"}
        if key is None:
            return shown, hidden, "", [], [], "", ""
        row = session.row(*key)
        if row is None:
            return hidden, shown, f"No candidate {key[1]} in bin {key[0]}", [], [], "", ""
        views = session.views(row)
        plots = [dcc.Graph(figure=views["lightcurve"], id="graph-lightcurve", config={"displaylogo": False})]
        if "microlensing" in views:
            plots.append(
                dcc.Graph(
                    figure=views["microlensing"], id="graph-microlensing", config={"displaylogo": False}
                )
            )
        if "fold" in views:
            plots.append(dcc.Graph(figure=views["fold"], id="graph-fold", config={"displaylogo": False}))
        pngs = [n for n in str(row.get("plot_files") or "").split(",") if n]
        if pngs:
            plots.append(
                html.Div(
                    [
                        "Run plots: ",
                        *[
                            html.A(
                                n, href=f"/plots/{quote(key[0])}/{quote(n)}", target="_blank", className="png"
                            )
                            for n in pngs
                        ],
                    ],
                    className="note",
                )
            )
        known = " · known variable" if bool(row.get("known_variable")) else ""
        lensing = bool(row.get("family_microlensing"))  # PSPL numbers of other candidates mean nothing
        title = f"{row['source_id']} · bin {row['mag_bin']} · {row.get('candidate_type', '')}{known}"
        numbers = [
            html.H3("Key numbers"),
            _number_table(
                [
                    (label, _fmt(row.get(c), f))
                    for c, label, f in KEY_NUMBERS
                    if c in row
                    and _fmt(row.get(c), f)
                    and (lensing or not c.startswith(("pspl_", "anomaly_")))
                ]
            ),
            html.H3("Catalog matches"),
            _number_table(
                [
                    (label, _fmt(row.get(c), f))
                    for c, label, f in CATALOG_NUMBERS
                    if c in row and _fmt(row.get(c), f)
                ]
            ),
        ]
        review = session.review_of(*key)
        order = [tuple(k) for k in (order or [])]
        position = f"{order.index(key) + 1} of {len(order)} in the queue" if key in order else ""
        return hidden, shown, title, plots, numbers, (review or {}).get("notes", ""), position

    @app.callback(
        Output("review-state", "children"),
        Output("saved", "data"),
        Input({"type": "score", "value": ALL}, "n_clicks"),
        Input({"type": "label", "value": ALL}, "n_clicks"),
        Input("save-notes", "n_clicks"),
        Input("url", "pathname"),
        State("reviewer", "value"),
        State("notes", "value"),
    )
    def review(_scores, _labels, _notes, path, reviewer, notes):
        key = parse_candidate_path(path)
        if key is None or session.row(*key) is None:
            return "", dash.no_update
        trigger = ctx.triggered_id
        saved = dash.no_update
        message = ""
        if isinstance(trigger, dict) or trigger == "save-notes":
            if not (reviewer or "").strip():
                message = "Enter your name (top right) before reviewing."
            else:
                change = {"notes": notes or ""}
                if isinstance(trigger, dict):
                    change[trigger["type"]] = trigger["value"]
                session.save(*key, reviewer, **change)
                saved = json.dumps([*key, trigger if isinstance(trigger, str) else trigger["value"]])
        current = session.review_of(*key)
        return _review_text(current, message), saved

    return app


def _number_table(pairs: list[tuple[str, str]]) -> Any:
    from dash import html

    return html.Table(
        [html.Tr([html.Td(label, className="key"), html.Td(value)]) for label, value in pairs],
        className="numbers",
    )


def _review_text(review: dict[str, Any] | None, message: str = "") -> Any:
    from dash import html

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


def serve(session: ReviewSession, host: str, port: int, open_browser: bool, debug: bool = False) -> None:
    """Run the app until interrupted (opens a browser tab unless ``open_browser`` is False)."""
    app = create_app(session)
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(f"http://{host}:{port}/",)).start()
    app.run(host=host, port=port, debug=debug)
