"""Structure-function pair sums: the compiled loop against the NumPy reference."""

import numpy as np
import pytest

from lcpipe.kernels.ltv_structure_function import structure_function_sums


@pytest.mark.parametrize("n", [0, 1, 2, 57, 400])
def test_compiled_sums_match_the_reference(n):
    rng = np.random.default_rng(n)
    t = np.sort(rng.uniform(0.0, 3000.0, n))
    y, v = rng.normal(0.0, 0.1, n), rng.uniform(1e-4, 4e-4, n)
    edges = np.linspace(0.5, 3.2, 12)
    fast = structure_function_sums(t, y, v, edges)
    slow = structure_function_sums(t, y, v, edges, method="slow")
    np.testing.assert_array_equal(fast[:, 0], slow[:, 0])
    np.testing.assert_allclose(fast[:, 1:], slow[:, 1:], rtol=1e-10, atol=1e-14)


def test_every_pair_in_range_is_counted_once():
    t = np.array([0.0, 1.0, 10.0, 100.0])
    out = structure_function_sums(t, np.zeros(4), np.ones(4), np.array([-0.5, 0.5, 1.5, 2.5]))
    # lags 1, 10, 100, 9, 99, 90; log10 bins [-0.5, 0.5): {1}, [0.5, 1.5): {10, 9}, [1.5, 2.5): {100, 99, 90}
    np.testing.assert_array_equal(out[:, 0], [1, 2, 3])
    np.testing.assert_array_equal(out[:, 2], [2, 4, 6])


def test_unsorted_time_and_uneven_edges_are_refused():
    with pytest.raises(ValueError, match="sorted"):
        structure_function_sums(np.array([2.0, 1.0]), np.zeros(2), np.ones(2), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="evenly"):
        structure_function_sums(np.array([1.0, 2.0]), np.zeros(2), np.ones(2), np.array([0.0, 1.0, 3.0]))


@pytest.mark.parametrize("n", [1, 2, 30, 300])
def test_compiled_drw_likelihood_matches_celerite2(n):
    from lcpipe.kernels.ltv_drw import drw_log_likelihood

    rng = np.random.default_rng(n)
    t = np.sort(rng.uniform(0.0, 3000.0, n))
    y, e = rng.normal(0.0, 0.1, n), rng.uniform(0.005, 0.03, n)
    for sigma, tau in ((0.1, 200.0), (0.01, 5.0), (0.3, 5000.0)):
        fast = drw_log_likelihood(t, y, e, sigma, tau)
        slow = drw_log_likelihood(t, y, e, sigma, tau, method="slow")
        assert fast == pytest.approx(slow, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("phi", [0.01, 0.5, 0.99, 0.999999])
def test_compiled_iar_likelihood_matches_the_reference(phi):
    from lcpipe.kernels.ltv_iar import iar_negative_log_likelihood

    rng = np.random.default_rng(7)
    t = np.sort(rng.uniform(0.0, 3000.0, 200))
    y, e = rng.normal(0.0, 1.0, 200), rng.uniform(0.05, 0.3, 200)
    fast = iar_negative_log_likelihood(phi, t, y, e)
    slow = iar_negative_log_likelihood(phi, t, y, e, method="slow")
    assert fast == pytest.approx(slow, rel=1e-10)
