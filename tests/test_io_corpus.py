"""The reader corpus (tests/corpus/readers.py) through the readers and the CLI: no traceback, one line.

Every entry is read in-process with ``load_clean_with_reason`` (status, reason, meta facts) and run
through ``lcpipe info``, ``fit``, ``anomaly`` and ``dips`` in-process; a sample also through the
installed ``lcpipe`` command in a subprocess.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lcpipe.cli import main
from lcpipe.io.load import load_clean_with_reason

_SPEC = importlib.util.spec_from_file_location(
    "corpus_readers", Path(__file__).parent / "corpus" / "readers.py"
)
corpus = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = corpus
_SPEC.loader.exec_module(corpus)

#: Statuses with which the file could not be read at all (no light curve).
READ_FAILURES = frozenset(
    {"missing_file", "unreadable", "empty", "header_only", "no_valid_points", "unknown_format",
     "missing_column", "decimal_comma"}
)  # fmt: skip


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    return corpus.write_reader_corpus(tmp_path_factory.mktemp("reader_corpus"))


def test_corpus_size_and_determinism(tmp_path, written):
    entries = [entry for _, entry in written]
    assert sum(not entry.good for entry in entries) >= 80
    assert sum(entry.good for entry in entries) >= 10
    again = corpus.write_reader_corpus(tmp_path / "again")
    for (first, entry), (second, _) in zip(written, again, strict=True):
        if entry.content is not None:  # byte entries; Parquet is written by pyarrow itself
            assert first.read_bytes() == second.read_bytes(), entry.name


def test_every_entry_reads_as_expected(written):
    wrong = []
    for path, entry in written:
        lc, status, _, reason = load_clean_with_reason(path)
        if status != entry.status:
            wrong.append(f"{entry.name}: status {status} ({reason}), expected {entry.status}")
        elif status != "ok" and (not reason or entry.reason not in reason):
            wrong.append(f"{entry.name}: reason {reason!r} lacks {entry.reason!r}")
        elif status == "ok":
            facts = {key: lc.meta.get(key) for key in entry.meta}
            if facts != entry.meta:
                wrong.append(f"{entry.name}: meta {facts} != {entry.meta}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("command", ["info", "fit", "anomaly"])
def test_cli_one_clear_line_per_bad_file(command, written, capsys):
    for path, entry in written:
        code = main([command, str(path)])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err, entry.name
        if entry.status in READ_FAILURES:
            assert code == 1, entry.name
            assert out == "", entry.name
            lines = err.splitlines()
            assert len(lines) == 1, (entry.name, err)
            assert lines[0].startswith(f"lcpipe {command}: {path}: {entry.status}: "), lines[0]
            assert entry.reason in lines[0]
        elif entry.status == "no_points_after_cleaning" and command != "info":
            assert code == 1, entry.name
            assert err.splitlines() == [
                f"lcpipe {command}: {path}: {entry.status}: {err.split(': ', 3)[3].strip()}"
            ]
            assert entry.reason in err
        else:
            assert code in (0, 1), entry.name  # 1: the fit or search itself did not succeed
            assert out, entry.name


def test_dips_one_row_and_line_per_file(written, tmp_path, capsys):
    paths = [str(path) for path, _ in written]
    assert main(["dips", *paths, "--out", str(tmp_path / "dips.parquet")]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    progress = [line for line in err.splitlines() if line.startswith("[")]
    assert len(progress) == len(paths)
    table = pd.read_parquet(tmp_path / "dips.parquet")
    assert table["path"].tolist() == paths
    for (path, entry), (_, row), line in zip(written, table.iterrows(), progress, strict=True):
        if entry.status in READ_FAILURES:
            assert row["status"] == entry.status, entry.name
            assert row["reason"], entry.name
            assert entry.reason in row["reason"], entry.name
            assert f"{path.name}: {entry.status}: " in line


#: (command, corpus files) run through the installed ``lcpipe`` script (each start costs seconds).
SUBPROCESS_SAMPLE = (
    ("info", ("comma_comma.csv",)),
    ("fit", ("no_err.csv",)),
    ("anomaly", ("truncated.dat2.gz",)),
    ("dips", ("c0.dat2.gz", "latin1.csv", "garbage.parquet", "zero_errors.csv")),
)


@pytest.mark.parametrize(("command", "names"), SUBPROCESS_SAMPLE, ids=[c for c, _ in SUBPROCESS_SAMPLE])
def test_cli_subprocess_sample(command, names, written, tmp_path):
    by_name = {entry.name: (path, entry) for path, entry in written}
    paths = [str(by_name[name][0]) for name in names]
    extra = ["--out", str(tmp_path / "dips.parquet")] if command == "dips" else []
    lcpipe = str(Path(sys.executable).parent / "lcpipe")  # the installed console script
    result = subprocess.run([lcpipe, command, *paths, *extra], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    if command == "dips":
        assert result.returncode == 0
        assert len([line for line in lines if line.startswith("[")]) == len(paths)
        statuses = pd.read_parquet(tmp_path / "dips.parquet")["status"].tolist()
        expected = [by_name[name][1].status for name in names]
        assert [st for st, ex in zip(statuses, expected, strict=True) if ex in READ_FAILURES] == [
            ex for ex in expected if ex in READ_FAILURES
        ]
        assert statuses[0] == "ok"
    else:
        entry = by_name[names[0]][1]
        assert result.returncode == 1
        assert result.stdout == ""
        assert lines == [f"lcpipe {command}: {paths[0]}: {entry.status}: {lines[0].split(': ', 3)[3]}"]


def test_refused_decimal_commas_make_info_exit_nonzero(written, capsys):
    path = next(path for path, entry in written if entry.name == "comma_comma.csv")
    assert main(["info", str(path)]) == 1
    assert "decimal_comma" in capsys.readouterr().err
