"""lcpipe: event search in survey light curves (microlensing anomalies and Bayesian dips).

``LightCurve`` and ``read_lightcurve`` are loaded on first use, so that ``import lcpipe`` (and every
``lcpipe.<module>`` import, the command line's start-up among them) costs no numpy or pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lcpipe._lazy import lazy_getattr
from lcpipe._version import __version__

if TYPE_CHECKING:
    from lcpipe.io import read_lightcurve
    from lcpipe.lightcurve import LightCurve

__all__ = ["LightCurve", "__version__", "read_lightcurve"]

#: Public names loaded on first access → the module that defines them.
_LAZY = {"LightCurve": "lcpipe.lightcurve", "read_lightcurve": "lcpipe.io"}

__getattr__ = lazy_getattr(__name__, _LAZY)
