"""lcpipe: event search in survey light curves (microlensing anomalies and Bayesian dips)."""

from lcpipe._version import __version__
from lcpipe.io import read_lightcurve
from lcpipe.lightcurve import LightCurve

__all__ = ["LightCurve", "__version__", "read_lightcurve"]
