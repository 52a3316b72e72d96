"""Cost per light curve of the LTV features on demo-survey photometry (the stage's per-source work).

Run: ``python benchmarks/ltv.py [--curves 100] [--mag 12.25] [--repeats 3]`` (single thread). Simulates
``--curves`` demo-survey light curves (quiet stars and linear, step, periodic and DRW signals, per-camera
offsets) and times :func:`lcpipe.ltv.features.ltv_features` on each, ``--repeats`` times. Prints the median
milliseconds per curve, the median points per curve and the share of each part (trend fits, step test,
binning and red noise, periodograms) measured in the same run, and the dip search's cost per curve on a
fifth of the same curves in the same run (a load-independent ratio). Goal: <= 5 ms per curve.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from lcpipe.dips.events import DipOptions, detect_events  # noqa: E402
from lcpipe.ltv import features as features_module  # noqa: E402
from lcpipe.ltv.features import LTVOptions, ltv_features  # noqa: E402
from lcpipe.simulate.long_term import LongTermSignal, long_term_light_curve, quiet_star  # noqa: E402
from lcpipe.simulate.survey_options import SurveySimOptions  # noqa: E402

#: Parts of :func:`ltv_features` timed on their own (module attribute names).
PARTS = ("fit_trend", "best_step", "bin_in_time", "structure_function", "fit_damped_random_walk",
         "iar_coefficient", "highest_peak", "season_medians")  # fmt: skip


def _signals(rng: np.random.Generator, n: int, survey: SurveySimOptions) -> list[LongTermSignal]:
    mid = survey.jd_start + 0.5 * survey.span_days
    kinds = [
        LongTermSignal("quiet"),
        LongTermSignal("linear", {"slope": 0.03, "t_ref": mid}),
        LongTermSignal("step", {"step": 0.2, "t_step": mid, "duration": 20.0}),
        LongTermSignal("periodic", {"amplitude": 0.05, "period": 600.0, "phase": 0.0}),
        LongTermSignal("drw", {"sigma": 0.1, "tau": 200.0, "seed": 1}),
    ]
    return [kinds[i % len(kinds)] for i in range(n)]


def _wrap(name: str, totals: dict[str, float]) -> None:
    """Replace ``features_module.<name>`` by a timed wrapper adding to ``totals[name]``."""
    func = getattr(features_module, name)

    def timed(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            totals[name] += time.perf_counter() - t0

    setattr(features_module, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--curves", type=int, default=100, help="light curves to simulate (default 100)")
    parser.add_argument("--mag", type=float, default=12.25, help="host magnitude (default 12.25)")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes over the curves (default 3)")
    args = parser.parse_args()
    survey = SurveySimOptions()
    rng = np.random.default_rng(1)
    curves = [
        long_term_light_curve(rng, survey, quiet_star(rng, survey, args.mag, k), signal)
        for k, signal in enumerate(_signals(rng, args.curves, survey))
    ]
    options = LTVOptions()
    ltv_features(curves[0], options)  # imports and first-call set-up outside the timings
    per_pass = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        for lc in curves:
            ltv_features(lc, options)
        per_pass.append((time.perf_counter() - t0) / len(curves))
    sample = curves[: max(1, len(curves) // 5)]
    t0 = time.perf_counter()
    for lc in sample:
        detect_events(lc, DipOptions())
    dips = (time.perf_counter() - t0) / len(sample)
    totals = dict.fromkeys(PARTS, 0.0)
    for name in PARTS:
        _wrap(name, totals)
    t0 = time.perf_counter()
    for lc in curves:
        ltv_features(lc, options)
    whole = time.perf_counter() - t0
    print(f"curves: {len(curves)}, median points per curve: {int(np.median([len(lc) for lc in curves]))}")
    print(f"ltv_features: {1e3 * np.median(per_pass):.2f} ms per curve (median of {args.repeats} passes; "
          f"passes {', '.join(f'{1e3 * p:.2f}' for p in per_pass)} ms); goal <= 5 ms")  # fmt: skip
    print(f"dip search (detect_events) on {len(sample)} of the curves, same run: {1e3 * dips:.1f} ms per "
          f"curve; LTV / dips = {np.median(per_pass) / dips:.3f}")  # fmt: skip
    print("share of one instrumented pass:")
    for name, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {name:24s} {1e3 * seconds / len(curves):6.2f} ms/curve  {100 * seconds / whole:5.1f} %")


if __name__ == "__main__":
    main()
