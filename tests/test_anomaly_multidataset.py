"""Joint anomaly scan of several data sets on real planetary events, and which data sets carry the signal."""

import argparse
import json
from pathlib import Path

import numpy as np
import pytest

from lcpipe.cli import anomaly as anomaly_cli
from lcpipe.microlensing.datasets import dataset_support
from lcpipe.microlensing.fit_input import fit_input, load_event
from lcpipe.microlensing.grid import ScanOptions

DATA = Path(__file__).parent / "data" / "microlensing"
OB05390 = sorted((DATA / "OB05390").glob("*.dat"))
MB07192 = sorted((DATA / "MB07192").glob("*.tbl"))
MB09319 = sorted((DATA / "MB09319").glob("lcMB09319ao.*"))
HJD = 2450000.0


def _run_cli(argv):
    parser = argparse.ArgumentParser(prog="lcpipe")
    anomaly_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["anomaly", *argv])
    return args.func(args)


@pytest.fixture(scope="module")
def ob05390():
    curves, status, _ = load_event(OB05390, format="phot")
    assert status == "ok"
    return fit_input(curves).find()


def test_ob05390_strongest_cluster_is_the_published_planet(ob05390):
    """Beaulieu et al. (2006): the planet's bump is at HJD' 3592.1-3593.2, seen by Danish, OGLE, Perth
    and MOA."""
    summary = ob05390.summary_dict()
    assert summary["n_datasets"] == 6
    assert 3592.1 <= summary["top_t0"] - HJD <= 3593.2
    carriers = summary["top_datasets"].split(",")
    assert "Danish_I" in carriers
    assert set(carriers) <= {"Danish_I", "OGLE_I", "Perth_I", "MOA_r"}


def test_dataset_parts_add_up_to_the_cluster(ob05390):
    table = ob05390.support["top"]
    cluster = ob05390.clusters.iloc[ob05390.top]
    assert table["dchi2_joint"].sum() == pytest.approx(cluster["dchi2"], rel=1e-6)
    assert table["share"].sum() == pytest.approx(1.0, rel=1e-9)
    again = dataset_support(
        ob05390.time, ob05390.residuals, 1.0 / ob05390.flux_err**2, ob05390.group,
        ob05390.dataset_labels, cluster, ScanOptions(), method="slow",
    )  # fmt: skip
    np.testing.assert_allclose(again["dchi2_own"], table["dchi2_own"], rtol=1e-8, atol=1e-8)


def test_each_dataset_has_its_own_error_scale(ob05390):
    scales = dict(item.split("=") for item in ob05390.summary_dict()["error_scales"].split(","))
    assert set(scales) == {p.stem for p in OB05390}
    values = np.array([float(scales[label]) for label in ob05390.dataset_labels])
    assert np.all(values >= 1.0)
    # each at most its data set's chi2/dof factor (the planet's misfit does not inflate it)
    fit = ob05390.fit
    group = np.asarray(fit.group)
    pull2 = (fit.residuals / fit.flux_err) ** 2
    n_k = np.bincount(group)
    chi2_factor = np.sqrt(np.bincount(group, pull2) / (n_k - 2.0 - 3.0 * n_k / group.size))
    assert np.all(values <= np.maximum(chi2_factor, 1.0) + 1e-9)
    assert np.any(values < chi2_factor - 0.1)  # MOA's 28 points hold the planet


def test_mb07192_strongest_cluster_at_the_peak_anomaly():
    """Bennett et al. (2008): the planet's signal is at the peak, HJD' ~4244.9 (peak region
    4244.4-4245.4, its residuals reach 4246.3), in the MOA data (file _001): the strongest cluster's
    window (``|t - t0| < 3 teff``) overlaps the peak region."""
    curves, status, _ = load_event(MB07192)
    assert status == "ok"
    result = fit_input(curves).find()
    summary = result.summary_dict()
    half = 3.0 * summary["top_teff"]
    assert 4244.4 - half <= summary["top_t0"] - HJD <= 4245.4 + half
    assert summary["top_t0"] - HJD <= 4246.3
    assert summary["top_main_dataset"] == "UID_0300077_PLC_001"


def test_mb09319_difference_fluxes_with_an_inverted_site():
    """Miyake et al. (2011): the caustic crossings lie in HJD' 5005.5-5008.4; five difference-flux
    files, FTN sign-inverted."""
    curves, status, reports = load_event(MB09319, format="dia")
    assert status == "ok"
    assert sum(r.n_kept for r in reports) == sum(r.n_input for r in reports)  # baseline kept
    result = fit_input(curves).find()
    assert result.status == "ok"
    assert 5005.5 <= result.summary_dict()["top_t0"] - HJD <= 5008.4


def test_cli_json_keys_for_several_files(capsys):
    assert _run_cli([*map(str, MB07192), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("has_candidate", "best_t0", "best_teff", "best_dchi2", "best_score", "top_t0"):
        assert key in out
    assert out["n_datasets"] == 2
    assert out["top_main_dataset"] == "UID_0300077_PLC_001"
    assert "UID_0300077_PLC_002=" in out["error_scales"]


def test_cli_text_lists_datasets(capsys):
    assert _run_cli(list(map(str, MB07192))) == 0
    text = capsys.readouterr().out
    assert "data sets         2" in text
    assert "UID_0300077_PLC_001" in text
