"""Characterize candidates: Galactic coordinates, Gaia-like crossmatch with proper motions, derived values.

May import lcpipe.io, lcpipe.lightcurve and lcpipe.tables; the characterize stage is lcpipe.stages.catalogs.
"""

from lcpipe.characterize.candidates import CharacterizeOptions, characterize
from lcpipe.characterize.remote import OnlineCatalogError

__all__ = ["CharacterizeOptions", "OnlineCatalogError", "characterize"]
