"""What the anomaly finder returns for one light curve, and its summaries."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.kernels.scan_grid import ScanGrid
from lcpipe.kernels.window_quality import QUALITY_COLUMNS, SUPPORT_COLUMNS
from lcpipe.microlensing.datasets import carrying
from lcpipe.microlensing.pspl import PSPLFit
from lcpipe.microlensing.score import ClusterScore
from lcpipe.microlensing.verdict import Verdict

#: Columns of the cluster table, in order (see :meth:`AnomalyResult.clusters_frame`).
CLUSTER_COLUMNS = (
    "season",
    "t0",
    "teff",
    "dchi2",
    "template",
    *(column for column in QUALITY_COLUMNS if column != "dchi2_window"),
    "accepted",
    "reject_reason",
)
_BEST_FIELDS = ("t0", "teff", "dchi2", "template", *SUPPORT_COLUMNS)
_NAN_SCORE = ClusterScore(float("nan"), float("nan"), float("nan"), 0, 0, "none")
_NO_VERDICT = Verdict(False, "not_scanned", None)


@dataclass(frozen=True)
class AnomalyResult:
    """Anomaly search of one light curve: PSPL fit, residual scan, clusters and the best candidate.

    Attributes
    ----------
    status : str
        ``ok`` or why the scan could not run (the fit's status, e.g. ``too_few_points``).
    fit : PSPLFit
        The single-lens fit the residuals are taken from.
    error_scale : float
        Factor applied to the flux errors after the fit (1 when rescaling is off, NaN if undefined).
    time, flux, flux_err, residuals : ndarray, shape (N,)
        The scanned points (time-sorted; errors after rescaling) and ``flux - model``.
    grid : ScanGrid or None
        Grid of the scan (None when it did not run).
    n_active : int
        Grid points whose window held enough points to be scored.
    clusters : DataFrame
        One row per cluster (columns :data:`CLUSTER_COLUMNS`), per season in decreasing delta
        chi-square; the window of each is ``|t - t0| < half_width * teff``.
    best : int or None
        Row of ``clusters`` of the best candidate (accepted, largest delta chi-square).
    best_score : ClusterScore
        Score of the best candidate (NaN fields when there is none).
    top : int or None
        Row of the largest delta chi-square cluster, accepted or not.
    top_score : ClusterScore
        Its score.
    timings : dict
        Wall-clock seconds of ``fit``, ``scan``, ``clusters`` (clusters, quality, criteria, score),
        ``null`` (the verdict's null realisations) and ``total``.
    group : ndarray, shape (N,), int64, optional
        Data set code of each scanned point (the fit's group codes).
    dataset_labels : ndarray, shape (K,), str, optional
        Label of each data set code.
    dataset_error_scales : ndarray, shape (K,), optional
        Error factor of each data set.
    support : dict, optional
        ``"best"`` and ``"top"``: the :func:`lcpipe.microlensing.datasets.dataset_support` table of
        that cluster (which data sets carry it).
    verdict : Verdict or None
        False-alarm probability of the best cluster and the decision (None when nothing was scanned).
    """

    status: str
    fit: PSPLFit
    error_scale: float
    time: np.ndarray = field(repr=False)
    flux: np.ndarray = field(repr=False)
    flux_err: np.ndarray = field(repr=False)
    residuals: np.ndarray = field(repr=False)
    grid: ScanGrid | None = field(repr=False)
    n_active: int
    clusters: pd.DataFrame = field(repr=False)
    best: int | None
    best_score: ClusterScore
    top: int | None
    top_score: ClusterScore
    timings: dict[str, float]
    group: np.ndarray | None = field(default=None, repr=False)
    dataset_labels: np.ndarray | None = field(default=None, repr=False)
    dataset_error_scales: np.ndarray | None = field(default=None, repr=False)
    support: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    verdict: Verdict | None = None

    @property
    def has_candidate(self) -> bool:
        """True when the best cluster is rare in the event's own null (:mod:`lcpipe.microlensing.verdict`)."""
        return self.verdict is not None and self.verdict.has_candidate

    @property
    def n_seasons(self) -> int:
        """Number of seasons scanned."""
        return 0 if self.grid is None else self.grid.n_seasons

    @property
    def grid_size(self) -> int:
        """Number of grid points (scored or implicitly 0)."""
        return 0 if self.grid is None else self.grid.size

    def clusters_frame(self) -> pd.DataFrame:
        """The cluster table (a copy), e.g. for a per-source side file."""
        return self.clusters.copy()

    def _cluster_fields(self, row: int | None, prefix: str) -> dict[str, Any]:
        if row is None:
            return {f"{prefix}{name}": (-1 if name == "template" else math.nan) for name in _BEST_FIELDS}
        record = self.clusters.iloc[row]
        return {f"{prefix}{name}": _plain(record[name]) for name in _BEST_FIELDS}

    @staticmethod
    def _score_fields(score: ClusterScore, prefix: str) -> dict[str, Any]:
        return {
            f"{prefix}score": score.score,
            f"{prefix}score_median": score.median,
            f"{prefix}score_scale": score.scale,
            f"{prefix}score_n_reference": score.n_reference,
        }

    def _dataset_fields(self) -> dict[str, Any]:
        """``n_datasets``, ``error_scales`` (``"label=factor,..."``) and, for the best and the top
        cluster, the data sets carrying it (``*_datasets``, share >= 10 %, largest first) and the main
        one with its share of the delta chi-square."""
        labels = [] if self.dataset_labels is None else [str(x) for x in self.dataset_labels]
        scales = [] if self.dataset_error_scales is None else list(self.dataset_error_scales)
        out: dict[str, Any] = {
            "n_datasets": len(labels) if labels else int(self.fit.n_groups),
            "error_scales": ",".join(
                f"{name}={factor:.4g}" for name, factor in zip(labels, scales, strict=False)
            ),
        }
        for prefix in ("best", "top"):
            table = self.support.get(prefix)
            empty = table is None or table.empty
            out[f"{prefix}_datasets"] = "" if empty else ",".join(carrying(table))
            out[f"{prefix}_main_dataset"] = "" if empty else str(table["dataset"].iloc[0])
            out[f"{prefix}_main_share"] = math.nan if empty else float(table["share"].iloc[0])
        return out

    def summary_dict(self) -> dict[str, Any]:
        """Plain-Python summary: status, candidate, best cluster, PSPL parameters, counts, timings."""
        out: dict[str, Any] = {
            "status": self.status,
            "has_candidate": self.has_candidate,
            **self._cluster_fields(self.best, "best_"),
            **self._score_fields(self.best_score, "best_"),
            "top_t0": self._cluster_fields(self.top, "")["t0"],
            "top_teff": self._cluster_fields(self.top, "")["teff"],
            "top_dchi2": self._cluster_fields(self.top, "")["dchi2"],
            "top_score": self.top_score.score,
            **self.fit.to_row("pspl_"),
            "error_scale": self.error_scale,
            "n_points": int(self.time.size),
            "n_seasons": self.n_seasons,
            "grid_size": self.grid_size,
            "n_active": self.n_active,
            "n_clusters": len(self.clusters),
            "n_accepted": int(self.clusters["accepted"].sum()) if len(self.clusters) else 0,
            **self._dataset_fields(),
            **(self.verdict or _NO_VERDICT).to_row(),
        }
        out.update({f"time_{k}_s": v for k, v in self.timings.items()})
        return {k: _plain(v) for k, v in out.items()}

    def to_row(self) -> dict[str, Any]:
        """Flat scalars for one row of a per-source table (same keys as :meth:`summary_dict`)."""
        return self.summary_dict()

    def summary_table(self) -> pd.DataFrame:
        """The summary as a one-row DataFrame."""
        return pd.DataFrame([self.summary_dict()])

    def summary_text(self) -> str:
        """Human-readable summary."""
        d = self.summary_dict()
        lines = [
            f"status            {d['status']}",
            f"PSPL fit          t0={d['pspl_t0']:.4f} tE={d['pspl_tE']:.4f} u0={d['pspl_u0']:.5f} "
            f"chi2/dof={d['pspl_chi2_dof']:.3f} ({d['pspl_status']})",
            f"error scale       {d['error_scale']:.4f}",
            f"grid              {d['grid_size']} points over {d['n_seasons']} seasons, "
            f"{d['n_active']} scored",
            f"clusters          {d['n_clusters']} ({d['n_accepted']} pass the criteria)",
        ]
        if self.best is not None:
            bound = "<=" if d["best_fap_is_bound"] else "="
            lines += [
                f"best candidate    t0={d['best_t0']:.4f} teff={d['best_teff']:.6g} "
                f"dchi2={d['best_dchi2']:.3f} "
                f"score={d['best_score']:.2f}",
                f"  verdict         {'candidate' if self.has_candidate else 'no candidate'}"
                f"{'' if self.has_candidate else ' (' + d['verdict_reason'] + ')'}: FAP "
                f"{d['best_fap']:.3g} (log10 {d['best_log10_fap']:.2f}; event null: {bound} "
                f"{d['best_fap_event']:.3g}, log10 {d['best_log10_fap_event']:.2f}, {d['n_null']} "
                f"realisations, {d['n_null_exceed']} as strong)",
                f"  score refs      median={d['best_score_median']:.3f} scale={d['best_score_scale']:.3f} "
                f"n={d['best_score_n_reference']}",
                f"  support         n_window={d['best_n_window']} n_contrib={d['best_n_contrib']} "
                f"n_eff={d['best_n_eff']:.2f} peak_frac={d['best_peak_frac']:.3f} rho1={d['best_rho1']:.3f} "
                f"longest_run={d['best_longest_run']}",
            ]
        else:
            lines.append("best candidate    none")
            if self.top is not None:
                lines.append(
                    f"  largest cluster t0={d['top_t0']:.4f} teff={d['top_teff']:.6g} "
                    f"dchi2={d['top_dchi2']:.3f} "
                    f"({self.clusters['reject_reason'].iloc[self.top]})"
                )
        if d["n_datasets"] > 1:
            lines.append(f"data sets         {d['n_datasets']}; error scales {d['error_scales']}")
            for prefix in ("best", "top"):
                table = self.support.get(prefix)
                if table is not None and not table.empty and (prefix == "best" or self.top != self.best):
                    parts = ", ".join(
                        f"{r.dataset} {r.dchi2_joint:.1f} ({r.n_window} pts)" for r in table.itertuples()
                    )
                    lines.append(f"  {prefix} by data set  {parts}")
        lines.append("timings           " + " ".join(f"{k}={v * 1e3:.1f}ms" for k, v in self.timings.items()))
        return "\n".join(lines)

    def print_summary(self) -> None:
        """Print :meth:`summary_text`."""
        print(self.summary_text())

    def to_json(self) -> str:
        """:meth:`summary_dict` as JSON (NaN written as null)."""
        return json.dumps(
            {
                k: (None if isinstance(v, float) and math.isnan(v) else v)
                for k, v in self.summary_dict().items()
            }
        )

    def __str__(self) -> str:
        return self.summary_text()


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value
