"""Anomaly verdict on real survey cadences and noise: false alarms and injection-recovery.

Each trial takes one of the 214 real OGLE-II microlensing light curves shipped in
``lcpipe/evaluation/data/ogle2_events.npz`` (see ``PROVENANCE.txt`` there) and keeps its epochs and
error bars. A single-lens fit to the real curve gives its normalised residuals and its error scale;
the trial is a new PSPL event (random t0 at an observed epoch, tE log-uniform, u0 and source fraction
uniform) on the same cadence, with noise made of those real residuals rearranged by a stationary
bootstrap per season (:func:`lcpipe.microlensing.null.shifted_residuals`), so real outliers,
night-to-night systematics and error under-estimates come along. ``null`` trials have nothing else;
``bump`` trials add a Gaussian bump of fractional amplitude (of the lensed source flux at its epoch)
and width (sigma), centred at an observed epoch within one tE of t0. Rates count the trials whose
single-lens fit passes the pipeline's event selection, as the pipeline scans only those.

A null trial flagged by the verdict is a false alarm; a bump trial is recovered when flagged with its
best cluster within ``max(3 width, 0.5 d)`` of the bump. The former fixed thresholds
(:meth:`CandidateCriteria.survey_defaults`) are scored on the same trials (``old_flag``).
"""

from __future__ import annotations

import argparse
import sys
import time as _time
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from lcpipe.evaluation.false_alarms import wilson_interval
from lcpipe.evaluation.fap_calibration import counted_nulls, realised_rates
from lcpipe.lightcurve import make_lightcurve
from lcpipe.microlensing.criteria import CandidateCriteria
from lcpipe.microlensing.event_selection import EventSelection
from lcpipe.microlensing.finder import FinderOptions, find_anomalies
from lcpipe.microlensing.fit_input import fit_input
from lcpipe.microlensing.grid import ScanOptions, build_grid
from lcpipe.microlensing.null import season_dataset_blocks, shifted_residuals
from lcpipe.microlensing.pspl import pspl_magnification

#: Bump widths (days) and fractional amplitudes of the injection grid.
BUMP_WIDTHS = (0.3, 1.0, 3.0, 10.0)
BUMP_AMPLITUDES = (0.02, 0.05, 0.1, 0.2, 0.4)


@dataclass(frozen=True)
class Cadence:
    """One real light curve reduced to what a trial keeps.

    Attributes
    ----------
    name : str
        OGLE-II ``<field>.<star>``.
    time : ndarray, shape (N,)
        Sorted epochs (HJD - 2450000).
    flux_err : ndarray, shape (N,)
        Flux errors (fit-flux units) after the real fit's error rescaling.
    z : ndarray, shape (N,)
        Normalised residuals of the single-lens fit to the real curve.
    baseline : float
        Baseline flux of the real fit (``fs + fb``).
    """

    name: str
    time: np.ndarray
    flux_err: np.ndarray
    z: np.ndarray
    baseline: float


def load_cadences(path: str | Path | None = None, limit: int | None = None) -> list[Cadence]:
    """The shipped OGLE-II light curves as cadences with their real residuals.

    Parameters
    ----------
    path : path-like, optional
        An ``.npz`` with ``name``, ``offsets``, ``time``, ``mag``, ``mag_err`` (default: the shipped
        file).
    limit : int, optional
        Only the first ``limit`` curves.

    Returns
    -------
    list of Cadence
        The curves whose single-lens fit succeeded.
    """
    source = files("lcpipe.evaluation") / "data" / "ogle2_events.npz" if path is None else Path(path)
    with np.load(str(source)) as data:
        names, offsets = data["name"], data["offsets"]
        t_all, m_all, e_all = data["time"], data["mag"].astype(float), data["mag_err"].astype(float)
    out = []
    for k, name in enumerate(names[:limit]):
        sl = slice(int(offsets[k]), int(offsets[k + 1]))
        order = np.argsort(t_all[sl], kind="stable")
        lc = make_lightcurve(t_all[sl][order], mag=m_all[sl][order], mag_err=e_all[sl][order], band="I")
        data = fit_input(lc)
        t, flux, err = data.time, data.flux, data.flux_err
        fit = data.fit()
        if not fit.ok:
            continue
        scale = max(float(np.sqrt(fit.chi2_dof)), 1.0)
        keep = np.isfinite(flux) & (err > 0)
        t, flux, err = t[keep], flux[keep], err[keep] * scale
        out.append(Cadence(str(name), t, err, (flux - fit.model_flux(t)) / err, fit.fs + fit.fb))
    return out


def _trial(
    cadence: Cadence, rng: np.random.Generator, width: float, amplitude: float, options: FinderOptions
) -> dict[str, object]:
    t = cadence.time
    t0 = float(rng.choice(t))
    tE = float(np.exp(rng.uniform(np.log(20.0), np.log(150.0))))
    u0 = float(rng.uniform(0.05, 1.0))
    fs = cadence.baseline * float(rng.uniform(0.3, 1.0))
    model = fs * pspl_magnification(t, t0, tE, u0) + (cadence.baseline - fs)
    grid = build_grid(t, ScanOptions())
    blocks = season_dataset_blocks(t, np.zeros(t.size, np.int64), grid)
    noise = shifted_residuals(cadence.z, cadence.flux_err, blocks, np.zeros(t.size, bool), rng)
    t_bump = float("nan")
    flux = model + noise
    if amplitude > 0:
        near = t[np.abs(t - t0) < tE]
        t_bump = float(rng.choice(near)) if near.size else t0
        lensed = fs * float(pspl_magnification(np.array([t_bump]), t0, tE, u0)[0])
        flux = flux + amplitude * lensed * np.exp(-0.5 * ((t - t_bump) / width) ** 2)
    result = find_anomalies(t, flux, cadence.flux_err, options=options)
    row = result.summary_dict()
    is_event = result.fit.ok and EventSelection().is_event(result.fit)[0]
    old = CandidateCriteria.survey_defaults().accept(result.clusters)[0] if len(result.clusters) else []
    located = abs(row["best_t0"] - t_bump) < max(3.0 * width, 0.5) if amplitude > 0 else True
    return {
        "curve": cadence.name,
        "n_points": int(t.size),
        "t0": t0,
        "tE": tE,
        "u0": u0,
        "width": width,
        "amplitude": amplitude,
        "t_bump": t_bump,
        "status": row["status"],
        "is_event": bool(is_event),
        "flag": bool(row["has_candidate"]),
        "recovered": bool(row["has_candidate"]) and bool(located),
        "old_flag": bool(np.any(old)),
        "best_t0": row["best_t0"],
        "best_teff": row["best_teff"],
        "best_dchi2": row["best_dchi2"],
        "best_fap": row["best_fap"],
        "best_log10_fap": row["best_log10_fap"],
        "best_log10_fap_event": row["best_log10_fap_event"],
        "n_null": row["n_null"],
        "verdict_reason": row["verdict_reason"],
        "fit_degenerate_reason": row["fit_degenerate_reason"],
        "time_total_s": row["time_total_s"],
    }


def run_trials(
    cadences: list[Cadence],
    n_trials: int,
    *,
    widths: tuple[float, ...] = (0.0,),
    amplitudes: tuple[float, ...] = (0.0,),
    seed: int = 0,
    options: FinderOptions | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Run trials cycling through the cadences and the (width, amplitude) grid.

    Parameters
    ----------
    cadences : list of Cadence
    n_trials : int
        Trials per grid cell.
    widths, amplitudes : tuple of float
        Bump grid; ``(0.0,)`` amplitudes give null trials.
    seed : int
        Trial ``i`` of cell ``c`` uses the generator seeded ``[seed, c, i]``.
    options : FinderOptions, optional
        Finder options (the defaults when None).
    progress : bool
        Print progress lines to stderr.

    Returns
    -------
    DataFrame
        One row per trial (see the module docstring).
    """
    options = FinderOptions() if options is None else options
    rows = []
    start = _time.perf_counter()
    cells = [(w, a) for w in widths for a in amplitudes]
    for c, (width, amplitude) in enumerate(cells):
        for i in range(n_trials):
            rng = np.random.default_rng([seed, c, i])
            cadence = cadences[(c * n_trials + i) % len(cadences)]
            rows.append(_trial(cadence, rng, width, amplitude, options))
            if progress and len(rows) % 100 == 0:
                print(f"{len(rows)} trials, {_time.perf_counter() - start:.0f} s", file=sys.stderr)
    return pd.DataFrame(rows)


def summarise(
    null: pd.DataFrame, bump: pd.DataFrame, thresholds: tuple[float, ...] = (0.1, 0.03, 1e-2, 3e-3, 1e-3)
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """False-alarm rates per threshold (Wilson 95%) and the recovery grid.

    Both count only trials whose fit passes the pipeline's event selection
    (:class:`lcpipe.microlensing.event_selection.EventSelection`): the pipeline scans no other. The rates are
    given for the calibrated verdict (``best_log10_fap``) and the event null's nominal value
    (``best_log10_fap_event``), on all null events and on the check half of the calibration (the
    curves of odd index, which :data:`lcpipe.microlensing.calibration.OGLE2` was not fitted to), and
    for the former fixed thresholds (``threshold`` NaN).
    """
    ok = counted_nulls(null)
    parts = []
    for sample, frame in (("all", ok), ("check", ok[ok["half"] == "check"])):
        for verdict, column in (("calibrated", "best_log10_fap"), ("nominal", "best_log10_fap_event")):
            parts.append(
                realised_rates(frame[column].to_numpy(), thresholds).assign(verdict=verdict, sample=sample)
            )
        k, n = int(frame["old_flag"].sum()), len(frame)
        lo, hi = wilson_interval(np.array([k]), np.array([n]))
        parts.append(
            pd.DataFrame([{"threshold": np.nan, "n_curves": n, "n_flagged": k, "rate": k / max(n, 1),
                           "lo": lo[0], "hi": hi[0], "verdict": "former thresholds", "sample": sample}])
        )  # fmt: skip
    rates = pd.concat(parts, ignore_index=True)
    rates = rates[["sample", "verdict", "threshold", "n_curves", "n_flagged", "rate", "lo", "hi"]]
    grid = (
        bump[(bump["status"] == "ok") & bump["is_event"]]
        .groupby(["width", "amplitude"])
        .agg(n=("recovered", "size"), recovered=("recovered", "mean"), old_flag=("old_flag", "mean"))
        .reset_index()
    )
    return rates, grid


def plot(null: pd.DataFrame, grid: pd.DataFrame, path: str | Path) -> None:
    """Recovery map of the bump grid and the null's log10 FAP distribution, one PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    table = grid.pivot(index="width", columns="amplitude", values="recovered")
    image = ax1.imshow(table.to_numpy(), origin="lower", vmin=0, vmax=1, cmap="viridis", aspect="auto")
    ax1.set_xticks(range(table.shape[1]), [f"{a:g}" for a in table.columns])
    ax1.set_yticks(range(table.shape[0]), [f"{w:g}" for w in table.index])
    for (i, j), value in np.ndenumerate(table.to_numpy()):
        ax1.text(j, i, f"{value:.0%}", ha="center", va="center", color="w" if value < 0.6 else "k")
    ax1.set_xlabel("bump amplitude (fraction of lensed flux)")
    ax1.set_ylabel("bump width (days)")
    ax1.set_title("Recovery on OGLE-II cadences and noise")
    fig.colorbar(image, ax=ax1, label="recovered")
    counted = null[null["is_event"] & (null["status"] == "ok")]
    bins = np.linspace(-8, 0, 41)
    for column, label, colour in (
        ("best_log10_fap_event", "event null", "0.7"),
        ("best_log10_fap", "calibrated", "0.2"),
    ):
        ax2.hist(counted[column].dropna().clip(lower=-8), bins=bins, color=colour, alpha=0.8, label=label)
    threshold = FinderOptions().verdict.fap_threshold
    ax2.axvline(np.log10(threshold), color="r", label=f"threshold {threshold:g}")
    ax2.set_yscale("log")
    ax2.set_xlabel("log10 FAP of the best cluster (clipped at -8)")
    ax2.set_ylabel("null curves")
    ax2.set_title(f"{len(counted)} null events")
    ax2.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m lcpipe.evaluation.real_cadence --out DIR [--null N] [--per-cell M]``."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder (tables and plot)")
    parser.add_argument("--null", type=int, default=1712, help="null trials (default 1712: 8 per curve)")
    parser.add_argument("--per-cell", type=int, default=20, help="bump trials per (width, amplitude) cell")
    parser.add_argument("--seed", type=int, default=20261201, help="seed of the trials")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    cadences = load_cadences()
    null = run_trials(cadences, args.null, seed=args.seed, progress=True)
    bump = run_trials(
        cadences,
        args.per_cell,
        widths=BUMP_WIDTHS,
        amplitudes=BUMP_AMPLITUDES,
        seed=args.seed + 1,
        progress=True,
    )
    rates, grid = summarise(null, bump)
    for name, frame in (("null_trials", null), ("bump_trials", bump), ("rates", rates), ("recovery", grid)):
        tmp = args.out / f".{name}.parquet.tmp"
        frame.to_parquet(tmp, index=False)
        tmp.replace(args.out / f"{name}.parquet")
    plot(null, grid, args.out / "real_cadence.png")
    print(rates.to_string(index=False))
    counted = counted_nulls(null)
    print(f"median seconds per counted null event: {counted['time_total_s'].median():.3f}")
    print(grid.pivot(index="width", columns="amplitude", values="recovered").round(2).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
