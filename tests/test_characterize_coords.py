"""Galactic coordinates against the defining ICRS positions of the Galactic pole and centre."""

import numpy as np
import pytest

from lcpipe.characterize.coords import galactic_coordinates


def test_galactic_centre_and_north_pole():
    # ICRS positions of (l, b) = (0, 0) and of the north Galactic pole (b = +90).
    l_deg, b_deg = galactic_coordinates(np.array([266.40499, 192.85948]), np.array([-28.93617, 27.12825]))
    assert min(l_deg[0], 360.0 - l_deg[0]) == pytest.approx(0.0, abs=1e-4)
    assert b_deg[0] == pytest.approx(0.0, abs=1e-4)
    assert b_deg[1] == pytest.approx(90.0, abs=1e-4)


def test_bad_coordinates_give_nan():
    l_deg, b_deg = galactic_coordinates(np.array([np.nan, 10.0, 10.0]), np.array([0.0, np.inf, 91.0]))
    assert np.isnan(l_deg).all()
    assert np.isnan(b_deg).all()


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match="differ in length"):
        galactic_coordinates(np.zeros(2), np.zeros(3))
