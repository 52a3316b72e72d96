"""Deterministic simulated surveys with injected truth: the demo input and the injection-recovery source.

May import lcpipe.tables only (it writes files in the formats the readers take, without reading them).

- :func:`simulate_survey` writes an ASAS-SN-style tree (``.dat2`` light curves in magnitude-bin folders,
  index CSVs, ``truth.parquet``, Gaia-like and VSX-like catalogs).
- :func:`simulate_roman` makes Roman-style flux light curves of microlensing events, in memory or on disk.
- :mod:`lcpipe.simulate.signals` holds the noiseless signal models, reusable for injection-recovery.
"""

from __future__ import annotations

from lcpipe.simulate.injections import KINDS, AnomalyCriteria, Injection, InjectionRanges
from lcpipe.simulate.noise import RomanNoise, SurveyNoise
from lcpipe.simulate.signals import (
    binary_lens_magnification,
    blended_flux_factor,
    eclipsing_binary,
    flare,
    pspl_magnification,
    skew_normal_dip,
)
from lcpipe.simulate.survey import SurveySimOptions, SurveyTree, simulate_survey

__all__ = [
    "KINDS",
    "AnomalyCriteria",
    "Injection",
    "InjectionRanges",
    "RomanNoise",
    "SurveyNoise",
    "SurveySimOptions",
    "SurveyTree",
    "binary_lens_magnification",
    "blended_flux_factor",
    "eclipsing_binary",
    "flare",
    "pspl_magnification",
    "simulate_survey",
    "skew_normal_dip",
]
