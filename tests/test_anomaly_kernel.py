"""Parity of the compiled anomaly scan (with its skipping of empty windows) with the full-grid reference."""

import platform
from pathlib import Path

import numpy as np
import pytest

from lcpipe.kernels.anomaly_scan import has_vector_path, scan_grid
from lcpipe.kernels.scan_cells import CELL_DEGREE, cell_tables, max_cell_error, shifted_templates
from lcpipe.kernels.window_quality import window_quality
from lcpipe.microlensing.grid import ScanOptions, build_grid, season_bounds

RTOL = 1e-9


def _case(name: str, seed: int):
    rng = np.random.default_rng(seed)
    if name == "random":
        t = np.sort(np.concatenate([rng.uniform(0, 30, 300), rng.uniform(150, 160, 120)]))
    elif name == "one_season":
        t = np.sort(rng.uniform(0, 20, 250))
    elif name == "many_seasons":  # ten short seasons, some with 1-3 points only
        t = np.sort(
            np.concatenate(
                [s * 150 + rng.uniform(0, rng.uniform(0.5, 8), rng.integers(1, 40)) for s in range(10)]
            )
        )
    elif name == "gaps":  # dense nights separated by empty days and a 60-day gap inside a season
        nights = np.concatenate([np.arange(0, 12), np.arange(72, 80)])
        t = np.sort((nights[:, None] + rng.uniform(0, 0.3, (nights.size, 12))).ravel())
    elif name == "duplicates":  # repeated epochs, including a window holding only one epoch
        t = np.sort(np.concatenate([np.repeat(rng.uniform(0, 10, 40), 3), [20.0] * 6, [20.5]]))
    elif name == "sparse":  # mostly fewer than 4 points per small window
        t = np.sort(rng.uniform(0, 60, 90))
    elif name == "on_centres":  # epochs exactly on the smallest level's centres: neither before nor after
        step = build_grid(np.array([0.0, 1.0]), ScanOptions(n_teff=14)).step[0]
        t = np.sort(np.concatenate([np.arange(300) * step, rng.uniform(0, 300 * step, 60)]))
    else:
        raise ValueError(name)
    r = rng.normal(0, 1, t.size) + 30.0  # an offset the season centring must absorb
    r += 4.0 * np.exp(-0.5 * ((t - t[t.size // 2]) / 0.3) ** 2)  # a bump so that large values occur
    w = rng.uniform(0.3, 3.0, t.size)
    return t, r, w


CASES = ["random", "one_season", "many_seasons", "gaps", "duplicates", "sparse", "on_centres"]


@pytest.mark.parametrize("vector", [True, False], ids=["vector", "scalar"])
@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("each_side", [0, 2])
def test_fast_matches_full_grid_reference(name, each_side, vector):
    t, r, w = _case(name, 7)
    grid = build_grid(t, ScanOptions(n_teff=14))
    fast = scan_grid(t, r, w, grid, min_points_each_side=each_side, vector=vector, cell_min_points=None)
    # every window of 8 points or more from the cell moments where its level has enough of them
    cells = scan_grid(t, r, w, grid, min_points_each_side=each_side, vector=vector, cell_min_points=8)
    slow = scan_grid(t, r, w, grid, min_points_each_side=each_side, method="slow")
    assert slow.dchi2.size == grid.size
    # The kernel lists exactly the grid points whose window holds at least 4 points.
    np.testing.assert_array_equal(np.sort(fast.flat_index(grid)), np.flatnonzero(slow.hi - slow.lo >= 4))
    flat = fast.flat_index(grid)
    np.testing.assert_array_equal(fast.lo, slow.lo[flat])
    np.testing.assert_array_equal(fast.hi, slow.hi[flat])
    np.testing.assert_array_equal(fast.t0, slow.t0[flat])
    scale = slow.dchi2.max()
    assert scale > 1.0
    np.testing.assert_allclose(fast.dense_dchi2(grid), slow.dchi2, rtol=RTOL, atol=RTOL * scale)
    np.testing.assert_allclose(cells.dense_dchi2(grid), slow.dchi2, rtol=RTOL, atol=RTOL * scale)
    # The template the kernel chose reaches the reference's delta chi-square (on near-ties, e.g. two
    # distinct epochs in a window, either template may win).
    scored = np.flatnonzero(fast.dchi2 > 0)
    pick = np.random.default_rng(0).choice(scored, min(scored.size, 200), replace=False)
    refit = window_quality(
        t,
        r,
        w,
        fast.lo[pick],
        fast.hi[pick],
        fast.t0[pick],
        grid.teff[fast.level[pick]],
        fast.template[pick],
        method="slow",
    )
    np.testing.assert_allclose(refit["dchi2_window"], slow.dchi2[flat[pick]], rtol=1e-8, atol=1e-8 * scale)


@pytest.mark.parametrize(
    ("t0_step", "half_width", "tolerance"), [(0.17, 3.0, 1e-12), (0.1, 2.0, 1e-12), (0.25, 4.0, 5e-11)]
)
def test_cell_polynomials_reproduce_the_templates(t0_step, half_width, tolerance):
    # Degree 8 on cells of width t0_step teff: the templates' nearest singularity is at tau = +-i.
    assert max_cell_error(t0_step, half_width, CELL_DEGREE) < tolerance
    tables = cell_tables(t0_step, half_width)
    n_off = (tables.shape[1] - 1) // 2
    assert n_off * t0_step >= half_width + t0_step  # every cell a window can reach is tabulated
    u = np.array([0.0, 0.3, 1.0])
    exact = shifted_templates((-n_off + u) * t0_step)
    powers = u[:, None] ** np.arange(CELL_DEGREE + 1)
    np.testing.assert_allclose(tables[:, 0] @ powers.T, exact, atol=tolerance)


def test_cell_sums_match_reference_on_dense_windows():
    # Windows of hundreds to thousands of points, where the default scan uses the cell moments.
    rng = np.random.default_rng(4)
    t = np.sort(np.concatenate([rng.uniform(0, 20, 3000), rng.uniform(200, 203, 800)]))
    r = rng.normal(0, 1, t.size) + 5.0 * np.exp(-0.5 * ((t - 7.0) / 0.6) ** 2)
    w = rng.uniform(0.5, 2.0, t.size)
    grid = build_grid(t, ScanOptions(teff_min=0.3, n_teff=6))
    cells = scan_grid(t, r, w, grid, cell_min_points=512)
    points = scan_grid(t, r, w, grid, cell_min_points=None)
    slow = scan_grid(t, r, w, grid, method="slow")
    assert np.count_nonzero(cells.hi - cells.lo >= 512) > 100
    assert not np.array_equal(cells.dchi2, points.dchi2)  # the cell path ran
    scale = slow.dchi2.max()
    np.testing.assert_allclose(cells.dense_dchi2(grid), slow.dchi2, rtol=RTOL, atol=RTOL * scale)
    np.testing.assert_allclose(cells.dchi2, points.dchi2, rtol=RTOL, atol=RTOL * scale)
    clear = cells.dchi2 > 1e-6 * scale
    np.testing.assert_array_equal(cells.template[clear], points.template[clear])


def _cpu_has_avx2_and_fma() -> bool:
    cpuinfo = Path("/proc/cpuinfo")
    flags = cpuinfo.read_text().split() if cpuinfo.exists() else []
    return "avx2" in flags and "fma" in flags


def test_vector_path_is_built_where_the_cpu_has_it():
    # Both paths of test_fast_matches_full_grid_reference run here, not the scalar one twice.
    if platform.machine() in ("x86_64", "AMD64") and _cpu_has_avx2_and_fma():
        assert has_vector_path()
    t, r, w = _case("random", 5)
    grid = build_grid(t, ScanOptions())
    vector = scan_grid(t, r, w, grid)
    scalar = scan_grid(t, r, w, grid, vector=False)
    np.testing.assert_array_equal(vector.lo, scalar.lo)
    np.testing.assert_array_equal(vector.hi, scalar.hi)
    np.testing.assert_allclose(vector.dchi2, scalar.dchi2, rtol=1e-9, atol=1e-9 * scalar.dchi2.max())


def test_result_does_not_depend_on_thread_count():
    t, r, w = _case("random", 3)
    grid = build_grid(t, ScanOptions())
    one = scan_grid(t, r, w, grid, num_threads=1)
    two = scan_grid(t, r, w, grid, num_threads=2)
    for a, b in zip(one, two, strict=True):
        np.testing.assert_array_equal(a, b)


def test_empty_stretches_are_not_walked():
    # Two points a night for 3,000 days: at small teff nearly every window is short of points.
    t = np.sort(np.concatenate([np.arange(3000.0), np.arange(3000.0) + 0.05]))
    rng = np.random.default_rng(0)
    grid = build_grid(t, ScanOptions(season_gap=1e4))
    scan = scan_grid(t, rng.normal(size=t.size), np.ones(t.size), grid)
    assert grid.size > 2_000_000
    narrow = 2 * grid.half_width < 0.9  # windows that can never hold two nights (4 points)
    assert not np.any(narrow[scan.level])
    assert scan.dchi2.size == np.count_nonzero(scan.hi - scan.lo >= 4)


def test_grid_matches_definition():
    t = np.array([0.0, 1.0, 2.0, 150.0, 150.5, 400.0])
    np.testing.assert_array_equal(season_bounds(t), [0, 3, 5, 6])
    grid = build_grid(t, ScanOptions())
    np.testing.assert_allclose(grid.teff[[0, -1]], [0.03, 0.03 * (4 / 3) ** 23])
    for s, (a, b) in enumerate([(0.0, 2.0), (150.0, 150.5), (400.0, 400.0)]):
        for k, step in enumerate(grid.step):
            assert grid.n_t0[s, k] == np.arange(a, b, step).size
    season, _level, _j, t0 = grid.dense()
    assert np.all(t0 < grid.last[season])
    assert np.all(t0 >= grid.first[season])


def test_bad_input_is_rejected():
    t = np.array([1.0, 0.0, 2.0, 3.0])
    grid = build_grid(np.sort(t), ScanOptions())
    with pytest.raises(ValueError, match="sorted"):
        scan_grid(t, np.ones(4), np.ones(4), grid)
    with pytest.raises(ValueError, match="weights"):
        scan_grid(np.sort(t), np.ones(4), np.array([1.0, 0.0, 1.0, 1.0]), grid)
    with pytest.raises(ValueError, match="method"):
        scan_grid(np.sort(t), np.ones(4), np.ones(4), grid, method="quick")
    with pytest.raises(ValueError, match="n_teff"):
        ScanOptions(n_teff=0)
