"""The workflow on a corpus of bad and awkward entries (tests/corpus_generator.py), as a folder collection
and as an ASAS-SN tree: no failed job, every entry in the ledger with a specific reason, and the good
sources' rows the same as in a run on the good files alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lcpipe.cli import main
from lcpipe.io.read import UNSUPPORTED_SUFFIXES
from lcpipe.stages.ledger import LEDGER_COLUMNS, read_ledgers
from lcpipe.tables import read_table

sys.path.insert(0, str(Path(__file__).parent))  # the corpus generator lives beside the tests
from corpus_generator import TREE_BIN, Corpus, write_folder_corpus, write_tree_corpus

#: Per-source tables whose good-source rows must equal those of the good-only run.
SOURCE_TABLES = ("manifest", "tags", "pspl", "anomaly", "dips", "events", "candidates", "rejected", "ledger")

#: Dispositions whose rows must say why.
EXPLAINED = ("rejected", "skipped", "failed", "excluded")

#: Seconds the four corpus runs may take together.
CORPUS_TIMEOUT_S = 900

#: The small config of the corpus runs: one bin, one shard, no catalogs.
CORPUS_CONFIG = {
    "shards": 1,
    "demo": {"generate": False},
    "characterize": {"catalog": None},
    "vetting": {"vsx": None},
}


def _files_outside_results(root: Path) -> set[str]:
    """Every file under ``root`` except the run's own folders (results, .snakemake)."""
    out = set()
    for folder, dirs, files in os.walk(root):
        rel = Path(folder).relative_to(root)
        if rel.parts[:1] in (("results",), (".snakemake",)):
            continue
        dirs[:] = [d for d in dirs if (rel / d).parts[0] not in ("results", ".snakemake")]
        out.update(str(rel / f) for f in files)
    return out


@pytest.fixture(scope="module")
def corpus_runs(workspace_maker, tool_env):
    """Four runs, started together (they spend most of their time waiting on job start-up): the folder
    corpus, its good files alone, the tree corpus and its good files alone. Each value is
    ``(workspace, corpus, files outside results before the run)``."""
    folder = {"layout": "folder", "folder": "survey/lcs", "catalog": None}
    tree = {"layout": "asassn", "lc_root": "survey/lc", "index_root": "survey/index"}
    runs, procs = {}, {}
    for name, layout, good_only in (
        ("folder", folder, False),
        ("folder_good", folder, True),
        ("tree", tree, False),
        ("tree_good", tree, True),
    ):
        bins = ["12_13"] if layout is folder else [TREE_BIN]
        workspace = workspace_maker(name, bins=bins, survey=layout, **CORPUS_CONFIG)
        survey = workspace.root / "survey"
        if layout is folder:
            corpus = write_folder_corpus(survey / "lcs", good_only=good_only)
        else:
            corpus = write_tree_corpus(survey, good_only=good_only)
        runs[name] = (workspace, corpus, _files_outside_results(workspace.root))
        # the good-only runs stop at the ledger: their per-source tables are what is compared
        targets = [str(Path("results", bins[0], "ledger.parquet"))] if good_only else []
        procs[name] = subprocess.Popen(
            workspace.command("--cores", "2", *targets),
            cwd=workspace.root,
            env=tool_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    for name, proc in procs.items():
        output, _ = proc.communicate(timeout=CORPUS_TIMEOUT_S)
        if proc.returncode != 0:  # a failed job fails the corpus tests
            pytest.fail(f"the {name} corpus run exited {proc.returncode}:\n{output[-5000:]}")
    return runs


def _good_rows(results: Path, mag_bin: str, table: str, good: list[str]) -> pd.DataFrame:
    frame = read_table(results / mag_bin / f"{table}.parquet")
    frame = frame.loc[frame["source_id"].astype(str).isin(good)]
    if table == "ledger":  # a repeat of a good id is an entry of its own (duplicate_id), not the source's
        frame = frame.loc[frame["status"] != "duplicate_id"]
    return frame.sort_values("source_id", kind="stable").reset_index(drop=True)


def _entry_name(entry: str) -> str:
    path, _, line = entry.rpartition(":") if entry.rpartition(":")[2].isdigit() else (entry, "", "")
    return f"{Path(path).name}:{line}" if line else Path(entry).name


def _check_expected(ledger: pd.DataFrame, corpus: Corpus) -> None:
    by_name = {_entry_name(e): s for e, s in zip(ledger["entry"], ledger["status"], strict=True)}
    for name, status in corpus.expected.items():
        if name.endswith((".gz", ".bz2", ".xz")) and Path(name).suffix not in UNSUPPORTED_SUFFIXES:
            continue
        assert by_name.get(name) == status, (name, by_name.get(name), status)


def _check_explained(ledger: pd.DataFrame) -> None:
    unexplained = ledger.loc[ledger["disposition"].isin(EXPLAINED) & (ledger["reason"].str.strip() == "")]
    assert unexplained.empty, unexplained.loc[:, ["entry", "status", "stage"]].to_string()
    assert (ledger.loc[ledger["status"] == "duplicate_id", "duplicate_of"] != "").all()
    candidates = ledger.loc[ledger["disposition"] == "candidate"]
    assert (candidates["families"] != "").all()


def _check_totals(workspace, ledger: pd.DataFrame, capsys) -> None:
    summary = json.loads((workspace.results / "run_summary.json").read_text())
    run = summary["ledger"]["run"]
    assert run["entries"] == len(ledger)
    assert sum(run["dispositions"].values()) == len(ledger)
    assert run["statuses"] == ledger["status"].value_counts().sort_index().to_dict()
    assert main(["ledger", str(workspace.results)]) == 0
    printed = capsys.readouterr().out
    run_line = next(line for line in printed.splitlines() if line.startswith("run "))
    assert run_line.split()[1] == str(len(ledger)), printed


@pytest.mark.workflow
def test_folder_corpus_every_entry_is_in_the_ledger_with_a_reason(corpus_runs, capsys):
    workspace, corpus, _ = corpus_runs["folder"]
    assert corpus.n_awkward >= 80
    ledger = read_ledgers(workspace.results)
    assert tuple(ledger.columns) == LEDGER_COLUMNS
    names = [*os.listdir(corpus.root), *corpus.event_files]
    on_disk = sorted(str(Path("survey", "lcs", name)) for name in names)
    assert sorted(ledger["entry"]) == on_disk  # each folder entry and event file once, none lost
    members = ledger.loc[ledger["status"] == "event_member"]
    assert sorted(members["source_id"]) == ["event_one_empty"] * 2 + ["event_two_sites"] * 2
    assert set(members.loc[members["source_id"] == "event_two_sites", "mag_bin"]) == {"12_13"}
    assert set(members["disposition"]) == {"member"}
    _check_expected(ledger, corpus)
    _check_explained(ledger)
    _check_totals(workspace, ledger, capsys)


@pytest.mark.workflow
def test_tree_corpus_every_entry_is_in_the_ledger_with_a_reason(corpus_runs, capsys):
    workspace, corpus, before = corpus_runs["tree"]
    ledger = read_ledgers(workspace.results)
    manifest = read_table(workspace.results / TREE_BIN / "manifest.parquet")
    # a light-curve file is part of the entry of the index row that names it (its folder's index file)
    rows = ledger.loc[ledger["kind"] == "index_row", ["entry", "source_id"]]
    named = {
        (Path(entry.rsplit(":", 1)[0]).stem.removeprefix("index"), source_id)
        for entry, source_id in rows.itertuples(index=False)
    }
    seen = set(ledger["entry"])
    survey = workspace.root / "survey"
    lc_folders = sorted((survey / "lc" / TREE_BIN).glob("lc*_cal"))
    for folder in (survey / "index" / TREE_BIN, survey / "lc" / TREE_BIN, *lc_folders):
        for path in folder.iterdir():
            if path in lc_folders:
                continue
            number = path.parent.name.removeprefix("lc").removesuffix("_cal")
            listed = (number, path.stem) in named and path.suffix == ".dat2"
            assert listed or str(path.relative_to(workspace.root)) in seen, path
    assert ledger["entry"].is_unique
    _check_expected(ledger, corpus)
    _check_explained(ledger)
    _check_totals(workspace, ledger, capsys)
    # the id climbing out of the tree was never read nor used as a file name
    assert not manifest["path"].str.contains("evil").any()
    assert _files_outside_results(workspace.root) == before
    written = [p for p in workspace.results.rglob("*") if "evil" in p.name]
    assert written == []


@pytest.mark.workflow
@pytest.mark.parametrize("layout", ["folder", "tree"])
def test_good_sources_rows_equal_a_good_only_run(corpus_runs, layout):
    workspace, corpus, _ = corpus_runs[layout]
    good_workspace, _, _ = corpus_runs[f"{layout}_good"]
    mag_bin = workspace.config["bins"][0]
    for table in SOURCE_TABLES:
        rows = _good_rows(workspace.results, mag_bin, table, corpus.good)
        reference = _good_rows(good_workspace.results, mag_bin, table, corpus.good)
        # values, not dtypes: a column with a missing value for some bad source is float in the corpus run
        pd.testing.assert_frame_equal(rows, reference, obj=table, check_dtype=False)
    ledger = _good_rows(workspace.results, mag_bin, "ledger", corpus.good)
    assert sorted(ledger["source_id"]) == sorted(corpus.good)
