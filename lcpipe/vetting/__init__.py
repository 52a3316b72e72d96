"""Vetting stage: crossmatch candidates with known-variable catalogs (local VSX-style, optional SIMBAD)."""

from lcpipe.vetting.stage import VettingOptions, vet

__all__ = ["VettingOptions", "vet"]
