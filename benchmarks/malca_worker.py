"""Timing worker for the MALCA dip pipeline, run by ``benchmarks/dips.py`` with MALCA's own interpreter.

Not part of lcpipe: it imports only MALCA (and the standard library / NumPy that MALCA's environment
has). It reads one request per stdin line, ``<repeats>\\t<path>``, runs MALCA's per-file detection
(``malca.events.process_one``) with the defaults of MALCA's own ``malca.events`` command line (taken from
its argument parser, not typed here) and the keyword mapping its ``main`` uses, and answers one JSON line:
the median wall time over the repeats and MALCA's flags. A line ``warmup\\t<path>`` runs once untimed
(numba compilation). End of input ends the worker.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time


class _Parsed(Exception):
    def __init__(self, parser: argparse.ArgumentParser) -> None:
        super().__init__("parser captured")
        self.parser = parser


def cli_defaults() -> argparse.Namespace:
    """Defaults of ``python -m malca.events`` (its parser, intercepted before it parses sys.argv)."""
    from malca import events

    original = argparse.ArgumentParser.parse_args

    def capture(self, *args, **kwargs):
        raise _Parsed(self)

    argparse.ArgumentParser.parse_args = capture
    try:
        events.main()
    except _Parsed as parsed:
        return original(parsed.parser, [])
    finally:
        argparse.ArgumentParser.parse_args = original
    raise RuntimeError("malca.events.main did not build an argument parser")


def process_kwargs(args: argparse.Namespace) -> dict:
    """The keyword arguments ``malca.events.main`` passes to ``process_one``."""
    use_sigma_eff = not args.no_sigma_eff
    return dict(
        trigger_mode=args.trigger_mode,
        logbf_threshold_dip=args.logbf_threshold_dip,
        logbf_threshold_jump=args.logbf_threshold_jump,
        significance_threshold=args.significance_threshold,
        p_points=args.p_points,
        p_min_dip=args.p_min_dip,
        p_max_dip=args.p_max_dip,
        p_min_jump=args.p_min_jump,
        p_max_jump=args.p_max_jump,
        mag_points=args.mag_points,
        mag_min_dip=args.mag_min_dip,
        mag_max_dip=args.mag_max_dip,
        mag_min_jump=args.mag_min_jump,
        mag_max_jump=args.mag_max_jump,
        run_min_points=args.run_min_points,
        run_allow_gap_points=args.run_allow_gap_points,
        run_max_gap_days=args.run_max_gap_days,
        run_min_duration_days=args.run_min_duration_days,
        baseline_tag=args.baseline_func,
        baseline_kwargs=dict(
            S0=args.baseline_s0,
            w0=args.baseline_w0,
            q=args.baseline_q,
            jitter=args.baseline_jitter,
            sigma_floor=args.baseline_sigma_floor,
            add_sigma_eff_col=True,
        ),
        use_sigma_eff=use_sigma_eff,
        require_sigma_eff=use_sigma_eff and not args.allow_missing_sigma_eff,
        compute_event_prob=not args.no_event_prob,
        excluded_cameras=None,
    )


def main() -> None:
    from malca.events import process_one

    kwargs = process_kwargs(cli_defaults())
    for line in sys.stdin:
        command, _, path = line.rstrip("\n").partition("\t")
        repeats = 1 if command == "warmup" else int(command)
        times, result = [], {}
        for _ in range(repeats):
            start = time.perf_counter()
            result = process_one(path, **kwargs)
            times.append(time.perf_counter() - start)
        answer = {
            "path": path,
            "seconds": statistics.median(times),
            "dip_significant": bool(result["dip_significant"]),
            "dip_bayes_factor": float(result["dip_bayes_factor"]),
            "n_points": int(result["n_points"]),
        }
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
