"""Vetting: flag candidates that are known variables (local VSX-style catalog, optional SIMBAD).

May import lcpipe.characterize, lcpipe.io, lcpipe.lightcurve; the vetting stage is lcpipe.stages.catalogs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lcpipe._lazy import lazy_getattr

if TYPE_CHECKING:
    from lcpipe.vetting.candidates import VettingOptions, vet

__all__ = ["VettingOptions", "vet"]

#: Public names → the module that defines them, imported on first access (PEP 562), so that importing
#: one submodule (such as the VSX matcher of the tag stage) does not load astroquery with the whole package.
_LAZY = {
    "VettingOptions": "lcpipe.vetting.candidates",
    "vet": "lcpipe.vetting.candidates",
}

__getattr__ = lazy_getattr(__name__, _LAZY)
