"""``lcpipe fit`` / ``lcpipe anomaly`` and the pipeline's PSPL stage fit the same file the same way: the
dominant band of a two-band magnitude file, as flux on the fit zero point (one fit input function)."""

import json

import numpy as np
import pytest

from lcpipe.cli import main
from lcpipe.simulate.signals import pspl_magnification
from lcpipe.simulate.writers import write_dat2
from lcpipe.stages.microlensing import EVENTS_SECTION, PSPL_SECTION, fit_source

#: Fit parameters compared (the stage's ``pspl_<name>`` columns).
COMPARED = ("t0", "tE", "u0", "fs", "fb", "chi2", "dof", "dchi2_const", "n_points", "status")


@pytest.fixture(scope="module")
def two_band_event(tmp_path_factory):
    """A .dat2 microlensing event seen by two V cameras (300 points) and one g camera (120 points)."""
    rng = np.random.default_rng(14)
    t_v = np.sort(rng.uniform(7000.0, 7400.0, 300))
    t_g = np.sort(rng.uniform(7150.0, 7400.0, 120))
    jd = np.concatenate([t_v, t_g])
    band = np.concatenate([np.ones(t_v.size, int), np.zeros(t_g.size, int)])
    camera = np.concatenate([rng.integers(0, 2, t_v.size), np.full(t_g.size, 2)])
    base = np.where(band == 1, 13.0, 13.6)
    mag_err = np.full(jd.size, 0.01)
    mag = base - 2.5 * np.log10(pspl_magnification(jd, 7200.0, 25.0, 0.3)) + rng.normal(0, 0.01, jd.size)
    order = np.argsort(jd, kind="stable")
    path = tmp_path_factory.mktemp("event") / "424242.dat2"
    names = np.array(["ba/f1", "bb/f1", "bi/f1"])
    write_dat2(path, jd[order], mag[order], mag_err[order], np.ones(jd.size, int), camera[order],
               band[order], np.zeros(jd.size, int), names[camera[order]])  # fmt: skip
    return path


@pytest.fixture(scope="module")
def pipeline_fit(two_band_event):
    """The PSPL stage's row for the file, with the config's default sections."""
    row = {"source_id": "424242", "mag_bin": "13_13.5", "path": str(two_band_event), "status": "ok"}
    return fit_source(
        row, options=PSPL_SECTION.build({}), selection=EVENTS_SECTION.build({}), read={}, cleaning={}
    )


def _cli_json(capsys, *argv):
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_stage_fits_the_dominant_band(pipeline_fit):
    assert pipeline_fit["status"] == "ok"
    assert pipeline_fit["pspl_band"] == "V"
    assert pipeline_fit["pspl_n_points"] == 300  # the g points are not fitted
    assert pipeline_fit["pspl_t0"] == pytest.approx(7200.0, abs=0.5)


def test_lcpipe_fit_gives_the_stage_fit(capsys, two_band_event, pipeline_fit):
    code, cli = _cli_json(capsys, "fit", str(two_band_event), "--json")
    assert code == 0
    assert {name: cli[name] for name in COMPARED} == {name: pipeline_fit[f"pspl_{name}"] for name in COMPARED}


def test_lcpipe_anomaly_fits_like_the_stage(capsys, two_band_event, pipeline_fit):
    code, cli = _cli_json(capsys, "anomaly", str(two_band_event), "--json")
    assert code == 0
    assert {f"pspl_{name}": cli[f"pspl_{name}"] for name in COMPARED} == {
        f"pspl_{name}": pipeline_fit[f"pspl_{name}"] for name in COMPARED
    }
