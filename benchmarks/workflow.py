"""Time the whole demo DAG with ``snakemake --cores N`` and print light curves per second per core.

Usage: ``python benchmarks/workflow.py [--cores 2] [--stars-per-bin 80]``. The demo survey is generated
first (not timed) in a temporary folder; then the DAG from manifest to the last stage is timed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def snakemake(workdir: Path, cores: int, stars_per_bin: int, target: str) -> float:
    """Run snakemake in ``workdir`` on the repository's workflow; return wall seconds."""
    overrides = workdir / "bench.yaml"
    overrides.write_text(f"demo:\n  stars_per_bin: {stars_per_bin}\n")
    command = [
        sys.executable, "-m", "snakemake", target, "--cores", str(cores),
        "--snakefile", str(REPO / "Snakefile"), "--directory", str(workdir),
        "--configfile", str(REPO / "config" / "config.yaml"), str(overrides),
    ]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    """Generate the demo, time the DAG and print throughput."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2, help="snakemake --cores (default 2)")
    parser.add_argument("--stars-per-bin", type=int, default=80, help="demo stars per bin (default 80)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lcpipe-bench-") as tmp:
        workdir = Path(tmp)
        generate = snakemake(workdir, args.cores, args.stars_per_bin, "simulate_demo")
        wall = snakemake(workdir, args.cores, args.stars_per_bin, "all")
        n_curves = 3 * args.stars_per_bin
    print(f"demo generation: {generate:.1f} s (not counted)")
    print(f"DAG manifest → run summary: {n_curves} light curves, {wall:.1f} s wall with --cores {args.cores}")
    print(f"throughput: {n_curves / wall:.2f} light curves/s, {n_curves / wall / args.cores:.2f} per core")


if __name__ == "__main__":
    main()
