"""Proper-motion propagation and nearest-match crossmatch of the characterize stage."""

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import Distance, SkyCoord
from astropy.time import Time

from lcpipe.characterize.crossmatch import match_with_proper_motion, nearest_within, propagate_linear

# Barnard's star, Gaia DR3 (epoch 2016.0): the largest proper motion in the sky.
BARNARD = {"ra": 269.44850252543836, "dec": 4.739420051112412, "pmra": -801.551, "pmdec": 10362.394}
BARNARD_PARALLAX_MAS = 546.976


def _astropy_propagate(ra, dec, pmra, pmdec, parallax, epoch_from, epoch_to):
    coord = SkyCoord(
        ra=np.atleast_1d(ra) * u.deg,
        dec=np.atleast_1d(dec) * u.deg,
        pm_ra_cosdec=np.atleast_1d(pmra) * u.mas / u.yr,
        pm_dec=np.atleast_1d(pmdec) * u.mas / u.yr,
        distance=Distance(parallax=np.atleast_1d(parallax) * u.mas),
        radial_velocity=np.zeros(np.size(ra)) * u.km / u.s,
        obstime=Time(epoch_from, format="jyear"),
    )
    return coord.apply_space_motion(new_obstime=Time(epoch_to, format="jyear"))


@pytest.mark.parametrize("dt", [-16.0, -8.0, 10.0])
def test_linear_propagation_matches_astropy_for_barnards_star(dt):
    ra, dec = propagate_linear(
        np.array([BARNARD["ra"]]), np.array([BARNARD["dec"]]), BARNARD["pmra"], BARNARD["pmdec"], dt
    )
    ref = _astropy_propagate(
        **BARNARD, parallax=BARNARD_PARALLAX_MAS, epoch_from=2016.0, epoch_to=2016.0 + dt
    )
    moved = SkyCoord(ra * u.deg, dec * u.deg)
    start = SkyCoord(BARNARD["ra"] * u.deg, BARNARD["dec"] * u.deg)
    assert moved.separation(start).arcsec[0] == pytest.approx(10.393 * abs(dt), rel=1e-3)
    assert moved.separation(ref).to_value(u.mas)[0] < 1e-3


def test_linear_propagation_matches_astropy_across_the_sky():
    rng = np.random.default_rng(11)
    n = 200
    ra = rng.uniform(0, 360, n)
    dec = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    dec[:3] = [89.99, -89.99, 0.0]
    pmra, pmdec = rng.normal(0, 2000, n), rng.normal(0, 2000, n)
    parallax = rng.uniform(50, 500, n)  # keeps velocities physical (< 1000 km/s) for ERFA
    ra2, dec2 = propagate_linear(ra, dec, pmra, pmdec, -16.0)
    ref = _astropy_propagate(ra, dec, pmra, pmdec, parallax, 2016.0, 2000.0)
    assert SkyCoord(ra2 * u.deg, dec2 * u.deg).separation(ref).to_value(u.mas).max() < 1e-3


def test_nan_proper_motion_means_no_motion():
    ra, dec = propagate_linear(np.array([10.0]), np.array([-5.0]), np.nan, np.nan, -16.0)
    assert ra[0] == pytest.approx(10.0, abs=1e-12)
    assert dec[0] == pytest.approx(-5.0, abs=1e-12)


def test_nearest_wins_among_duplicates_and_count_is_recorded():
    cat_ra = np.array([50.0, 50.0 + 2.0 / 3600, 50.0 + 0.5 / 3600, 80.0])
    cat_dec = np.array([10.0, 10.0, 10.0, 10.0])
    res = nearest_within(np.array([50.0, 80.0 + 10.0 / 3600]), np.array([10.0, 10.0]), cat_ra, cat_dec, 3.0)
    assert res.index.tolist() == [0, -1]
    assert res.n_within.tolist() == [3, 0]
    assert res.sep_arcsec[0] == pytest.approx(0.0, abs=1e-9)
    assert np.isnan(res.sep_arcsec[1])


def test_ties_go_to_the_lower_catalog_row():
    res = nearest_within(
        np.array([0.0]), np.array([0.0]), np.array([0.0, 1e-4, 0.0]), np.array([1e-4, 0, -1e-4]), 3.0
    )
    assert res.index[0] == 0
    assert res.n_within[0] == 3


def test_nan_coordinates_and_empty_catalog_give_defined_values():
    res = nearest_within(np.array([np.nan, 1.0, 2.0]), np.array([0.0, np.nan, 95.0]), [1.0], [0.0], 3.0)
    assert res.index.tolist() == [-1, -1, -1]
    assert res.n_within.tolist() == [0, 0, 0]
    assert np.isnan(res.sep_arcsec).all()
    empty = nearest_within(np.array([1.0]), np.array([0.0]), np.array([]), np.array([]), 3.0)
    assert empty.index.tolist() == [-1]
    nan_cat = nearest_within(
        np.array([1.0]), np.array([0.0]), np.array([np.nan, 1.0]), np.array([0.0, 0.0]), 3.0
    )
    assert nan_cat.index.tolist() == [1]


def test_radius_must_be_positive():
    with pytest.raises(ValueError, match="radius_arcsec"):
        nearest_within(np.array([1.0]), np.array([0.0]), [1.0], [0.0], 0.0)


def test_propagation_is_what_makes_a_fast_star_match():
    # Barnard's star seen at its J2000.0 position: 166 arcsec from its 2016.0 catalog position.
    at_2000 = _astropy_propagate(**BARNARD, parallax=BARNARD_PARALLAX_MAS, epoch_from=2016.0, epoch_to=2000.0)
    ra, dec = at_2000.ra.deg, at_2000.dec.deg
    cat = {k: np.array([v]) for k, v in BARNARD.items()}
    res = match_with_proper_motion(
        ra, dec, np.array([2000.0]), cat["ra"], cat["dec"], cat["pmra"], cat["pmdec"], np.array([2016.0]), 1.0
    )
    assert res.index.tolist() == [0]
    assert res.sep_arcsec[0] < 1e-3
    unmoved = nearest_within(ra, dec, cat["ra"], cat["dec"], 1.0)
    assert unmoved.index.tolist() == [-1]


def test_per_row_epochs_are_honoured():
    cat = {
        "ra": np.array([120.0]),
        "dec": np.array([-40.0]),
        "pmra": np.array([0.0]),
        "pmdec": np.array([500.0]),
    }
    # the same star observed at 2000.0 (8 arcsec south of its 2016.0 place) and at 2016.0
    ra = np.array([120.0, 120.0])
    dec = np.array([-40.0 - 8.0 / 3600, -40.0])
    res = match_with_proper_motion(
        ra,
        dec,
        np.array([2000.0, 2016.0]),
        cat["ra"],
        cat["dec"],
        cat["pmra"],
        cat["pmdec"],
        np.array([2016.0]),
        1.0,
    )
    assert res.index.tolist() == [0, 0]
    assert res.sep_arcsec.max() < 1e-3
    with pytest.raises(ValueError, match="finite"):
        match_with_proper_motion(
            ra,
            dec,
            np.array([np.nan, 2000.0]),
            cat["ra"],
            cat["dec"],
            cat["pmra"],
            cat["pmdec"],
            [2016.0],
            1.0,
        )
