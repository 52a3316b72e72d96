"""Report helpers: attrition counts from fixture tables, combined bins, HTML pages and run files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lcpipe.report.attrition import attrition_table, combine_attrition
from lcpipe.report.html import candidates_page, run_info_page, table_html
from lcpipe.stages.report import write_bin_report
from lcpipe.stages.run_report import write_run_report
from lcpipe.tables import write_table


@pytest.fixture
def events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_id": ["a", "b", "c", "d", "e"],
            "tag_status": ["ok", "ok", "ok", "ok", "missing_file"],
            "tag_passed_tags": pd.array([True, True, True, False, pd.NA], dtype="boolean"),
            "pspl_status": ["ok", "ok", "too_few_points", "ok", "not_in_table"],
            "pspl_is_event": pd.array([True, False, False, False, pd.NA], dtype="boolean"),
            "anomaly_has_candidate": pd.array([True, False, False, False, pd.NA], dtype="boolean"),
            "dip_status": ["ok", "ok", "ok", "skipped_tags", "not_in_table"],
            "dip_significant": pd.array([False, True, True, pd.NA, pd.NA], dtype="boolean"),
            "jump_significant": pd.array([True, False, False, pd.NA, pd.NA], dtype="boolean"),
        }
    )


@pytest.fixture
def candidates() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_id": ["a", "b"],
            "candidate_type": ["microlensing_anomaly+jump", "dip"],
            "family_microlensing": [True, False],
            "family_dip": [False, True],
            "family_jump": [True, False],
            "pspl_tE": [20.0, 3.0],
            "dip_log_bf": [-1.0, 40.0],
        }
    )


@pytest.fixture
def vetted(candidates) -> pd.DataFrame:
    return candidates.assign(
        gaia_status=["ok", "no_match"], known_variable=[False, True], vsx_class=[None, "EA"]
    )


def _counts(table: pd.DataFrame) -> dict[str, int]:
    return dict(zip(table["stage"], table["count"], strict=True))


def test_attrition_counts_each_stage(events, candidates, vetted):
    table = attrition_table(events, candidates, vetted, mag_bin="12_12.5")
    counts = _counts(table)
    assert counts["sources in the bin"] == 5
    assert counts["light curve read"] == 4
    assert counts["passed the tag cuts"] == 3  # missing counts as not passed
    assert counts["PSPL fit converged"] == 3
    assert counts["significant PSPL event"] == 1
    assert counts["anomaly found by the scan"] == 1
    assert counts["dip search ran"] == 3
    assert counts["significant dip"] == 2
    assert counts["significant jump"] == 1
    assert counts["candidates after the filter"] == 2
    assert counts["candidates in the jump family"] == 1
    assert counts["with a Gaia-like counterpart"] == 1
    assert counts["known variables"] == 1
    assert counts["new candidates (not known variables)"] == 1
    assert table["percent"].iloc[0] == 100.0
    assert table["percent"].iloc[1] == pytest.approx(80.0)
    assert (table["mag_bin"] == "12_12.5").all()
    assert table["step"].tolist() == list(range(1, len(table) + 1))


def test_stages_that_did_not_run_are_left_out(events):
    table = attrition_table(events.drop(columns=["anomaly_has_candidate"]))
    assert "anomaly found by the scan" not in set(table["stage"])
    assert "candidates after the filter" not in set(table["stage"])


def test_empty_bin_has_zero_counts_and_nan_percent(events):
    table = attrition_table(events.iloc[:0], events.iloc[:0].assign(family_dip=pd.Series(dtype=bool)))
    assert (table["count"] == 0).all()
    assert table["percent"].isna().all()


def test_combine_bins_side_by_side(events, candidates, vetted):
    one = attrition_table(events, candidates, vetted, mag_bin="12_12.5")
    two = attrition_table(events.iloc[:2], mag_bin="13_13.5")
    wide = combine_attrition([one, two])
    assert list(wide.columns) == ["12_12.5", "13_13.5", "all bins"]
    assert list(wide.index) == list(one["stage"])  # step order of the fuller table
    assert wide.loc["sources in the bin"].tolist() == [5, 2, 7]
    assert wide.loc["known variables"].tolist() == [1, 0, 1]


def _sections(page: str) -> dict[str, str]:
    """Candidate page split into its family sections, by heading."""
    return {part.split("</h2>")[0]: part for part in page.split("<h2>")[1:]}


def test_pages_escape_text_and_format_numbers(vetted):
    page = candidates_page(vetted.assign(vsx_class=["<b>", "EA"]), "12_12.5", max_rows=10)
    assert "&lt;b&gt;" in page
    assert "<b>" not in page.split("<body>")[1]
    html = table_html(pd.DataFrame({"x": [1.23456789, np.nan], "flag": [True, False]}))
    assert ">1.235<" in html
    assert ">yes<" in html
    located = candidates_page(vetted.assign(ra=[266.123456789, 1.0], dec=[-29.5, 2.0]), "x", 10)
    assert ">266.12346<" in located
    assert ">-29.50000<" in located
    assert 'title="ra">RA (deg)<' in located  # header label with the column name as tooltip
    assert "No candidates" in candidates_page(vetted.iloc[:0], "x", 10)
    info = run_info_page(
        {"bins": ["12_12.5"], "filter": {"dips": {"min_bayes_factor": 10.0}}}, {"lcpipe": "1.0"}
    )
    assert "min_bayes_factor: 10.0" in info


def test_candidates_listed_per_family(vetted):
    sections = _sections(candidates_page(vetted, "12_12.5", max_rows=10))
    assert list(sections) == ["Microlensing", "Dimming (dips)", "Brightening (jumps)"]
    assert ">a<" in sections["Microlensing"]
    assert ">b<" not in sections["Microlensing"]
    assert ">b<" in sections["Dimming (dips)"]
    assert ">a<" not in sections["Dimming (dips)"]
    assert ">40.0<" in sections["Dimming (dips)"]  # ln Bayes factor, one decimal
    assert ">a<" in sections["Brightening (jumps)"]


def test_candidates_new_first_then_strongest():
    vetted = pd.DataFrame(
        {
            "source_id": ["weak", "known", "strong", "unranked"],
            "family_dip": [True, True, True, True],
            "dip_log_bf": [20.0, 500.0, 90.0, np.nan],
            "known_variable": [False, True, False, False],
        }
    )
    section = _sections(candidates_page(vetted, "x", max_rows=10))["Dimming (dips)"]
    order = [section.index(f">{name}<") for name in ("strong", "weak", "unranked", "known")]
    assert order == sorted(order)
    assert "3 not known variables" in candidates_page(vetted, "x", max_rows=10)
    first_two = _sections(candidates_page(vetted, "x", max_rows=2))["Dimming (dips)"]
    assert "first 2 shown" in first_two
    assert ">weak<" in first_two
    assert ">unranked<" not in first_two


def test_report_files_written(tmp_path, events, candidates, vetted):
    for name, table in (("events", events), ("candidates", candidates), ("vetted", vetted)):
        write_table(table, tmp_path / f"{name}.parquet")
    out = tmp_path / "report"
    table = write_bin_report(
        tmp_path / "events.parquet",
        tmp_path / "candidates.parquet",
        tmp_path / "vetted.parquet",
        out / "attrition.tsv",
        out / "attrition.html",
        out / "candidates.html",
        mag_bin="12_12.5",
    )
    back = pd.read_csv(out / "attrition.tsv", sep="\t", dtype={"mag_bin": str})
    assert back["count"].tolist() == table["count"].tolist()
    wide = write_run_report(
        [out / "attrition.tsv"],
        out / "all.html",
        out / "all.png",
        out / "info.html",
        config={"bins": ["12_12.5"]},
    )
    assert wide.loc["sources in the bin", "all bins"] == 5
    assert (out / "all.png").read_bytes().startswith(b"\x89PNG")
    assert "numpy" in (out / "info.html").read_text()
