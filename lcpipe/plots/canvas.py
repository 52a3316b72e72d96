"""Figures for PNG files: Agg canvases without pyplot state, set up once per layout and reused.

Building a figure's axes (their ticks, spines and labels) costs more than drawing a light curve on them,
so :class:`FigureCache` keeps one figure with its axes per layout and, for the next plot of that layout,
only removes what the previous plot drew. Nothing needs closing and plotting is safe in worker processes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: zlib level of the PNGs: 1 encodes several times faster than the default 6 and the files of line
#: plots stay small.
PNG_COMPRESSION = 1


def _reset(ax: Axes) -> None:
    """Remove what a plot drew on ``ax`` and restore autoscaling; its ticks and spines stay."""
    for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.texts]:
        artist.remove()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    ax.set_title("")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.yaxis.set_inverted(False)
    ax.set_autoscale_on(True)
    ax.relim()


class FigureCache:
    """One figure with its axes per layout key, reused from one plot to the next.

    ``axes(key, width, height, make)`` returns the figure of ``key`` (``width`` x ``height`` inches)
    and its axes (ndarray), built by ``make(figure)`` the first time and cleared of the previous plot's
    artists, legends and titles afterwards.
    """

    def __init__(self) -> None:
        self._layouts: dict[Hashable, tuple[Figure, np.ndarray]] = {}

    def axes(
        self, key: Hashable, width: float, height: float, make: Callable[[Figure], np.ndarray | Axes]
    ) -> tuple[Figure, np.ndarray]:
        """The figure and axes of layout ``key`` (see the class docstring)."""
        if key not in self._layouts:
            figure = Figure(figsize=(width, height))
            FigureCanvasAgg(figure)
            self._layouts[key] = (figure, np.atleast_1d(np.asarray(make(figure), dtype=object)))
            return self._layouts[key]
        figure, axes = self._layouts[key]
        for artist in [*figure.legends, *figure.texts]:
            artist.remove()
        figure.suptitle("")
        for ax in axes.flat:
            _reset(ax)
        return figure, axes


def save_png(figure: Figure, path: str | Path, dpi: int) -> Path:
    """Write ``figure`` as PNG at ``dpi`` to ``path`` (parent folders created); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=dpi, pil_kwargs={"compress_level": PNG_COMPRESSION})
    return path
