"""Figures for PNG files: one Agg canvas per figure, no pyplot state, a figure reused between plots."""

from __future__ import annotations

from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def new_figure(width: float, height: float, figure: Figure | None = None) -> Figure:
    """A cleared figure of ``width`` x ``height`` inches on an Agg canvas: ``figure`` reused when given.

    Reusing one figure for every plot of a stage saves building a canvas per PNG; nothing needs closing
    and plotting is safe in worker processes.
    """
    if figure is None:
        figure = Figure()
        FigureCanvasAgg(figure)
    else:
        figure.clear()
    figure.set_layout_engine(None)
    figure.set_size_inches(width, height)
    return figure


def save_png(figure: Figure, path: str | Path, dpi: int) -> Path:
    """Write ``figure`` as PNG at ``dpi`` to ``path`` (parent folders created); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=dpi)
    return path
