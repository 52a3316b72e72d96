"""The per-source runner: data faults mark the source, system faults and systemic failures stop the job,
and timings stay out of the stage tables."""

from __future__ import annotations

import errno
from pathlib import Path

import pandas as pd
import pytest

from lcpipe.stages.runner import SystemicFailure, run_per_source, run_shard, write_timings
from lcpipe.tables import read_table, write_table

DATA = Path(__file__).parent / "data"


def _rows(n: int) -> list[dict]:
    return [{"source_id": f"s{i}", "shard": 0} for i in range(n)]


def test_a_data_fault_marks_only_that_source():
    def func(row):
        if row["source_id"] == "s1":
            raise ValueError("corrupt light curve")
        return {"status": "ok"}

    table = run_per_source(_rows(4), func, stage="tag")
    assert table["status"].tolist() == ["ok", "error", "ok", "ok"]
    assert table.loc[1, "error"] == "ValueError: corrupt light curve"


@pytest.mark.parametrize(
    "fault",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        OSError(errno.EIO, "Input/output error"),
        PermissionError(errno.EACCES, "Permission denied"),
        MemoryError(),
        KeyboardInterrupt(),
    ],
    ids=["ENOSPC", "EIO", "EACCES", "MemoryError", "KeyboardInterrupt"],
)
def test_system_faults_stop_the_job(fault):
    def func(row):
        if row["source_id"] == "s2":
            raise fault
        return {"status": "ok"}

    with pytest.raises(type(fault)):
        run_per_source(_rows(5), func, stage="plots")


def test_most_sources_failing_the_same_way_fails_the_shard_with_the_message():
    def func(row):
        raise TypeError("read_table_lightcurve() got an unexpected keyword argument 'time_column'")

    with pytest.raises(SystemicFailure, match=r"tag: 4 of 4 sources failed .* 'time_column'"):
        run_per_source(_rows(4), func, stage="tag")


def test_a_few_failures_of_the_same_kind_are_data_not_a_bug():
    def func(row):
        if row["source_id"] in ("s0", "s1", "s2"):
            raise ValueError("too few points")
        return {"status": "ok"}

    table = run_per_source(_rows(7), func, stage="pspl_fit")  # 3 of 7: not most
    assert (table["status"] == "error").sum() == 3


def test_timings_go_to_their_own_table_not_the_stage_table(tmp_path):
    manifest = tmp_path / "manifest.parquet"
    write_table(pd.DataFrame(_rows(3)), manifest)

    def func(row):
        return {"status": "ok", "value": 1.0, "time_scan_s": 0.25}

    out, timings = tmp_path / "out.parquet", tmp_path / "0.sources.tsv"
    run_shard(manifest, 0, out, func, stage="anomaly_scan", options={}, timings_output=timings)
    table, measured = read_table(out), pd.read_csv(timings, sep="\t", dtype={"source_id": str})
    assert "elapsed_s" not in table
    assert "time_scan_s" not in table
    assert measured["source_id"].tolist() == ["s0", "s1", "s2"]
    assert (measured["time_scan_s"] == 0.25).all()
    assert (measured["elapsed_s"] >= 0).all()


def test_empty_timings_write_a_readable_table(tmp_path):
    path = write_timings([], tmp_path / "t.sources.tsv")
    assert pd.read_csv(path, sep="\t").columns.tolist() == ["source_id", "elapsed_s"]


def test_a_full_disk_while_plotting_fails_the_plots_job_instead_of_marking_the_candidate(
    tmp_path, monkeypatch
):
    from lcpipe.stages import plots as plots_stage

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "plots" / "x_lightcurve.png"))

    monkeypatch.setattr(plots_stage, "read_dip_curves", lambda *args, **kwargs: {"377957522430": {}})
    monkeypatch.setattr(plots_stage, "plot_data", lambda *args, **kwargs: None)
    monkeypatch.setattr(plots_stage, "save_dip_plot", no_space)
    vetted = tmp_path / "vetted.parquet"
    path = str(DATA / "asassn_dips" / "377957522430-light-curves.csv")
    write_table(
        pd.DataFrame({"source_id": ["377957522430"], "path": [path], "family_dip": [True], "mag_bin": ["x"]}),
        vetted,
    )
    index = tmp_path / "plots.parquet"
    with pytest.raises(OSError, match="No space left"):
        plots_stage.write_bin_plots(
            vetted, tmp_path / "plots", index, plots={}, read={}, cleaning={}, dips={}, pspl={}, anomaly={}
        )
    assert not index.exists()  # no index that would make Snakemake think the plots were done
