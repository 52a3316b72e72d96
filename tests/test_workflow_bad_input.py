"""Bad input to the workflow: each case ends with a clear message and loses nothing already computed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from lcpipe.tables import read_table


def _output(proc: subprocess.CompletedProcess[str]) -> str:
    return proc.stdout + proc.stderr


@pytest.mark.workflow
@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"tag": {"min_span_day": 50.0}}, "min_span_day"),
        ({"unknown_section": {}}, "unknown_section"),
        ({"shards": "two"}, "shards"),
        ({"bins": "13_13.5"}, "bins"),
    ],
    ids=["typo-in-section", "unknown-key", "wrong-type", "bins-not-a-list"],
)
def test_config_errors_name_the_key(workspace_factory, override, named):
    workspace = workspace_factory("bad_config", **override)
    proc = workspace.run("--dry-run", "--cores", "1", check=False)
    assert proc.returncode != 0
    text = _output(proc)
    assert "Error validating config file" in text, text
    assert named in text, text


def _survey_copy(demo_run, root: Path, empty_bin: str | None = None) -> dict:
    """Config pointing at a copy of the demo survey (demo generation off), optionally with an empty bin."""
    survey = root / "survey"
    shutil.copytree(demo_run.root / "demo", survey)
    if empty_bin is not None:
        (survey / "index" / empty_bin).mkdir()
        (survey / "index" / empty_bin / "index0.csv").write_text("asas_sn_id,ra_deg,dec_deg,pm_ra,pm_dec\n")
        (survey / "lc" / empty_bin / "lc0_cal").mkdir(parents=True)
    return {
        "survey": {"layout": "asassn", "lc_root": str(survey / "lc"), "index_root": str(survey / "index")},
        "demo": {**demo_run.config["demo"], "generate": False},
    }


@pytest.mark.workflow
@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"read": {"time_column": "jd"}}, "config key 'read.time_column' is not a reader option"),
        ({"read": {"format": "fits"}}, "config key 'read.format' is not a reader option"),
        (
            {"survey": {"layout": "folder", "folder": None}, "bins": ["12_13"]},
            "config key 'survey.folder' must name the folder",
        ),
        (
            {"survey": {"layout": "folder", "folder": "demo"}, "bins": ["11_13", "12_14"]},
            "'11_13' and '12_14' overlap",
        ),
    ],
    ids=["reader-option-typo", "reader-format", "folder-null", "overlapping-bins"],
)
def test_option_mistakes_stop_the_run_before_the_first_job(workspace_factory, override, named):
    workspace = workspace_factory("bad_options", **override)
    proc = workspace.run("--cores", "1", check=False)
    assert proc.returncode != 0
    assert "ConfigError in file" in _output(proc), _output(proc)[-3000:]
    assert named in _output(proc), _output(proc)[-3000:]
    assert not workspace.results.exists()  # no job ran


@pytest.mark.workflow
def test_missing_bin_folder_is_rejected_before_any_job(demo_run, workspace_factory, tmp_path):
    config = _survey_copy(demo_run, tmp_path)
    workspace = workspace_factory("missing_bin", bins=["13_13.5", "14_14.5"], **config)
    proc = workspace.run("--cores", "2", check=False)
    assert proc.returncode != 0
    assert "config key 'bins (14_14.5)': folder" in _output(proc), _output(proc)[-3000:]
    assert not workspace.results.exists()


@pytest.mark.workflow
def test_empty_bin_runs_through_with_empty_tables(demo_run, workspace_factory, tmp_path):
    config = _survey_copy(demo_run, tmp_path, empty_bin="11_11.5")
    workspace = workspace_factory("empty_bin", bins=["11_11.5"], **config)
    proc = workspace.run("--cores", "2", check=False)
    assert proc.returncode == 0, _output(proc)[-5000:]
    assert len(read_table(workspace.results / "11_11.5" / "manifest.parquet")) == 0
    assert len(read_table(workspace.results / "11_11.5" / "tags.parquet")) == 0
    assert len(read_table(workspace.results / "11_11.5" / "failures.parquet")) == 0


@pytest.mark.workflow
def test_read_only_results_folder_is_reported_and_nothing_is_written(workspace_factory, mounted):
    workspace = workspace_factory("read_only")
    mounted(workspace.results, "size=1m,mode=0755")
    subprocess.run(["mount", "-o", "remount,ro", str(workspace.results)], check=True)
    proc = workspace.run("--cores", "1", str(Path("results", "13_13.5", "manifest.parquet")), check=False)
    assert proc.returncode != 0
    assert "Read-only file system" in _output(proc), _output(proc)[-3000:]
    assert not any(workspace.results.iterdir())


@pytest.mark.workflow
def test_full_disk_fails_the_job_clearly_without_half_written_tables(workspace_factory, mounted):
    workspace = workspace_factory("full_disk")
    mounted(workspace.results, "size=64k")
    target = str(Path("results", "13_13.5", "tags.parquet"))
    proc = workspace.run("--cores", "1", "--keep-going", target, check=False)
    assert proc.returncode != 0
    text = _output(proc)
    logs = "".join(p.read_text(errors="replace") for p in workspace.results.rglob("*.log"))
    assert "No space left on device" in text + logs, text[-3000:]
    for path in workspace.results.rglob("*.parquet"):
        if not path.name.startswith("."):
            pq.read_metadata(path)  # every visible table is complete
