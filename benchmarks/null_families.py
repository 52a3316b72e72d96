"""False-alarm rate of the default anomaly verdict per cadence family, on null trials with real cadences.

Families:

- ``ogle2``: the real-cadence null events of ``lcpipe.evaluation.real_cadence`` on the 214 OGLE-II
  curves, read from the nominal values shipped in ``lcpipe/evaluation/data/ogle2_null_fap.csv`` (the
  calibration was fitted on their even-index half; the odd-index half is the out-of-sample check);
- ``multi-site``: null trials (:mod:`lcpipe.evaluation.event_cadence`) on the cadence and residuals of
  the real multi-observatory events, published anomalies left out (OB05390 3590.5-3594.5, MB07192
  4244.0-4246.5; OB170002 is a plain event and is kept whole, its KMTA42 spike included);
- ``roman``: the same on the simulated Roman event (40,540 points at 15 minutes; its planetary
  anomaly 9825.0-9827.5 left out).

OB190033 (a binary whose misfit covers its whole follow-up season) and MB09319 (the anomaly is the
peak night, where most of its follow-up data are) leave no representative cadence once the anomaly is
cut, and are not used. The MulensModel ``data/`` events (OB150029, OB160023) are an independent test set
and are never read.

Usage: ``python benchmarks/null_families.py --out DIR [--data ../shared/data] [--trials N ...]``; the
trial tables are written to ``DIR/null_<family>_<seed>.parquet`` every ``--save-every`` trials (run
several seeds side by side for more trials), and without ``--family`` it prints the table of what is
there.
"""

from __future__ import annotations

import argparse
import sys
import time
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
from real_events import EVENTS, event_files

from lcpipe.evaluation.event_cadence import event_cadence, null_trial
from lcpipe.evaluation.false_alarms import wilson_interval
from lcpipe.microlensing.calibration import OGLE2
from lcpipe.microlensing.finder import FinderOptions
from lcpipe.microlensing.fit_input import fit_input, load_event

#: Multi-site events used as cadences, with the windows (full HJD) left out.
MULTI_SITE = {
    "OB05390": ((2453590.5, 2453594.5),),
    "MB07192": ((2454244.0, 2454246.5),),
    "OB170002": (),
}

#: The Roman example's planetary anomaly (its time frame, days).
ROMAN_DROP = ((9825.0, 9827.5),)


def cadences(family: str, data: Path):
    """The cadences of a family (``multi-site`` or ``roman``)."""
    if family == "roman":
        curves, status, _ = load_event(data / "roman_sim" / "example_data.npy", format="npy")
        if status != "ok":
            sys.exit(f"roman: {status}")
        return [event_cadence(fit_input(curves), "roman", "roman", ROMAN_DROP)]
    spec = {row[0]: row for row in EVENTS}
    out = []
    for name, drop in MULTI_SITE.items():
        _, fmt, patterns, skip, _ = spec[name]
        folder = data / "microlensing_events" / name
        curves, status, _ = load_event(event_files(folder, patterns, skip), format=fmt, event_id=name)
        if status != "ok":
            sys.exit(f"{name}: {status}")
        out.append(event_cadence(fit_input(curves), name, family, drop))
    return out


def run(family: str, data: Path, n_trials: int, out: Path, seed: int, save_every: int) -> None:
    """Null trials of one family, cycling through its cadences; the table is saved as it grows."""
    chosen = cadences(family, data)
    options = FinderOptions()
    rows, start = [], time.perf_counter()
    path = out / f"null_{family}_{seed}.parquet"
    for i in range(n_trials):
        cadence = chosen[i % len(chosen)]
        rows.append(null_trial(cadence, np.random.default_rng([seed, i]), options))
        if (i + 1) % save_every == 0 or i + 1 == n_trials:
            tmp = path.with_name(f".{path.name}.tmp")
            pd.DataFrame(rows).to_parquet(tmp, index=False)
            tmp.replace(path)
            print(f"{family}: {i + 1} trials, {time.perf_counter() - start:.0f} s", file=sys.stderr)


def ogle2_nulls() -> pd.DataFrame:
    """The shipped OGLE-II null events, calibrated (``best_log10_fap``) with :data:`OGLE2`."""
    table = pd.read_csv(files("lcpipe.evaluation") / "data" / "ogle2_null_fap.csv", comment="#")
    return pd.DataFrame(
        {
            "family": np.where(table["half"] == "check", "ogle2 (check half)", "ogle2 (fit half)"),
            "curve": table["curve"],
            "best_log10_fap": [OGLE2.log10_fap(v) for v in table["log10_fap_event"]],
            "best_log10_fap_event": table["log10_fap_event"],
        }
    )


def report(out: Path, threshold: float) -> pd.DataFrame:
    """Counted null events and flagged ones per family and per curve, with Wilson 95% intervals."""
    frames = [ogle2_nulls()]
    for path in sorted(out.glob("null_*.parquet")):
        trials = pd.read_parquet(path)
        frames.append(trials[(trials["status"] == "ok") & trials["is_event"]])
    nulls = pd.concat(frames, ignore_index=True)
    rows = []
    for (family, curve), frame in [
        *(((f, "all"), g) for f, g in nulls.groupby("family")),
        *(((f, c), g) for (f, c), g in nulls.groupby(["family", "curve"]) if not f.startswith("ogle2")),
    ]:
        n = len(frame)
        k = int(np.count_nonzero(frame["best_log10_fap"].to_numpy() <= np.log10(threshold)))
        k_nominal = int(np.count_nonzero(frame["best_log10_fap_event"].to_numpy() <= np.log10(threshold)))
        lo, hi = wilson_interval(np.array([k]), np.array([n]))
        rows.append(
            {"family": family, "curve": curve, "n_nulls": n, "n_flagged": k, "rate": k / max(n, 1),
             "lo": lo[0], "hi": hi[0], "nominal_flagged": k_nominal}
        )  # fmt: skip
    return pd.DataFrame(rows).sort_values(["family", "curve"]).reset_index(drop=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "shared" / "data",
        help="folder holding microlensing_events/ and roman_sim/ (default ../shared/data)",
    )
    parser.add_argument("--out", type=Path, required=True, help="folder of the trial tables")
    parser.add_argument("--family", choices=("multi-site", "roman"), nargs="*", default=[])
    parser.add_argument("--trials", type=int, default=100, help="null trials per family")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--save-every", type=int, default=10)
    args = parser.parse_args()
    if args.family and not args.data.is_dir():
        sys.exit(f"{args.data}: no such folder (give the real data with --data)")
    args.out.mkdir(parents=True, exist_ok=True)
    for family in args.family:
        run(family, args.data, args.trials, args.out, args.seed, args.save_every)
    threshold = FinderOptions().verdict.fap_threshold
    table = report(args.out, threshold)
    print(f"false alarms of the default verdict (FAP <= {threshold:g}) on counted null events:")
    print(table.to_string(index=False, float_format=lambda x: f"{x:.4f}"))


if __name__ == "__main__":
    main()
