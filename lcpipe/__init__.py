"""lcpipe: event search in survey light curves (microlensing anomalies and Bayesian dips)."""

from lcpipe._version import __version__
from lcpipe.lightcurve import LightCurve

__all__ = ["LightCurve", "__version__"]
