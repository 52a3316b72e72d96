"""The one light-curve type every reader returns and every stage consumes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

#: ln(10) / 2.5: d(flux)/flux per magnitude.
MAG_TO_FLUX_ERR = 0.4 * np.log(10.0)


def mag_to_flux(mag: np.ndarray, mag_err: np.ndarray, zero_point: float) -> tuple[np.ndarray, np.ndarray]:
    """Convert magnitudes to linear flux on the given zero point.

    Parameters
    ----------
    mag, mag_err : ndarray, shape (N,)
        Magnitudes and their 1-sigma errors (mag).
    zero_point : float
        Magnitude of unit flux: ``F = 10**(-0.4 (m - zero_point))``.

    Returns
    -------
    flux, flux_err : ndarray, shape (N,)
        Flux and its first-order error ``0.4 ln10 F sigma_m``.
    """
    flux = 10.0 ** (-0.4 * (np.asarray(mag, dtype=float) - zero_point))
    return flux, MAG_TO_FLUX_ERR * flux * np.asarray(mag_err, dtype=float)


def flux_to_mag(flux: np.ndarray, flux_err: np.ndarray, zero_point: float) -> tuple[np.ndarray, np.ndarray]:
    """Convert linear flux to magnitudes; non-positive flux gives NaN.

    Parameters
    ----------
    flux, flux_err : ndarray, shape (N,)
        Flux and its 1-sigma error (any linear unit).
    zero_point : float
        Magnitude of unit flux.

    Returns
    -------
    mag, mag_err : ndarray, shape (N,)
    """
    flux = np.asarray(flux, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        positive = flux > 0
        mag = np.where(positive, zero_point - 2.5 * np.log10(np.where(positive, flux, 1.0)), np.nan)
        mag_err = np.where(positive, np.asarray(flux_err, dtype=float) / (MAG_TO_FLUX_ERR * flux), np.nan)
    return mag, mag_err


#: Names of the per-point arrays of a :class:`LightCurve`, each of shape (N,).
POINT_ARRAYS = (
    "time", "mag", "mag_err", "flux", "flux_err", "camera", "band", "good", "saturated", "dataset",
)  # fmt: skip


@dataclass(frozen=True)
class LightCurve:
    """Photometry of one source, time-ordered as read (readers do not sort; see ``sorted``).

    Attributes
    ----------
    time : ndarray, shape (N,), float64
        Absolute time in days (HJD/BJD/JD as the file gives it). ``meta["time_offset"]`` records
        what the reader added to the file's column (2450000 for ASAS-SN ``.dat2``).
    mag, mag_err : ndarray, shape (N,), float64
        Magnitudes and 1-sigma errors; NaN where the file gave only flux and it was not positive.
    flux, flux_err : ndarray, shape (N,), float64
        Linear flux on the zero point ``meta["zero_point"]``, derived from magnitudes when the
        file had none (and the other way round).
    camera : ndarray, shape (N,), str
        Camera (or telescope/observatory) label per point; a single label for one-camera data.
    band : ndarray, shape (N,), str
        Photometric band per point (e.g. ``"V"``, ``"g"``, ``"I"``).
    good : ndarray, shape (N,), bool
        Quality flag after the reader's quality policy (True = usable).
    saturated : ndarray, shape (N,), bool
        Saturation flag (False when the format has none).
    dataset : ndarray, shape (N,), str
        Data set label per point: the unit that gets its own baseline offset and flux scale (a camera,
        an observatory's file, a survey, an AAVSO observer). Equal to ``camera`` unless the reader or
        the caller names data sets.
    meta : dict
        Source metadata: ``source_id``, ``ra``, ``dec`` (deg, NaN if unknown), ``mag_bin``,
        ``path``, ``format``, ``time_offset``, ``zero_point``, ``data_kind`` (``"mag"`` when the file
        measured magnitudes, ``"flux"`` when it measured flux) and any header cross-IDs.
    """

    time: np.ndarray
    mag: np.ndarray
    mag_err: np.ndarray
    flux: np.ndarray
    flux_err: np.ndarray
    camera: np.ndarray
    band: np.ndarray
    good: np.ndarray
    saturated: np.ndarray
    dataset: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.time.size)

    @property
    def source_id(self) -> str:
        """Identifier of the source (``meta["source_id"]``, as a string)."""
        return str(self.meta.get("source_id", ""))

    @property
    def cameras(self) -> list[str]:
        """Distinct camera labels in order of first appearance."""
        _, first = np.unique(self.camera, return_index=True)
        return [str(self.camera[i]) for i in np.sort(first)]

    @property
    def datasets(self) -> list[str]:
        """Distinct data set labels in order of first appearance."""
        _, first = np.unique(self.dataset, return_index=True)
        return [str(self.dataset[i]) for i in np.sort(first)]

    def select(self, mask: np.ndarray) -> LightCurve:
        """Return the points where ``mask`` (bool or index array, shape (N,)) selects them."""
        arrays = {name: getattr(self, name)[mask] for name in POINT_ARRAYS}
        return replace(self, **arrays)

    def sorted(self) -> LightCurve:
        """Return the light curve in time order (stable sort)."""
        return self.select(np.argsort(self.time, kind="stable"))


def make_lightcurve(
    time: np.ndarray,
    *,
    mag: np.ndarray | None = None,
    mag_err: np.ndarray | None = None,
    flux: np.ndarray | None = None,
    flux_err: np.ndarray | None = None,
    camera: np.ndarray | str = "0",
    band: np.ndarray | str = "",
    dataset: np.ndarray | str | None = None,
    good: np.ndarray | None = None,
    saturated: np.ndarray | None = None,
    zero_point: float = 22.0,
    meta: dict[str, Any] | None = None,
) -> LightCurve:
    """Build a :class:`LightCurve`, deriving flux from magnitudes or magnitudes from flux.

    Parameters
    ----------
    time : array_like, shape (N,)
        Absolute time in days.
    mag, mag_err : array_like, shape (N,), optional
        Magnitudes and errors (mag). Given without flux, flux is derived on ``zero_point``.
    flux, flux_err : array_like, shape (N,), optional
        Linear flux and error. Given without magnitudes, magnitudes are derived on ``zero_point``
        (NaN where flux is not positive). When both kinds are given both are kept as they are.
    camera, band : array_like of str, shape (N,), or str
        Per-point labels, or one label broadcast to every point.
    dataset : array_like of str, shape (N,), or str, optional
        Per-point data set labels (one label is broadcast); default: the camera labels.
    good, saturated : array_like of bool, shape (N,), optional
        Quality and saturation flags; default all good, none saturated.
    zero_point : float
        Magnitude of unit flux, stored in ``meta["zero_point"]``.
    meta : dict, optional
        Source metadata (copied). ``data_kind`` defaults to ``"flux"`` when only fluxes are given and
        to ``"mag"`` otherwise.

    Returns
    -------
    LightCurve
    """
    time = np.asarray(time, dtype=np.float64)
    n = time.size
    if mag is None and flux is None:
        raise ValueError("make_lightcurve needs magnitudes or fluxes")
    if mag is not None:
        mag = np.asarray(mag, dtype=np.float64)
        mag_err = np.full(n, np.nan) if mag_err is None else np.asarray(mag_err, dtype=np.float64)
    if flux is not None:
        flux = np.asarray(flux, dtype=np.float64)
        flux_err = np.full(n, np.nan) if flux_err is None else np.asarray(flux_err, dtype=np.float64)
    for name, given in (("mag", mag), ("mag_err", mag_err), ("flux", flux), ("flux_err", flux_err)):
        if given is not None and given.shape != (n,):
            raise ValueError(f"make_lightcurve: {name} has shape {given.shape}, expected ({n},) like time")
    data_kind = "flux" if mag is None else "mag"
    if flux is None:
        flux, flux_err = mag_to_flux(mag, mag_err, zero_point)
    elif mag is None:
        mag, mag_err = flux_to_mag(flux, flux_err, zero_point)
    labels = {}
    for name, value in (("camera", camera), ("band", band), ("dataset", dataset)):
        if value is None:
            continue
        labels[name] = np.full(n, value) if isinstance(value, str) else np.asarray(value)
        if labels[name].dtype.kind != "U":
            labels[name] = labels[name].astype(str)
    labels.setdefault("dataset", labels["camera"])
    good = np.ones(n, dtype=bool) if good is None else np.asarray(good, dtype=bool)
    saturated = np.zeros(n, dtype=bool) if saturated is None else np.asarray(saturated, dtype=bool)
    for name, arr in (("camera", labels["camera"]), ("band", labels["band"]), ("good", good),
                      ("saturated", saturated), ("dataset", labels["dataset"])):  # fmt: skip
        if arr.shape != (n,):
            raise ValueError(f"make_lightcurve: {name} has shape {arr.shape}, expected ({n},) like time")
    return LightCurve(
        time=time,
        mag=mag,
        mag_err=mag_err,
        flux=flux,
        flux_err=flux_err,
        camera=labels["camera"],
        band=labels["band"],
        good=good,
        saturated=saturated,
        dataset=labels["dataset"],
        meta={"data_kind": data_kind, **(meta or {}), "zero_point": float(zero_point)},
    )


def dominant_band(lc: LightCurve) -> LightCurve:
    """The points of the band with the most points, shape (M,) of the (N,) points (a fit with one
    shared source flux must not mix V and g)."""
    bands, counts = np.unique(lc.band, return_counts=True)
    if bands.size <= 1:
        return lc
    return lc.select(lc.band == bands[np.argmax(counts)])
