"""``snakemake --report`` of the small demo run: every bin's pages, every candidate plot and the run pages."""

from __future__ import annotations

import posixpath
import re
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


def test_candidate_pages_start_with_headline_counts_and_link_every_plot(demo_run, report_zip):
    archive, names = report_zip
    members = set(archive.namelist())
    n_links = 0
    for member in names["candidates.html"]:
        page = archive.read(member).decode()
        assert page.index('class="headline"') < page.index('<p class="note">')  # the counts come first
        for label in ("sources", "candidates", "microlensing", "dip", "jump", "new", "known variables"):
            assert f"<span>{label}</span>" in page
        for href in re.findall(r'<a href="([^"]+\.png)"', page):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(member), href))
            assert target in members, f"{member}: link {href} leads nowhere"
            n_links += 1
    plotted = sum(
        len([n for n in files.split(",") if n])
        for mag_bin in demo_run.config["bins"]
        for files in pd.read_parquet(demo_run.results / mag_bin / "plots.parquet")["files"]
    )
    assert n_links >= plotted  # every plot linked at least once (a source in two families: twice)
    (run_page,) = [
        archive.read(m).decode()
        for m in names["attrition.html"]
        if "Attrition of the run" in archive.read(m).decode()
    ]
    assert run_page.index("The run in numbers") < run_page.index("<table>")
