"""Characterize stage: Galactic coordinates, Gaia-like crossmatch with proper motions, derived quantities."""

from lcpipe.characterize.remote import OnlineCatalogError
from lcpipe.characterize.stage import CharacterizeOptions, characterize

__all__ = ["CharacterizeOptions", "OnlineCatalogError", "characterize"]
