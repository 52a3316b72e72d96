"""``lcpipe evaluate``: injection-recovery, false-alarm rates and validation against known objects."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from lcpipe.evaluation.anomaly_injection import AnomalyInjectionOptions
from lcpipe.evaluation.dip_injection import DipInjectionOptions
from lcpipe.evaluation.false_alarms import AnomalyFalseAlarmOptions
from lcpipe.evaluation.validation import DEFAULT_ASASSN_DIR
from lcpipe.stages.evaluation import (
    anomaly_injection_stage,
    dip_injection_stage,
    false_alarm_stage,
    validation_stage,
)

_DIP, _ANOMALY, _NULLS = DipInjectionOptions(), AnomalyInjectionOptions(), AnomalyFalseAlarmOptions()


def _edges(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers, got {text!r}") from None


def _fmt(values: tuple[float, ...]) -> str:
    return ",".join(f"{v:g}" for v in values)


def _add_hosts(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--demo-dir", default="demo", help="simulated survey whose quiet stars (kind none) are the hosts "
        "(default demo; write one with `lcpipe simulate`)"
    )  # fmt: skip
    group.add_argument("--hosts-dir", help="folder of real host light curves instead of the simulated survey")
    parser.add_argument("--pattern", default="*", help="glob of host files inside --hosts-dir (default *)")
    parser.add_argument("--max-hosts", type=int, help="use at most this many hosts (sorted by file name)")


def _host_spec(args: argparse.Namespace) -> dict[str, Any]:
    if args.hosts_dir:
        return {
            "source": "folder",
            "folder": args.hosts_dir,
            "pattern": args.pattern,
            "max_hosts": args.max_hosts,
        }
    return {"source": "demo", "demo_dir": args.demo_dir, "max_hosts": args.max_hosts}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``evaluate`` subcommand and its four actions."""
    parser = subparsers.add_parser(
        "evaluate",
        help="measure what the searches find: injection-recovery, false alarms, validation",
        description="Injection-recovery of dips and microlensing anomalies, false-alarm rates with nothing "
        "injected, and precision/recall against known objects. Trials run in chunks written atomically "
        "under OUT/chunks: rerun the same command after an interruption and finished chunks are reused.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for add in (_add_dips, _add_anomaly, _add_false_alarms, _add_validate):
        sub = add(actions)
        sub.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
        sub.set_defaults(func=run)


def _add_dips(actions: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """``evaluate dips``: dip injection-recovery."""
    dips = actions.add_parser(
        "dips",
        help="dip injection-recovery over depth x duration x host magnitude",
        description="Inject skew-normal dips into host light curves (their cadence and noise kept), search "
        "before and after, and write the trials, the efficiency cube, marginals, the depth at 50%% "
        "efficiency per duration, and plots.",
    )
    dips.add_argument("--out", required=True, help="output folder")
    _add_hosts(dips)
    dips.add_argument(
        "--depth",
        type=_edges,
        default=_DIP.depth_mag,
        help=f"depth bin edges, mag (default {_fmt(_DIP.depth_mag)})",
    )
    dips.add_argument(
        "--duration", type=_edges, default=_DIP.duration_days,
        help=f"duration (FWHM) bin edges, days (default {_fmt(_DIP.duration_days)})",
    )  # fmt: skip
    dips.add_argument(
        "--host-mag", type=_edges, default=_DIP.host_mag,
        help=f"host magnitude bin edges (default {_fmt(_DIP.host_mag)})",
    )  # fmt: skip
    dips.add_argument(
        "--trials-per-cell", type=int, default=_DIP.trials_per_cell,
        help=f"trials per grid cell: the sample size (default {_DIP.trials_per_cell})",
    )  # fmt: skip
    dips.add_argument("--seed", type=int, default=_DIP.seed, help=f"master seed (default {_DIP.seed})")
    return dips


def _add_anomaly(actions: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """``evaluate anomaly``: planetary-anomaly injection-recovery."""
    anomaly = actions.add_parser(
        "anomaly",
        help="planetary-anomaly injection-recovery on Roman-style PSPL events",
        description="Inject planetary anomalies (binary-lens light curves over q x s x u0, or Gaussian bumps "
        "over amplitude x teff) into simulated Roman-style PSPL events, run the anomaly finder before and "
        "after, and write trials, efficiency cube, marginals and plots.",
    )
    anomaly.add_argument("--out", required=True, help="output folder")
    anomaly.add_argument(
        "--model", choices=("binary", "bump"), default=_ANOMALY.model, help="injection model (default binary)"
    )
    for name, flag in (
        ("q", "--q"),
        ("s", "--s"),
        ("u0", "--u0"),
        ("amplitude", "--amplitude"),
        ("teff_days", "--teff"),
    ):
        anomaly.add_argument(
            flag, dest=name, type=_edges, default=getattr(_ANOMALY, name),
            help=f"{name} bin edges (default {_fmt(getattr(_ANOMALY, name))})",
        )  # fmt: skip
    anomaly.add_argument(
        "--trials-per-cell", type=int, default=_ANOMALY.trials_per_cell,
        help=f"trials per grid cell (default {_ANOMALY.trials_per_cell})",
    )  # fmt: skip
    anomaly.add_argument(
        "--seed", type=int, default=_ANOMALY.seed, help=f"master seed (default {_ANOMALY.seed})"
    )
    return anomaly


def _add_false_alarms(actions: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """``evaluate false-alarms``: both searches with nothing injected."""
    nulls = actions.add_parser(
        "false-alarms",
        help="both searches on light curves with nothing injected, rates per magnitude bin",
        description="Run the dip search and the anomaly finder on host light curves as they are (simulated "
        "and optionally real), and the anomaly finder on Roman-style simulated curves without anomaly; "
        "write per-curve tables, rates per magnitude bin with Wilson 95%% intervals, and a plot.",
    )
    nulls.add_argument("--out", required=True, help="output folder")
    _add_hosts(nulls)
    nulls.add_argument("--real-dir", help="folder of real baseline light curves (optional second sample)")
    nulls.add_argument("--real-pattern", default="*", help="glob of files inside --real-dir (default *)")
    nulls.add_argument(
        "--host-mag", type=_edges, default=_DIP.host_mag,
        help=f"magnitude bin edges of the host samples (default {_fmt(_DIP.host_mag)})",
    )  # fmt: skip
    nulls.add_argument(
        "--curves-per-bin", type=int, default=_NULLS.curves_per_bin,
        help=f"simulated Roman-style curves per kind and magnitude bin (default {_NULLS.curves_per_bin})",
    )  # fmt: skip
    return nulls


def _add_validate(actions: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """``evaluate validate``: precision, recall and F1 against known objects."""
    validate = actions.add_parser(
        "validate",
        help="precision, recall and F1 per class against known objects",
        description="Compare a run table with a list of known objects (source_id and class or category). "
        "Without --run, the built-in case runs the dip search on the labelled real ASAS-SN light curves.",
    )
    validate.add_argument("--out", required=True, help="output folder")
    validate.add_argument("--run", help="run table (Parquet or CSV) with source_id and the detection column")
    validate.add_argument("--known", help="known-object list (CSV or Parquet: source_id, class)")
    validate.add_argument(
        "--detected",
        default="dip_significant",
        help="boolean column of the run meaning flagged (default dip_significant)",
    )
    validate.add_argument(
        "--predicted-class", help="column of the run with a predicted class (multi-class mode)"
    )
    validate.add_argument(
        "--ignore-unknown",
        action="store_true",
        help="leave out known IDs that are not in the run instead of failing",
    )
    validate.add_argument(
        "--asassn-dir", default=None,
        help=f"folder of the real ASAS-SN light curves of the built-in case (default {DEFAULT_ASASSN_DIR})",
    )  # fmt: skip
    return validate


def _progress(quiet: bool) -> Callable[[int, int, str], None] | None:
    if quiet:
        return None

    def show(done: int, total: int, message: str) -> None:
        print(f"[{done}/{total}] {message}", file=sys.stderr)

    return show


def run(args: argparse.Namespace) -> int:
    """Run the chosen action; bad options or missing inputs print one error line and return 2."""
    progress = _progress(args.quiet)
    try:
        if args.action == "dips":
            options = {"depth_mag": args.depth, "duration_days": args.duration, "host_mag": args.host_mag,
                       "trials_per_cell": args.trials_per_cell, "seed": args.seed}  # fmt: skip
            paths = dip_injection_stage(args.out, _host_spec(args), options, progress=progress)
        elif args.action == "anomaly":
            options = {
                name: getattr(args, name) for name in ("model", "q", "s", "u0", "amplitude", "teff_days")
            }
            options |= {"trials_per_cell": args.trials_per_cell, "seed": args.seed}
            paths = anomaly_injection_stage(args.out, options, progress=progress)
        elif args.action == "false-alarms":
            real = (
                {"source": "folder", "folder": args.real_dir, "pattern": args.real_pattern}
                if args.real_dir
                else None
            )
            paths = false_alarm_stage(
                args.out, _host_spec(args), real_hosts=real, host_mag=args.host_mag,
                simulated={"curves_per_bin": args.curves_per_bin}, progress=progress,
            )  # fmt: skip
        else:
            if (args.run is None) != (args.known is None):
                raise ValueError("--run and --known go together (or give neither for the built-in case)")
            paths = validation_stage(
                args.out, run=args.run, known=args.known, asassn_dir=args.asassn_dir, detected=args.detected,
                predicted_class=args.predicted_class, unknown="ignore" if args.ignore_unknown else "error",
                progress=progress,
            )  # fmt: skip
    except (ValueError, FileNotFoundError) as exc:
        print(f"lcpipe evaluate {args.action}: error: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        for name, path in paths.items():
            print(f"{name}: {path}", file=sys.stderr)
        if args.action == "validate":
            print(pd.read_parquet(Path(args.out) / "metrics.parquet").to_string(index=False), file=sys.stderr)
    return 0
