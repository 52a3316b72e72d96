"""A full disk during each stage family fails the job (never a per-source status), and after
``--unlock``, freeing the space and ``--rerun-incomplete`` every table equals a clean run's byte for byte.

``results`` is a small tmpfs. Before each family the run is taken up to the family's inputs, then the
disk is filled with a ballast file and the family's outputs are asked for: the first job of the family
meets ``ENOSPC``. The ballast is then deleted and the next family goes the same way; the last run
completes the workflow.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pyarrow.parquet as pq
import pytest

#: (family, targets built before the disk is filled, targets asked for on the full disk), per bin.
FAMILIES = (
    ("manifest", [], ["{bin}/manifest.parquet"]),
    ("tag", ["{bin}/manifest.parquet"], ["{bin}/tags.parquet"]),
    ("microlensing", ["{bin}/tags.parquet"], ["{bin}/anomaly.parquet"]),
    ("dips", ["{bin}/anomaly.parquet"], ["{bin}/dips.parquet"]),
    ("after detection", ["{bin}/dips.parquet", "{bin}/events.parquet"], ["{bin}/plots.parquet"]),
    ("summary", ["{bin}/plots.parquet", "{bin}/vetted.parquet"], ["run_summary.json"]),
)

#: Size of the results tmpfs: several times what the small demo writes.
TMPFS_SIZE = "48m"


def _fill(folder: Path) -> Path:
    """Write a ballast file into ``folder`` until the file system is full; return its path."""
    ballast = folder / "ballast.bin"
    chunk = b"\0" * (1 << 20)
    with open(ballast, "wb", buffering=0) as handle:
        while True:
            try:
                handle.write(chunk)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                break
    with open(ballast, "ab", buffering=0) as handle:  # fill the last partial block too
        for _ in range(4096):
            try:
                handle.write(b"\0" * 256)
            except OSError:
                break
    return ballast


def _targets(patterns: list[str], bins: list[str]) -> list[str]:
    out = []
    for pattern in patterns:
        out += (
            [str(Path("results", pattern.format(bin=b))) for b in bins]
            if "{bin}" in pattern
            else [str(Path("results", pattern))]
        )
    return list(dict.fromkeys(out))


@pytest.mark.workflow
def test_full_disk_in_each_stage_family_then_resume_gives_the_clean_tables(
    demo_run, workspace_factory, mounted, assert_tables_equal
):
    reference = demo_run.tables()
    workspace = workspace_factory("full_disk_families")
    mounted(workspace.results, f"size={TMPFS_SIZE}")
    bins = workspace.config["bins"]
    workspace.run("--cores", "2", "demo/truth.parquet")  # the demo survey lives outside results
    for family, before, during in FAMILIES:
        if before:
            workspace.run("--cores", "2", "--rerun-incomplete", *_targets(before, bins))
        ballast = _fill(workspace.results)
        proc = workspace.run("--cores", "2", "--keep-going", *_targets(during, bins), check=False)
        text = proc.stdout + proc.stderr
        logs = "".join(p.read_text(errors="replace") for p in workspace.results.rglob("*.log"))
        assert proc.returncode != 0, f"{family}: the run on a full disk succeeded:\n{text[-3000:]}"
        assert "No space left on device" in text + logs, f"{family}:\n{text[-3000:]}"
        for path in workspace.results.rglob("*.parquet"):
            if not path.name.startswith("."):
                pq.read_metadata(path)  # every visible table is complete
        ballast.unlink()
        workspace.run("--unlock")
    workspace.run("--cores", "2", "--rerun-incomplete")
    resumed = workspace.tables()
    assert resumed.keys() == reference.keys()
    for name, path in reference.items():
        assert_tables_equal(path, resumed[name])
    failures = [
        pq.read_table(path).to_pandas() for name, path in resumed.items() if name.endswith("failures.parquet")
    ]
    assert not any(f["error"].str.contains("No space left").any() for f in failures)
