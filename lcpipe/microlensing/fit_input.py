"""The one way from light curves (one file, or the files of one event) to what the microlensing fit takes.

The pipeline's PSPL and scan stages, the candidate plots, the evaluation and the ``lcpipe fit`` and
``lcpipe anomaly`` commands all go through :func:`fit_input` (and :func:`load_event` for files), so
the same file gives the same fit everywhere.

Rules:

- **What is fitted.** A file that measured magnitudes (``meta["data_kind"] == "mag"``) is fitted as
  flux on :data:`~lcpipe.microlensing.photometry.FIT_ZERO_POINT`; a file that measured flux (difference
  flux included, negative values and all) is fitted in its own flux, untouched.
- **Data sets.** Each data set (``LightCurve.dataset``; one per file unless the file has a data set
  column) gets its own blend flux. Data sets of one calibrated survey (one magnitude file whose data sets
  are its cameras) share the source flux as in :func:`~lcpipe.microlensing.pspl.fit_pspl`, and only the
  dominant band is fitted. Data sets with unrelated flux units (several files, flux files, a named data
  set column) each get their own source flux and may mix bands.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from lcpipe.io import CleaningReport, load_clean
from lcpipe.lightcurve import LightCurve, dominant_band
from lcpipe.microlensing.finder import FinderOptions, find_anomalies
from lcpipe.microlensing.photometry import FIT_ZERO_POINT, mags_to_fit_flux
from lcpipe.microlensing.pspl import PSPLFit, PSPLOptions, fit_pspl
from lcpipe.microlensing.result import AnomalyResult


@dataclass(frozen=True)
class FitInput:
    """Points of one event as the microlensing fit takes them.

    Attributes
    ----------
    time, flux, flux_err : ndarray, shape (N,)
        Times (full date, days), the fitted flux and its 1-sigma error (magnitudes as flux on
        ``FIT_ZERO_POINT``; measured flux as measured).
    dataset : ndarray, shape (N,), str
        Data set of each point (the fit's groups).
    independent_scales : bool
        Data sets have unrelated flux units: each gets its own source flux.
    data_kind : str
        ``"mag"``, ``"flux"`` or ``"mixed"`` (files of both kinds).
    band : str
        The fitted band, or the bands joined by ``","``.
    source_id : str
        Source (event) identifier.
    zero_point : float or None
        Zero point of flux derived from magnitudes (None when only measured flux is fitted).
    time_frames : tuple of str
        Time frames of the files (``meta["time_frame"]``), in data set order.
    """

    time: np.ndarray = field(repr=False)
    flux: np.ndarray = field(repr=False)
    flux_err: np.ndarray = field(repr=False)
    dataset: np.ndarray = field(repr=False)
    independent_scales: bool
    data_kind: str
    band: str
    source_id: str
    zero_point: float | None
    time_frames: tuple[str, ...] = ()

    def __len__(self) -> int:
        return int(self.time.size)

    @property
    def datasets(self) -> list[str]:
        """Distinct data set labels in order of first appearance."""
        _, first = np.unique(self.dataset, return_index=True)
        return [str(self.dataset[i]) for i in np.sort(first)]

    def fit(
        self, options: PSPLOptions | None = None, p0: tuple[float, float, float] | None = None
    ) -> PSPLFit:
        """Joint PSPL fit of the data sets (:func:`~lcpipe.microlensing.pspl.fit_pspl`; default options)."""
        return fit_pspl(
            self.time, self.flux, self.flux_err, options=options or PSPLOptions(), p0=p0, group=self.dataset,
            independent_scales=self.independent_scales,
        )  # fmt: skip

    def find(self, options: FinderOptions | None = None) -> AnomalyResult:
        """Joint PSPL fit and anomaly scan (:func:`~lcpipe.microlensing.finder.find_anomalies`)."""
        return find_anomalies(
            self.time, self.flux, self.flux_err, options=options or FinderOptions(), group=self.dataset,
            independent_scales=self.independent_scales,
        )  # fmt: skip


def _fit_flux(lc: LightCurve) -> tuple[np.ndarray, np.ndarray]:
    """Measured flux as it is, magnitudes as flux on ``FIT_ZERO_POINT``, per data set for a
    ``"mixed"`` curve (``meta["dataset_kinds"]``)."""
    kind = lc.meta.get("data_kind", "mag")
    if kind == "mixed":
        kinds = lc.meta.get("dataset_kinds", {})
        measured = np.isin(lc.dataset, [name for name, value in kinds.items() if value == "flux"])
    else:
        measured = np.full(len(lc), kind == "flux")
    with np.errstate(invalid="ignore", over="ignore"):
        flux, flux_err = mags_to_fit_flux(lc.mag, lc.mag_err)
    return np.where(measured, lc.flux, flux), np.where(measured, lc.flux_err, flux_err)


def _labels(lc: LightCurve) -> np.ndarray:
    """Data set label of each point, with the band appended where a data set mixes bands."""
    labels = np.asarray(lc.dataset, dtype=str)
    out = labels.copy()
    for name in np.unique(labels):
        sel = labels == name
        if np.unique(lc.band[sel]).size > 1:
            out[sel] = np.char.add(np.char.add(labels[sel], "/"), lc.band[sel].astype(str))
    return out


def fit_input(curves: LightCurve | Sequence[LightCurve]) -> FitInput:
    """What the microlensing fit takes, from one cleaned light curve or the cleaned curves of one event.

    Parameters
    ----------
    curves : LightCurve or sequence of LightCurve
        One light curve (its ``dataset`` labels are the data sets), or one per file of an event
        (see :func:`load_event`, which labels each file's points by its file stem).

    Returns
    -------
    FitInput
        See the module docstring for which flux is fitted and which data sets share a source flux.

    Raises
    ------
    ValueError
        For an empty sequence.
    """
    many = not isinstance(curves, LightCurve)
    parts = list(curves) if many else [curves]
    if not parts:
        raise ValueError("fit_input needs at least one light curve")
    kinds = {str(lc.meta.get("data_kind", "mag")) for lc in parts}
    named = any(np.any(lc.dataset != lc.camera) for lc in parts)
    independent = (many and len(parts) > 1) or bool(kinds & {"flux", "mixed"}) or named
    if not independent:
        parts = [dominant_band(lc) for lc in parts]
    fluxes = [_fit_flux(lc) for lc in parts]
    bands = sorted({str(b) for lc in parts for b in np.unique(lc.band)})
    return FitInput(
        time=np.concatenate([np.asarray(lc.time, dtype=float) for lc in parts]),
        flux=np.concatenate([f for f, _ in fluxes]),
        flux_err=np.concatenate([e for _, e in fluxes]),
        dataset=np.concatenate([_labels(lc) for lc in parts]),
        independent_scales=bool(independent),
        data_kind=next(iter(kinds)) if len(kinds) == 1 else "mixed",
        band=",".join(bands),
        source_id=str(parts[0].meta.get("event_id", parts[0].source_id)),
        zero_point=FIT_ZERO_POINT if kinds & {"mag", "mixed"} else None,
        time_frames=tuple(str(lc.meta.get("time_frame", "unknown")) for lc in parts),
    )


def load_event(
    paths: str | Path | Sequence[str | Path],
    *,
    format: str | Sequence[str | None] | None = None,
    read_options: Mapping[str, Any] | None = None,
    cleaning: Mapping[str, Any] | None = None,
    event_id: str | None = None,
) -> tuple[list[LightCurve], str, list[CleaningReport | None]]:
    """Read and clean the files of one event, one data set per file.

    Parameters
    ----------
    paths : path or sequence of paths
        The event's files.
    format : str or sequence of (str or None), optional
        Reader of every file, or one per file (None: detected).
    read_options : mapping, optional
        Reader options applied to every file.
    cleaning : mapping, optional
        Cleaning options (:class:`lcpipe.io.CleaningOptions` fields).
    event_id : str, optional
        Identifier of the event (``meta["event_id"]`` of every curve); default the source id of a single
        file, the first file's stem for several.

    Returns
    -------
    curves : list of LightCurve
        The cleaned curves (those with points), each file's points labelled by its file stem (its
        file name when stems repeat, as in ``lc.moa2r``, ``lc.ftni``) unless the file has a data set
        column (then ``"<stem>:<label>"``).
    status : str
        ``"ok"``, or ``"<file>: <status>"`` of the first file that could not be read or kept no point.
    reports : list of CleaningReport or None
        Cleaning counts per file (None for a file that could not be read).
    """
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    formats = list(format) if isinstance(format, (list, tuple)) else [format] * len(paths)
    if len(formats) != len(paths):
        raise ValueError(f"load_event: {len(formats)} formats for {len(paths)} files")
    stems = [Path(p).stem for p in paths]
    names = stems if len(set(stems)) == len(stems) else [Path(p).name for p in paths]
    curves, reports, status = [], [], "ok"
    for path, fmt, name in zip(paths, formats, names, strict=True):
        lc, file_status, report = load_clean(path, format=fmt, read_options=read_options, cleaning=cleaning)
        reports.append(report)
        if lc is None or file_status != "ok":
            status = f"{Path(path).name}: {file_status}" if status == "ok" else status
            continue
        stem = name if len(paths) > 1 else lc.source_id
        if "dataset" in lc.meta.get("columns_used", {}):
            labels = np.char.add(f"{stem}:", lc.dataset.astype(str)) if len(paths) > 1 else lc.dataset
        else:
            labels = np.full(len(lc), stem) if len(paths) > 1 else lc.dataset
        lc = _relabel(lc, labels, event_id or (lc.source_id if len(paths) == 1 else Path(paths[0]).stem))
        curves.append(lc)
    return curves, status, reports


def _relabel(lc: LightCurve, labels: np.ndarray, event_id: str) -> LightCurve:
    return replace(lc, dataset=np.asarray(labels, dtype=str), meta={**lc.meta, "event_id": event_id})
