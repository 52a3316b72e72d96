"""The review app (Dash): a queue of every candidate of a run, a candidate view, and the review panel.

URLs: ``/`` is the queue, ``/candidate/<mag_bin>/<source_id>`` a candidate (so a reload or a shared link
opens the same candidate), ``/plots/<mag_bin>/<file>`` serves the run's PNGs. Keyboard (outside text
fields, ``assets/keys.js``): ``1``–``4`` score, the underlined letter of a class button sets the class,
``j``/``→`` next and ``k``/``←`` previous candidate of the filtered queue, ``Esc`` back to the queue.
Every score or class change is written to the store at once, signed with the reviewer's name.
"""

from __future__ import annotations

import json
from pathlib import Path

import dash
import flask
from dash import ALL, Input, Output, State, ctx

from lcpipe.review.layout import candidate_numbers, candidate_plots, page, queue_rows, review_text
from lcpipe.review.session import ReviewSession, candidate_path, filter_queue, parse_candidate_path

__all__ = ["ReviewSession", "create_app", "serve"]


def create_app(session: ReviewSession) -> dash.Dash:
    """The Dash app of a review session (``app.run(host, port)`` serves it)."""
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

    app.layout = page(session)
    add_queue_callbacks(app, session)
    add_navigation_callbacks(app)
    add_candidate_callbacks(app, session)
    add_review_callbacks(app, session)
    return app


def add_queue_callbacks(app: dash.Dash, session: ReviewSession) -> None:
    """The queue follows the filters and every saved review; a clicked row opens its candidate."""

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
        rows = queue_rows(shown)
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


def add_navigation_callbacks(app: dash.Dash) -> None:
    """Previous, next and back buttons (and their keys) move through the filtered queue."""

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


def add_candidate_callbacks(app: dash.Dash, session: ReviewSession) -> None:
    """A candidate URL shows its view (figures, numbers, notes, position), any other URL the queue."""

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
        plots = candidate_plots(session.views(row), row)
        known = " · known variable" if bool(row.get("known_variable")) else ""
        title = f"{row['source_id']} · bin {row['mag_bin']} · {row.get('candidate_type', '')}{known}"
        numbers = candidate_numbers(row)
        review = session.review_of(*key)
        order = [tuple(k) for k in (order or [])]
        position = f"{order.index(key) + 1} of {len(order)} in the queue" if key in order else ""
        return hidden, shown, title, plots, numbers, (review or {}).get("notes", ""), position


def add_review_callbacks(app: dash.Dash, session: ReviewSession) -> None:
    """A score, class or notes click is saved at once, signed with the reviewer's name."""

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
        return review_text(current, message), saved


def serve(session: ReviewSession, host: str, port: int, open_browser: bool, debug: bool = False) -> None:
    """Run the app until interrupted (opens a browser tab unless ``open_browser`` is False)."""
    app = create_app(session)
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(f"http://{host}:{port}/",)).start()
    app.run(host=host, port=port, debug=debug)
