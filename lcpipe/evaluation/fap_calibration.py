"""Fit and check the calibration of the event null's false-alarm probability on real-cadence nulls.

The trials are null trials of :mod:`lcpipe.evaluation.real_cadence` (new single-lens events with
nothing else on the epochs, errors and bootstrapped residuals of the shipped OGLE-II curves), of
which only those passing the pipeline's event selection count. They are split by the real curve
they were made from: the curves of even index in the shipped file fit the calibration, those of odd
index check it, so that the check is not judged on what the table was fitted to.

``python -m lcpipe.evaluation.fap_calibration results/evaluation/real_cadence/null_trials.parquet``
prints the fitted table (the values of :data:`lcpipe.microlensing.calibration.OGLE2`) and the
realised false-alarm rates of the check half per threshold, with Wilson 95% intervals.
"""

from __future__ import annotations

import argparse
import sys
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from lcpipe.evaluation.false_alarms import wilson_interval
from lcpipe.microlensing.calibration import FapCalibration


def shipped_curve_index() -> dict[str, int]:
    """Position of each shipped OGLE-II curve (``<field>.<star>``) in ``ogle2_events.npz``."""
    with np.load(str(files("lcpipe.evaluation") / "data" / "ogle2_events.npz")) as data:
        return {str(name): k for k, name in enumerate(data["name"])}


def counted_nulls(trials: pd.DataFrame) -> pd.DataFrame:
    """The null trials that count (scanned, and their fit passes the event selection), with a
    ``half`` column: ``fit`` (curves of even index in the shipped file) or ``check`` (odd)."""
    index = shipped_curve_index()
    ok = trials[(trials["status"] == "ok") & trials["is_event"] & (trials["amplitude"] == 0)].copy()
    ok["half"] = np.where(ok["curve"].map(index).to_numpy() % 2 == 0, "fit", "check")
    return ok


def fit_calibration(
    log10_nominal: np.ndarray,
    *,
    name: str = "ogle2",
    provenance: str = "",
    step: float = 0.5,
    min_count: int = 5,
    tail_fraction: float = 0.1,
) -> FapCalibration:
    """The realised rate ``P(nominal <= x)`` of null events on a grid of nominal values.

    Parameters
    ----------
    log10_nominal : ndarray, shape (n,)
        Nominal log10 FAP of each counted null event (NaN: nothing was tested, never flagged).
    name, provenance : str
        Stored with the table.
    step : float
        Grid step (decades) from 0 down.
    min_count : int
        The grid goes down while at least this many null events lie at or below its value.
    tail_fraction : float
        The power-law tail is fitted to the grid values whose realised rate is at most this.

    Returns
    -------
    FapCalibration

    Raises
    ------
    ValueError
        With fewer than ``2 min_count`` null events below the first grid step.
    """
    values = np.asarray(log10_nominal, dtype=float)
    n = values.size
    finite = values[np.isfinite(values)]
    nominal, realised = [], []
    x = 0.0
    while True:
        count = int(np.count_nonzero(finite <= x + 1e-12))
        if count < min_count:
            break
        nominal.append(x)
        realised.append(float(np.log10(count / n)))
        x -= step
    if len(nominal) < 3:
        raise ValueError(f"fit_calibration: too few null events in the tail ({n} events, grid {nominal})")
    xs, ys = np.asarray(nominal), np.asarray(realised)
    tail = ys <= np.log10(tail_fraction)
    if np.count_nonzero(tail) < 2:
        tail = np.zeros(xs.size, bool)
        tail[-2:] = True
    slope = float(np.polyfit(xs[tail], ys[tail], 1)[0])
    return FapCalibration(name, tuple(nominal), tuple(realised), max(slope, 1e-3), provenance)


def realised_rates(flagged_log10: np.ndarray, thresholds: tuple[float, ...]) -> pd.DataFrame:
    """Share of null events with ``log10 FAP <= log10(threshold)``, with Wilson 95% intervals.

    Parameters
    ----------
    flagged_log10 : ndarray, shape (n,)
        log10 FAP of each counted null event (NaN: never flagged).
    thresholds : tuple of float
        FAP thresholds.

    Returns
    -------
    DataFrame
        ``threshold``, ``n_curves``, ``n_flagged``, ``rate``, ``lo``, ``hi``.
    """
    values = np.asarray(flagged_log10, dtype=float)
    n = values.size
    rows = []
    for threshold in thresholds:
        k = int(np.count_nonzero(values <= np.log10(threshold)))
        lo, hi = wilson_interval(np.array([k]), np.array([n]))
        rows.append(
            {"threshold": threshold, "n_curves": n, "n_flagged": k, "rate": k / max(n, 1), "lo": lo[0],
             "hi": hi[0]}
        )  # fmt: skip
    return pd.DataFrame(rows)


def write_null_table(nulls: pd.DataFrame, path: str | Path) -> None:
    """Write the counted null events' nominal log10 FAP (``curve``, ``half``, ``log10_fap_event``) as
    the CSV shipped with lcpipe (``lcpipe/evaluation/data/ogle2_null_fap.csv``), atomically."""
    path = Path(path)
    header = (
        "# Nominal log10 FAP of the event null (lcpipe.microlensing.null) of real-cadence null events:\n"
        "# python -m lcpipe.evaluation.real_cadence --null 1712 --seed 20261201 on the OGLE-II curves of\n"
        "# ogle2_events.npz (verdict defaults except calibration none, so the early decision at nominal\n"
        "# log10 FAP -6), counted events only; half = fit (even-index curves) / check (odd).\n"
        "# The calibration lcpipe.microlensing.calibration.OGLE2 is fit_calibration of the fit half.\n"
    )
    table = nulls[["curve", "half", "best_log10_fap_event"]].rename(
        columns={"best_log10_fap_event": "log10_fap_event"}
    )
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w") as handle:
        handle.write(header)
        table.to_csv(handle, index=False, float_format="%.4f")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m lcpipe.evaluation.fap_calibration NULL_TRIALS.parquet``."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("trials", type=Path, help="null_trials.parquet of lcpipe.evaluation.real_cadence")
    parser.add_argument(
        "--thresholds", type=float, nargs="+", default=[0.1, 0.03, 1e-2, 3e-3, 1e-3], help="FAP thresholds"
    )
    parser.add_argument("--write-table", type=Path, help="also write the counted null events as this CSV")
    args = parser.parse_args(argv)
    if not args.trials.is_file():
        sys.exit(f"{args.trials}: no such file (run python -m lcpipe.evaluation.real_cadence first)")
    nulls = counted_nulls(pd.read_parquet(args.trials))
    if args.write_table is not None:
        write_null_table(nulls, args.write_table)
    fit_half = nulls[nulls["half"] == "fit"]
    check = nulls[nulls["half"] == "check"]
    calibration = fit_calibration(fit_half["best_log10_fap_event"].to_numpy())
    print(f"fitted on {len(fit_half)} null events of the even-index curves:")
    print(f"nominal={calibration.nominal}")
    print(f"realised={tuple(round(v, 4) for v in calibration.realised)}")
    print(f"tail_slope={calibration.tail_slope:.4f}")
    thresholds = tuple(args.thresholds)
    for label, frame in (("check half (odd-index curves)", check), ("all curves", nulls)):
        nominal = frame["best_log10_fap_event"].to_numpy()
        calibrated = np.array([calibration.log10_fap(v) for v in nominal])
        table = realised_rates(calibrated, thresholds).assign(
            nominal_flagged=realised_rates(nominal, thresholds)["n_flagged"]
        )
        print(f"\n{label}: {len(frame)} null events, calibrated with the fit half")
        print(table.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
