"""Characterize candidates: Galactic coordinates, Gaia-like crossmatch with proper motions, derived values.

May import lcpipe.io, lcpipe.lightcurve and lcpipe.tables; the characterize stage is lcpipe.stages.catalogs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lcpipe._lazy import lazy_getattr

if TYPE_CHECKING:
    from lcpipe.characterize.candidates import CharacterizeOptions, characterize
    from lcpipe.characterize.remote import OnlineCatalogError

__all__ = ["CharacterizeOptions", "OnlineCatalogError", "characterize"]

#: Public names → the module that defines them, imported on first access (PEP 562), so that importing
#: one submodule (such as the catalog reader) does not load astropy and astroquery with the whole package.
_LAZY = {
    "CharacterizeOptions": "lcpipe.characterize.candidates",
    "characterize": "lcpipe.characterize.candidates",
    "OnlineCatalogError": "lcpipe.characterize.remote",
}

__getattr__ = lazy_getattr(__name__, _LAZY)
