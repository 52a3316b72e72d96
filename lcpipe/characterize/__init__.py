"""Characterize candidates: Galactic coordinates, Gaia-like crossmatch with proper motions, derived quantities.

May import lcpipe.io, lcpipe.lightcurve and lcpipe.tables; the characterize stage is lcpipe.stages.catalogs.
"""

from lcpipe.characterize.remote import OnlineCatalogError
from lcpipe.characterize.candidates import CharacterizeOptions, characterize

__all__ = ["CharacterizeOptions", "OnlineCatalogError", "characterize"]
