"""Magnitude bins named ``"<lo>_<hi>"``: their limits, and the bin of a median magnitude."""

from __future__ import annotations

import numpy as np

from lcpipe.manifest.entries import ManifestError


def bin_limits(mag_bin: str) -> tuple[float, float]:
    """Magnitude limits ``[lo, hi)`` encoded in a bin name ``"<lo>_<hi>"`` (e.g. ``"12.5_13"``).

    Raises
    ------
    ManifestError
        If the name is not two increasing numbers joined by ``_``.
    """
    try:
        lo, hi = (float(part) for part in mag_bin.split("_"))
    except ValueError:
        raise ManifestError(
            f"bin name {mag_bin!r} is not '<lo>_<hi>' in magnitudes (e.g. '12.5_13')"
        ) from None
    if not lo < hi:
        raise ManifestError(f"bin name {mag_bin!r}: lower limit {lo:g} is not below upper limit {hi:g}")
    return lo, hi


def bin_of(median_mag: np.ndarray, bins: list[str]) -> np.ndarray:
    """Bin name of each median magnitude (``""`` outside every bin or NaN); the first bin that holds it.

    Parameters
    ----------
    median_mag : ndarray, shape (M,)
        Median magnitudes (mag), NaN when unknown.
    bins : list of str
        Bin names ``"<lo>_<hi>"``; a magnitude belongs to ``[lo, hi)``.
    """
    median_mag = np.asarray(median_mag, dtype=float)
    out = np.full(median_mag.shape, "", dtype=object)
    for name in bins:
        lo, hi = bin_limits(name)
        with np.errstate(invalid="ignore"):
            out[(out == "") & (median_mag >= lo) & (median_mag < hi)] = name
    return out
