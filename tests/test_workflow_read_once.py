"""Each raw light-curve file is opened once per run: the tag stage (or, for a folder survey, the
collection that bins the files) reads and cleans it and packs the shard's light curves; every later
stage, the plots included, reads the packed shards (lcpipe.io.packed).

Every Python process of the run gets an audit hook (tests/read_once/sitecustomize.py on PYTHONPATH) that
logs each read-only open of a file under the survey folder. Arrow's C++ reader opens files without a
Python audit event, so Parquet light curves are not counted; every other format is.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the corpus generator lives beside the tests
from corpus_generator import write_folder_corpus

from lcpipe.tables import read_table

HOOK = Path(__file__).parent / "read_once"


def _audited_run(workspace, survey: Path, tool_env) -> Counter:
    """Run the workspace's workflow to the end; how often each file under ``survey`` was opened."""
    log = workspace.root / "opens.log"
    env = tool_env(
        {
            "PYTHONPATH": os.pathsep.join([str(HOOK), os.environ.get("PYTHONPATH", "")]),
            "LCPIPE_AUDIT_ROOT": str(survey),
            "LCPIPE_AUDIT_LOG": str(log),
        }
    )
    workspace.run("--cores", "2", env=env)
    assert log.exists(), "the audit hook did not run (sitecustomize not imported)"
    return Counter(line.split("\t", 1)[1] for line in log.read_text().splitlines())


def _manifest_files(workspace, bins) -> set[str]:
    """Real paths of the light-curve files of every manifest source with status ok, but empty ones (the
    readers reject a zero-byte file from its size, without opening it)."""
    files = set()
    for mag_bin in bins:
        manifest = read_table(workspace.results / mag_bin / "manifest.parquet")
        for path in manifest.loc[manifest["status"] == "ok", "path"]:
            full = os.path.realpath(workspace.root / str(path))
            if os.path.isfile(full) and os.path.getsize(full) > 0:
                files.add(full)
    return files


@pytest.mark.workflow
def test_asassn_tree_every_light_curve_file_is_opened_once(workspace_factory, tool_env):
    workspace = workspace_factory("tree")
    opens = _audited_run(workspace, workspace.root / "demo" / "lc", tool_env)
    expected = _manifest_files(workspace, workspace.config["bins"])
    assert expected, "the demo has no light curves"
    assert set(opens) == expected
    assert {path: n for path, n in opens.items() if n != 1} == {}


@pytest.mark.workflow
def test_folder_survey_every_light_curve_file_is_opened_once(workspace_factory, tool_env):
    folder = {"layout": "folder", "folder": "survey/lcs", "catalog": None}
    workspace = workspace_factory(
        "folder",
        bins=["12_13"],
        survey=folder,
        shards=2,
        demo={"generate": False},
        characterize={"catalog": None},
        vetting={"vsx": None},
    )
    survey = workspace.root / "survey" / "lcs"
    write_folder_corpus(survey)  # good files and bad ones: an unreadable file is opened once too
    opens = _audited_run(workspace, survey, tool_env)
    counted = {p for p in _manifest_files(workspace, ["12_13"]) if not p.endswith(".parquet")}
    assert counted, "the corpus has no light curves the hook can see"
    assert counted <= set(opens)
    assert {path: n for path, n in opens.items() if n != 1} == {}
