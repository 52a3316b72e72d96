"""``snakemake --report`` of the small demo run: every bin's pages, every candidate plot and the run pages."""

from __future__ import annotations

import zipfile
from pathlib import PurePosixPath

import pandas as pd
import pytest


@pytest.fixture(scope="module")
def report_zip(demo_run):
    """The demo run's report as a zip archive, with its member names by file name."""
    demo_run.run("--report", "report.zip")
    archive = zipfile.ZipFile(demo_run.root / "report.zip")
    names: dict[str, list[str]] = {}
    for member in archive.namelist():
        names.setdefault(PurePosixPath(member).name, []).append(member)
    return archive, names


def test_report_has_a_page_of_each_kind_for_every_bin_and_the_run(demo_run, report_zip):
    archive, names = report_zip
    bins = demo_run.config["bins"]
    assert len(names["candidates.html"]) == len(bins)
    assert len(names["attrition.html"]) == len(bins) + 1  # each bin's and the run's
    assert len(names["attrition.png"]) == 1
    assert len(names["run_info.html"]) == 1
    page = archive.read(names["report.html"][0]).decode()
    for category in [*(f"Bin {b}" for b in bins), "Run"]:
        assert category in page


def test_report_holds_every_candidate_plot(demo_run, report_zip):
    _, names = report_zip
    listed = [
        name
        for mag_bin in demo_run.config["bins"]
        for files in pd.read_parquet(demo_run.results / mag_bin / "plots.parquet")["files"]
        for name in files.split(",")
        if name
    ]
    assert listed, "the small demo should have candidates with plots"
    missing = [name for name in listed if name not in names]
    assert not missing


def test_candidate_pages_name_the_families_and_vetted_table(demo_run, report_zip):
    archive, names = report_zip
    pages = [archive.read(member).decode() for member in names["candidates.html"]]
    assert any("<h2>Microlensing</h2>" in page for page in pages)
    for mag_bin in demo_run.config["bins"]:
        assert any(f"results/{mag_bin}/vetted.parquet" in page for page in pages)
