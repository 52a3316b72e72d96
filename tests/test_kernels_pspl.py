"""Parity of the compiled PSPL kernels with their NumPy references, and the derivatives they encode."""

import numpy as np
import pytest
import VBMicrolensing

from lcpipe.kernels.matched_filter import matched_filter
from lcpipe.kernels.pspl import N_SUMS, levenberg_marquardt, project, projected_sums
from lcpipe.microlensing.coarse import bin_in_time
from lcpipe.microlensing.magnification import pspl_magnification
from lcpipe.microlensing.pspl import PSPLOptions
from lcpipe.microlensing.pspl_problem import Problem


def _event(seed: int, n: int):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0.0, 100.0, n))
    flux = 2.0 * pspl_magnification(t, 50.0, 10.0, 0.2) + 0.5 + rng.normal(0, 0.01, n)
    w = rng.uniform(0.5, 2.0, n) / 0.01**2
    return t, flux, w


#: Blend-flux offsets of the three cameras of :func:`_cameras`.
CAMERA_OFFSETS = np.array([0.0, 0.04, -0.03])


def _cameras(seed: int, n: int):
    """:func:`_event` observed by three cameras (codes 0, 1, 2) with their own blend offsets."""
    t, f, w = _event(seed, n)
    group = np.random.default_rng(seed + 100).integers(0, 3, n)
    return t, f + CAMERA_OFFSETS[group], w, group


def _group_sums(w, f, group):
    return (np.bincount(group, x, 3) for x in (w, w * f, w * f * f))


@pytest.mark.parametrize(
    "theta", [(50.0, np.log(10.0), 0.2), (20.0, np.log(0.5), -0.05), (50.0, 0.0, 0.0), (500.0, 5.0, 3.0)]
)
def test_projected_sums_fast_matches_slow(theta):
    t, f, w = _event(0, 700)
    fast = projected_sums(t, f, w, np.array(theta))
    slow = projected_sums(t, f, w, np.array(theta), method="slow")
    assert fast.shape == (1, N_SUMS)
    np.testing.assert_allclose(fast, slow, rtol=1e-10, atol=1e-12 * np.max(np.abs(slow)))
    t, f, w, group = _cameras(0, 700)
    fast = projected_sums(t, f, w, np.array(theta), group)
    slow = projected_sums(t, f, w, np.array(theta), group, method="slow")
    assert fast.shape == (3, N_SUMS)
    np.testing.assert_allclose(fast, slow, rtol=1e-10, atol=1e-12 * np.max(np.abs(slow)))
    np.testing.assert_allclose(fast.sum(axis=0), projected_sums(t, f, w, np.array(theta))[0], rtol=1e-10)


@pytest.mark.parametrize("method", ["fast", "slow"])
@pytest.mark.parametrize("grouped", [False, True])
def test_projected_gradient_matches_finite_differences(grouped, method):
    t, f, w, group = _cameras(1, 400)
    if not grouped:
        group = np.zeros_like(group)
    sw, sf, sff = (np.bincount(group, x) for x in (w, w * f, w * f * f))
    theta = np.array([49.0, np.log(12.0), 0.25])

    def chi2(th):
        return project(projected_sums(t, f, w, th, group), sw, sf, sff, method=method).chi2

    grad = project(projected_sums(t, f, w, theta, group), sw, sf, sff, method=method).grad
    steps = np.array([1e-5, 1e-6, 1e-7])
    numeric = [
        (chi2(theta + h * e) - chi2(theta - h * e)) / (2 * h) for h, e in zip(steps, np.eye(3), strict=True)
    ]
    np.testing.assert_allclose(grad, numeric, rtol=1e-5)


#: Which cameras of :func:`_cameras` get their own source flux, as the tests vary it.
OWN_FS = {"shared": np.array([False, False, False]), "own": np.array([False, True, False])}


def _design(a, group, own_fs):
    """Weighted least-squares design: columns fs (shared), fs_k of the own-flux cameras, constants."""
    indicators = (group[:, None] == np.arange(3)).astype(float)
    own = indicators[:, own_fs] * a[:, None]
    shared = a * indicators[:, ~own_fs].sum(axis=1)
    return np.column_stack([shared, own, indicators])


@pytest.mark.parametrize("method", ["fast", "slow"])
@pytest.mark.parametrize("own", sorted(OWN_FS))
def test_projection_solves_weighted_least_squares(own, method):
    t, f, w, group = _cameras(2, 300)
    theta = np.array([50.5, np.log(9.0), 0.22])
    sums = projected_sums(t, f, w, theta, group)
    proj = project(sums, *_group_sums(w, f, group), OWN_FS[own], method=method)
    a = pspl_magnification(t, theta[0], np.exp(theta[1]), theta[2]) - 1.0
    design = _design(a, group, OWN_FS[own])
    coef, *_ = np.linalg.lstsq(design * np.sqrt(w)[:, None], f * np.sqrt(w), rcond=None)
    expected_fs = np.full(3, coef[0])
    expected_fs[OWN_FS[own]] = coef[1 : 1 + OWN_FS[own].sum()]
    np.testing.assert_allclose(proj.fs, expected_fs, rtol=1e-9)
    np.testing.assert_allclose(proj.offset, coef[-3:], rtol=1e-9, atol=1e-12)
    at_truth = project(
        projected_sums(t, f, w, np.array([50.0, np.log(10.0), 0.2]), group),
        *_group_sums(w, f, group),
        method=method,
    )
    np.testing.assert_allclose(np.diff(at_truth.offset), np.diff(CAMERA_OFFSETS), atol=3e-3)
    np.testing.assert_allclose(proj.chi2, np.sum(w * (f - design @ coef) ** 2), rtol=1e-8)


@pytest.mark.parametrize("own", sorted(OWN_FS))
def test_curvature_is_kaufmans_projected_jacobian(own):
    t, f, w, group = _cameras(7, 300)
    theta = np.array([50.5, np.log(9.0), 0.22])
    proj = project(projected_sums(t, f, w, theta, group), *_group_sums(w, f, group), OWN_FS[own])
    h = np.array([1e-6, 1e-7, 1e-7])
    jac = np.column_stack(  # dA/dtheta_j by central differences, shape (N, 3)
        [
            (
                pspl_magnification(t, *_physical(theta + h[j] * np.eye(3)[j]))
                - pspl_magnification(t, *_physical(theta - h[j] * np.eye(3)[j]))
            )
            / (2 * h[j])
            for j in range(3)
        ]
    )
    a = pspl_magnification(t, *_physical(theta)) - 1.0
    q, _ = np.linalg.qr(_design(a, group, OWN_FS[own]) * np.sqrt(w)[:, None])
    wj = jac * (proj.fs[group] * np.sqrt(w))[:, None]  # d model / d theta, weighted
    projected = wj - q @ (q.T @ wj)  # orthogonal to the span of the linear parameters' columns
    np.testing.assert_allclose(proj.curvature, projected.T @ projected, rtol=1e-5)


def _physical(theta):
    return theta[0], np.exp(theta[1]), theta[2]


def test_magnification_matches_vbmicrolensing():
    vbm = VBMicrolensing.VBMicrolensing()
    t = np.linspace(-30.0, 40.0, 57)
    u0, te, t0 = 0.13, 11.0, 2.5
    ours = pspl_magnification(t, t0, te, u0)
    u = np.sqrt(u0**2 + ((t - t0) / te) ** 2)
    np.testing.assert_allclose(ours, [vbm.PSPLMag(float(x)) for x in u], rtol=1e-12)
    np.testing.assert_allclose(ours, (u**2 + 2) / (u * np.sqrt(u**2 + 4)), rtol=1e-12)


@pytest.mark.parametrize(("teff", "u0", "half_width"), [(2.0, 0.1, 60.0), (0.5, 1.0, 1.5), (5.0, 0.3, 3.0)])
def test_matched_filter_fast_matches_slow(teff, u0, half_width):
    t, f, w = _event(3, 900)
    tb, fb, wb = bin_in_time(t, f, w, 0.3)
    fast = matched_filter(tb, fb, wb, teff, u0, half_width)
    slow = matched_filter(tb, fb, wb, teff, u0, half_width, method="slow")
    np.testing.assert_allclose(fast, slow, rtol=1e-9, atol=1e-9 * slow.max())
    assert slow.max() > 0


def test_bin_in_time_conserves_weight_and_weighted_flux():
    t, f, w = _event(4, 500)
    tb, fb, wb = bin_in_time(t, f, w, 1.0)
    assert np.all(np.diff(tb) > 0)
    assert wb.sum() == pytest.approx(w.sum(), rel=1e-12)
    assert np.sum(wb * fb) == pytest.approx(np.sum(w * f), rel=1e-12)
    assert np.sum(wb * tb) == pytest.approx(np.sum(w * t), rel=1e-12)


def _problem(seed, n=600, grouped=False, own_fs=None):
    t, f, w, group = _cameras(seed, n)
    if not grouped:
        t, f, w = _event(seed, n)
        group = np.zeros(n, np.int64)
    problem = Problem.from_data(t, f, 1.0 / np.sqrt(w), group, PSPLOptions(u0_max=0.15))
    if own_fs is not None:
        problem.own_fs = own_fs
    return problem


@pytest.mark.parametrize("grouping", ["single", "shared", "own"])
@pytest.mark.parametrize("theta", [(50.0, np.log(10.0), 0.2), (45.0, np.log(30.0), 0.05), (60.0, 1.0, 0.3)])
def test_projection_kernel_matches_numpy(theta, grouping):
    problem = _problem(5, grouped=grouping != "single", own_fs=OWN_FS.get(grouping))
    sums = projected_sums(problem.t, problem.f, problem.w, np.array(theta), problem.group)
    args = (sums, problem.sw, problem.sf, problem.sff, problem.own_fs)
    reference = project(*args, method="slow")
    compiled = project(*args)
    assert compiled.chi2 == pytest.approx(reference.chi2, rel=1e-12)
    np.testing.assert_allclose(compiled.fs, reference.fs, rtol=1e-12)
    np.testing.assert_allclose(compiled.offset, reference.offset, rtol=1e-10, atol=1e-12)
    grad_scale = np.abs(reference.grad).max()
    np.testing.assert_allclose(compiled.grad, reference.grad, rtol=1e-10, atol=1e-10 * grad_scale)
    curvature_scale = np.abs(compiled.curvature).max()
    np.testing.assert_allclose(
        compiled.curvature, reference.curvature, rtol=1e-10, atol=1e-12 * curvature_scale
    )


def test_projection_of_a_constant_template_is_degenerate():
    t, f, w = _event(8, 50)
    flat = np.array([50.0, np.log(1e12), 0.5])  # tE of 1e12 days: A - 1 is the same at every point
    sums = projected_sums(t, f, w, flat)
    sw, sf, sff = (np.array([x.sum()]) for x in (w, w * f, w * f * f))
    assert project(sums, sw, sf, sff) is None
    assert project(sums, sw, sf, sff, method="slow") is None


@pytest.mark.parametrize(
    "start",
    [(48.0, np.log(8.0), 0.3), (52.0, np.log(20.0), 0.1), (30.0, np.log(3.0), 0.14)],  # last two reach u0_max
)
@pytest.mark.parametrize("grouping", ["single", "shared", "own"])
def test_compiled_levenberg_marquardt_matches_numpy_loop(start, grouping):
    problem = _problem(6, grouped=grouping != "single", own_fs=OWN_FS.get(grouping))
    lam = PSPLOptions().lambda_init
    fast = levenberg_marquardt(problem, np.array(start), lam, 1e-8, 100)
    slow = levenberg_marquardt(problem, np.array(start), lam, 1e-8, 100, method="slow")
    # compare |u0|: the paths may cross u0 = 0 on either side (the model depends on u0**2 only)
    np.testing.assert_allclose(np.abs(fast[0]), np.abs(slow[0]), rtol=1e-8, atol=1e-8)
    assert fast[1].chi2 == pytest.approx(slow[1].chi2, rel=1e-11)
    assert fast[3] == slow[3]
