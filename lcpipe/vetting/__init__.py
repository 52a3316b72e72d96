"""Vetting: flag candidates that are known variables (local VSX-style catalog, optional SIMBAD).

May import lcpipe.characterize, lcpipe.io, lcpipe.lightcurve; the vetting stage is lcpipe.stages.catalogs.
"""

from lcpipe.vetting.candidates import VettingOptions, vet

__all__ = ["VettingOptions", "vet"]
