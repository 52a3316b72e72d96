"""Dip injection-recovery on synthetic quiet hosts: recovery, determinism, resume, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lcpipe.evaluation.chunks import chunk_path
from lcpipe.evaluation.dip_injection import (
    DipInjectionOptions,
    inject_dip,
    plan_dip_trials,
    run_dip_injection,
)
from lcpipe.evaluation.hosts import host_from_lightcurve
from lcpipe.lightcurve import make_lightcurve


def quiet_host(seed: int, mag: float, span: float = 1200.0):
    """A constant star seen by two cameras every ~2 days with 0.02 mag Gaussian noise."""
    rng = np.random.default_rng(seed)
    time = np.sort(rng.uniform(0.0, span, int(span / 2)))
    err = np.full(time.size, 0.02)
    camera = np.where(np.arange(time.size) % 2 == 0, "ba", "bb")
    lc = make_lightcurve(time, mag=mag + rng.normal(0.0, 0.02, time.size), mag_err=err, camera=camera,
                         band="V", meta={"source_id": f"h{seed}"})  # fmt: skip
    return host_from_lightcurve(lc)


HOSTS = [quiet_host(1, 12.2), quiet_host(2, 12.3), quiet_host(3, 12.8)]

SMALL = {
    "depth_mag": (0.01, 0.02, 0.5, 1.0),
    "duration_days": (20.0, 40.0),
    "host_mag": (12.0, 12.5, 13.0),
    "trials_per_cell": 2,
    "chunk_size": 4,
}


def test_inject_dip_keeps_cadence_and_deepens():
    host = HOSTS[0]
    injected = inject_dip(host, t0=600.0, depth_mag=0.5, duration_days=30.0, alpha=0.0)
    np.testing.assert_array_equal(injected.lc.time, host.lc.time)
    np.testing.assert_array_equal(injected.lc.mag_err, host.lc.mag_err)
    delta = injected.lc.mag - host.lc.mag
    assert delta.max() == pytest.approx(0.5, abs=0.02)  # deepest sampled point near t0
    assert np.all(delta[np.abs(host.lc.time - 600.0) > 100.0] < 1e-6)


def test_recovery_of_deep_dips_and_none_of_imperceptible_ones(tmp_path):
    trials = run_dip_injection(HOSTS, DipInjectionOptions(**SMALL), tmp_path)
    assert (trials["status"] == "ok").all()
    assert not trials["recovered_before"].any()  # quiet hosts: nothing in the window before
    deep = trials["depth_mag_bin"] == 2
    shallow = trials["depth_mag_bin"] == 0
    assert trials.loc[deep, "recovered_after"].all()
    assert not trials.loc[shallow, "recovered_after"].any()  # 0.01-0.02 mag under 0.02 mag noise
    assert set(trials["host_mag_bin"]) == {0, 1}
    assert (trials.loc[trials["host_mag_bin"] == 1, "source_id"] == "h3").all()


def test_same_seed_same_table_and_resume(tmp_path):
    options = DipInjectionOptions(**SMALL)
    first = run_dip_injection(HOSTS, options, tmp_path / "a")
    chunk_path(tmp_path / "a", 1).unlink()
    resumed = run_dip_injection(HOSTS, options, tmp_path / "a")
    fresh = run_dip_injection(HOSTS, options, tmp_path / "b")
    pd.testing.assert_frame_equal(first, resumed)
    pd.testing.assert_frame_equal(first, fresh)
    other = plan_dip_trials(HOSTS, DipInjectionOptions(**{**SMALL, "seed": 1}))
    assert not np.allclose(other["depth_mag"], first["depth_mag"])


def test_hosts_too_short_for_the_duration():
    with pytest.raises(ValueError, match=r"hosts too short.*500-day dip.*1500 days"):
        plan_dip_trials(HOSTS, DipInjectionOptions(**{**SMALL, "duration_days": (20.0, 500.0)}))


def test_magnitude_slice_without_hosts():
    with pytest.raises(ValueError, match=r"no host has a median magnitude in \[13, 13.5\]"):
        plan_dip_trials(HOSTS, DipInjectionOptions(**{**SMALL, "host_mag": (12.0, 13.0, 13.5)}))


def test_no_hosts():
    with pytest.raises(ValueError, match="no host light curve"):
        plan_dip_trials([], DipInjectionOptions(**SMALL))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"depth_mag": (0.5, 0.1)}, "depth_mag: inverted"),
        ({"duration_days": (5.0, 5.0)}, "duration_days: empty"),
        ({"host_mag": (13.0,)}, "host_mag: need at least two"),
        ({"skew_alpha": (2.0, -2.0)}, "skew_alpha: inverted"),
        ({"trials_per_cell": 0}, "trials_per_cell"),
    ],
)
def test_bad_options(change, message):
    with pytest.raises(ValueError, match=message):
        DipInjectionOptions(**{**SMALL, **change})
