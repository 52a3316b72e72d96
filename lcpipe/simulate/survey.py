"""ASAS-SN-style demo survey: magnitude-bin folders of ``.dat2`` light curves, index CSVs, injected truth
and demo catalogs, all reproducible from one seed.

Layout written under ``out_dir``::

    lc/<mag_bin>/lc<num>_cal/<asas_sn_id>.dat2     light curves (JD - 2450000, mag, err, good, camera
                                                   number, band, saturated, camera_name/field)
    index/<mag_bin>/index<num>.csv                 asas_sn_id, ra_deg, dec_deg, pm_ra, pm_dec, mag
    catalogs/gaia_like.csv, catalogs/vsx_like.csv  see lcpipe.simulate.catalogs
    truth.parquet                                  one row per index row (written last)

Index positions are at epoch J2000.0; proper motions in mas/yr (``pm_ra`` includes cos dec).
Randomness: every star draws from its own generator seeded by (seed, bin, star), so a star's light
curve does not change when other options (such as the number of stars) change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from lcpipe.simulate.cadence import camera_epochs, field_visible, followup_epochs
from lcpipe.simulate.catalogs import (
    GAIA_FORMATS,
    VSX_FORMATS,
    gaia_like_catalog,
    gaia_source_ids,
    scatter_positions,
    unique_ids,
    vsx_like_catalog,
)
from lcpipe.simulate.injections import (
    KINDS,
    AnomalyCriteria,
    ChooseT0,
    Injection,
    InjectionRanges,
    draw_dip,
    draw_eclipsing_binary,
    draw_flare,
    draw_microlensing,
)
from lcpipe.simulate.noise import SurveyNoise
from lcpipe.simulate.writers import write_dat2, write_fixed_csv
from lcpipe.tables import write_table

#: Default share of each kind among the stars of a bin (``broken``/``missing`` are added separately).
DEFAULT_KIND_FRACTIONS = (
    ("none", 0.40), ("dip", 0.16), ("eclipsing_binary", 0.12), ("flare", 0.12), ("pspl", 0.10),
    ("pspl_planet", 0.10),
)  # fmt: skip

#: JD fraction of local midnight at four survey sites (Chile, South Africa, Texas, Hawaii); cameras are
#: assigned to sites in pairs, in pool order.
SITE_MIDNIGHT = (0.70, 0.44, 0.79, 0.93)

#: Index CSV columns and formats.
INDEX_FORMATS = {"asas_sn_id": "%d", "ra_deg": "%.7f", "dec_deg": "%.7f", "pm_ra": "%.3f", "pm_dec": "%.3f",
                 "mag": "%.3f"}  # fmt: skip

#: What a garbled download looks like (written to one ``broken`` light curve).
GARBAGE_TEXT = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body>\n</html>\n"


def parse_mag_bin(name: str) -> tuple[float, float]:
    """Magnitude limits of a bin named ``"<lo>_<hi>"`` (e.g. ``"12.5_13"`` -> (12.5, 13.0))."""
    parts = name.split("_")
    try:
        low, high = float(parts[0]), float(parts[1])
    except (ValueError, IndexError):
        raise ValueError(f"magnitude bin {name!r} is not named '<lo>_<hi>'") from None
    if len(parts) != 2 or not low < high:
        raise ValueError(f"magnitude bin {name!r} is not named '<lo>_<hi>' with lo < hi")
    return low, high


def _pairs(value: object) -> tuple[tuple[str, float], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple((str(k), float(v)) for k, v in items)  # type: ignore[union-attr]


@dataclass(frozen=True)
class SurveySimOptions:
    """Options of :func:`simulate_survey`; every field has a default, plain values (lists, dicts) work.

    Attributes
    ----------
    seed : int
        Master seed; the same seed gives byte-identical files.
    mag_bins : tuple of str
        Bin folder names ``"<lo>_<hi>"``; each star's baseline V magnitude is uniform in its bin.
    stars_per_bin : int
        Index rows per bin (including the deliberately broken and missing ones).
    stars_per_index_file : int
        Stars per ``index<num>.csv`` / ``lc<num>_cal`` chunk.
    field_ra_deg, field_dec_deg, field_radius_deg : float
        The sky field (default: towards the Galactic bulge), deg.
    jd_start, span_days : float
        First night (JD) and length of the survey (days).
    sun_avoid_deg : float
        The field is observable when the Sun is farther than this in longitude (60 = ~8 months a year).
    v_cameras, g_cameras : tuple of str
        Camera pools observing in V (whole survey) and in g (from ``g_start_fraction`` of the span on).
    g_start_fraction : float
        Fraction of the span after which g cameras observe.
    cameras_per_star : (int, int)
        Inclusive range of cameras per star; at least one is a V camera.
    camera_offset_mag : (float, float)
        Range of the absolute per-camera zero-point offsets (random sign), mag.
    cadence_days : (float, float)
        Range of each camera's mean visit interval on clear in-season nights, days.
    weather_keep : float
        Probability that a night is clear at a camera.
    error_scale : (float, float)
        Range of each camera's ratio of true scatter to reported error (survey errors are optimistic).
    noise : SurveyNoise
        Reported-error model.
    bad_fraction : float
        Fraction of points flagged bad (good = 0), with offsets of 0.3-1.5 mag and inflated errors.
    outlier_probability, saturated_probability : float
        Probability that a star has one unflagged 0.3-0.8 mag outlier / one saturated point.
    kind_fractions : tuple of (kind, fraction)
        Share of each kind per bin (rounded by largest remainders).
    include_broken : bool
        Add one empty and one garbage ``.dat2`` (kind ``broken``) and one index row without a file
        (kind ``missing``), taken from ``none`` slots.
    injections : InjectionRanges
        Parameter ranges of the injected signals.
    anomaly : AnomalyCriteria
        When a planetary anomaly counts as observable.
    followup_camera : str
        Camera name of the follow-up network that observes microlensing events (zero offset, V band).
    followup_cadence_minutes, followup_block_keep : float
        Follow-up cadence and probability that an 8-hour block is observed.
    followup_dense_half_width_tau, followup_sparse_half_width_tau : float
        Dense follow-up over ``t0 +- dense tE``, daily visits out to ``t0 +- sparse tE``.
    n_field_stars, neighbour_fraction, high_pm_fraction, ir_excess_fraction : float
        Gaia-like catalog: unrelated stars, fraction of stars with a faint neighbour, of nearby
        high-proper-motion stars, and of dip stars with a mid-infrared excess.
    vsx_flare_fraction : float
        Fraction of flare stars listed in the VSX-like catalog (all eclipsing binaries are).
    vsx_field_variables : int
        Field stars listed in the VSX-like catalog.
    """

    seed: int = 20261122
    mag_bins: tuple[str, ...] = ("12_12.5", "12.5_13", "13_13.5")
    stars_per_bin: int = 80
    stars_per_index_file: int = 50
    field_ra_deg: float = 268.0
    field_dec_deg: float = -29.5
    field_radius_deg: float = 1.5
    jd_start: float = 2456000.0
    span_days: float = 2800.0
    sun_avoid_deg: float = 60.0
    v_cameras: tuple[str, ...] = ("ba", "bb", "bc", "bd", "be", "bf", "bg", "bh")
    g_cameras: tuple[str, ...] = ("bi", "bj", "bk", "bl", "bm", "bn", "bo", "bp")
    g_start_fraction: float = 0.55
    cameras_per_star: tuple[int, int] = (2, 5)
    camera_offset_mag: tuple[float, float] = (0.01, 0.05)
    cadence_days: tuple[float, float] = (2.0, 3.0)
    weather_keep: float = 0.7
    error_scale: tuple[float, float] = (1.0, 1.2)
    noise: SurveyNoise = field(default_factory=SurveyNoise)
    bad_fraction: float = 0.01
    outlier_probability: float = 0.2
    saturated_probability: float = 0.2
    kind_fractions: tuple[tuple[str, float], ...] = DEFAULT_KIND_FRACTIONS
    include_broken: bool = True
    injections: InjectionRanges = field(default_factory=InjectionRanges)
    anomaly: AnomalyCriteria = field(default_factory=AnomalyCriteria)
    followup_camera: str = "bz"
    followup_cadence_minutes: float = 30.0
    followup_block_keep: float = 0.75
    followup_dense_half_width_tau: float = 0.8
    followup_sparse_half_width_tau: float = 2.0
    n_field_stars: int = 300
    neighbour_fraction: float = 0.2
    high_pm_fraction: float = 0.1
    ir_excess_fraction: float = 0.5
    vsx_flare_fraction: float = 0.5
    vsx_field_variables: int = 5

    def __post_init__(self) -> None:
        nested = {"noise": SurveyNoise, "injections": InjectionRanges, "anomaly": AnomalyCriteria}
        for name, kind in nested.items():
            value = getattr(self, name)
            if isinstance(value, Mapping):
                object.__setattr__(self, name, kind(**value))
        for name in ("mag_bins", "v_cameras", "g_cameras"):
            object.__setattr__(self, name, tuple(str(v) for v in getattr(self, name)))
        for name in ("cameras_per_star", "camera_offset_mag", "cadence_days", "error_scale"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "kind_fractions", _pairs(self.kind_fractions))
        self._validate()

    def _validate(self) -> None:
        for name in self.mag_bins:
            parse_mag_bin(name)
        if not self.mag_bins or len(set(self.mag_bins)) != len(self.mag_bins):
            raise ValueError(f"SurveySimOptions.mag_bins must be distinct and non-empty, got {self.mag_bins}")
        if self.stars_per_bin < 1 or self.stars_per_index_file < 1:
            raise ValueError("SurveySimOptions.stars_per_bin and stars_per_index_file must be >= 1")
        cameras = (*self.v_cameras, *self.g_cameras, self.followup_camera)
        if len(set(cameras)) != len(cameras) or not self.v_cameras:
            raise ValueError("SurveySimOptions: camera names must be distinct and v_cameras non-empty")
        low, high = self.cameras_per_star
        if not 1 <= low <= high <= len(self.v_cameras) + len(self.g_cameras):
            raise ValueError(f"SurveySimOptions.cameras_per_star out of range: {self.cameras_per_star}")
        if min(self.cadence_days) < 1.0:
            raise ValueError("SurveySimOptions.cadence_days: at most one visit a night, so >= 1 day")
        unknown = {kind for kind, _ in self.kind_fractions} - set(KINDS[:6])
        if (
            unknown
            or any(f < 0 for _, f in self.kind_fractions)
            or sum(f for _, f in self.kind_fractions) <= 0
        ):
            raise ValueError(f"SurveySimOptions.kind_fractions: bad kinds {unknown} or fractions")
        for name in ("weather_keep", "followup_block_keep"):
            if not 0 < getattr(self, name) <= 1:
                raise ValueError(f"SurveySimOptions.{name} must lie in (0, 1]")
        if self.followup_dense_half_width_tau < self.injections.caustic_max_tau:
            raise ValueError(
                "SurveySimOptions.followup_dense_half_width_tau must cover injections.caustic_max_tau"
            )

    @property
    def camera_pool(self) -> tuple[str, ...]:
        """All camera names; a camera's number in the ``.dat2`` files is its position here."""
        return (*self.v_cameras, *self.g_cameras, self.followup_camera)


@dataclass(frozen=True)
class SurveyTree:
    """Where :func:`simulate_survey` wrote the survey, and its truth table.

    Attributes
    ----------
    root, lc_root, index_root : Path
        Output folder and the ``lc`` / ``index`` roots of the ASAS-SN layout.
    truth_path, gaia_path, vsx_path : Path
        ``truth.parquet`` and the two demo catalogs.
    mag_bins : tuple of str
        Bins written.
    truth : DataFrame
        The truth table (``path`` relative to ``root``).
    """

    root: Path
    lc_root: Path
    index_root: Path
    truth_path: Path
    gaia_path: Path
    vsx_path: Path
    mag_bins: tuple[str, ...]
    truth: pd.DataFrame


def _kind_counts(fractions: tuple[tuple[str, float], ...], n: int) -> list[str]:
    """``n`` kinds in proportion to ``fractions`` (largest remainders, ties in listed order)."""
    total = sum(f for _, f in fractions)
    exact = np.array([f / total * n for _, f in fractions])
    counts = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - counts), kind="stable")[: n - counts.sum()]:
        counts[i] += 1
    return [kind for (kind, _), c in zip(fractions, counts, strict=True) for _ in range(c)]


def assign_kinds(options: SurveySimOptions) -> list[list[str]]:
    """Kind of every star of every bin (shuffled per bin), with the broken/missing slots placed."""
    per_bin = []
    for b in range(len(options.mag_bins)):
        kinds = _kind_counts(options.kind_fractions, options.stars_per_bin)
        per_bin.append(
            [kinds[i] for i in np.random.default_rng([options.seed, 2, b]).permutation(len(kinds))]
        )
    if options.include_broken:
        last = len(per_bin) - 1
        for b, kind in ((0, "broken"), (min(1, last), "broken"), (last, "missing")):
            slots = [i for i, k in enumerate(per_bin[b]) if k == "none"]
            if slots:
                per_bin[b][slots[0]] = kind
    return per_bin


@dataclass(frozen=True)
class _Star:
    """Sky and physical attributes of one simulated star (catalog inputs)."""

    asas_sn_id: int
    mag_bin: str
    chunk: int
    ra: float
    dec: float
    pm_ra: float
    pm_dec: float
    parallax: float
    mag: float
    bp_rp: float


def _draw_star(
    rng: np.random.Generator, options: SurveySimOptions, asas_sn_id: int, mag_bin: str, chunk: int
) -> _Star:
    low, high = parse_mag_bin(mag_bin)
    ra, dec = scatter_positions(
        rng, (options.field_ra_deg, options.field_dec_deg), options.field_radius_deg, 1
    )
    if rng.random() < options.high_pm_fraction:  # a nearby disc dwarf: large motion and parallax
        speed, angle = rng.uniform(20.0, 150.0), rng.uniform(0.0, 2.0 * np.pi)
        pm_ra, pm_dec = speed * np.cos(angle), speed * np.sin(angle)
        parallax, bp_rp = rng.uniform(2.0, 10.0), rng.uniform(0.6, 1.4)
    else:  # a bulge giant
        pm_ra, pm_dec = rng.normal(-2.7, 2.5), rng.normal(-5.5, 2.5)
        parallax, bp_rp = rng.normal(0.12, 0.04), rng.uniform(1.2, 2.8)
    return _Star(asas_sn_id, mag_bin, chunk, float(ra[0]), float(dec[0]), float(pm_ra), float(pm_dec),
                 float(parallax), float(rng.uniform(low, high)), float(bp_rp))  # fmt: skip


@dataclass(frozen=True)
class _Photometry:
    """Observed points of one light curve, each array shape (N,), time-sorted."""

    jd: np.ndarray
    mag: np.ndarray
    mag_err: np.ndarray
    good: np.ndarray
    camera_number: np.ndarray
    band: np.ndarray
    saturated: np.ndarray
    camera_field: np.ndarray
    n_bad: int
    n_outliers: int
    n_saturated: int


def _survey_epochs(
    rng: np.random.Generator, options: SurveySimOptions, star: _Star
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Cameras of a star and its survey visits: (camera names, times shape (N,), camera index (N,))."""
    n_cam = int(rng.integers(options.cameras_per_star[0], options.cameras_per_star[1] + 1))
    first = str(rng.choice(options.v_cameras))
    others = [c for c in (*options.v_cameras, *options.g_cameras) if c != first]
    cameras = [first, *(str(c) for c in rng.choice(others, size=n_cam - 1, replace=False))]
    jd_end = options.jd_start + options.span_days
    g_start = options.jd_start + options.g_start_fraction * options.span_days
    times, owner = [], []
    for k, cam in enumerate(cameras):
        start = g_start if cam in options.g_cameras else options.jd_start
        site = SITE_MIDNIGHT[(options.camera_pool.index(cam) // 2) % len(SITE_MIDNIGHT)]
        cadence = rng.uniform(*options.cadence_days)
        t = camera_epochs(
            rng, (start, jd_end), star.ra, options.sun_avoid_deg, cadence, options.weather_keep, site
        )
        times.append(t)
        owner.append(np.full(t.size, k))
    return cameras, np.concatenate(times), np.concatenate(owner)


def _inner_times(options: SurveySimOptions, times: np.ndarray) -> np.ndarray:
    """Survey visits between the 5th and 95th percentile in time (the mid-survey night if none)."""
    inner = np.sort(times)[int(0.05 * times.size) : int(0.95 * times.size) + 1]
    return inner if inner.size else np.array([options.jd_start + 0.5 * options.span_days])


def _choose_t0(options: SurveySimOptions, star: _Star, survey_times: np.ndarray) -> ChooseT0:
    """A microlensing peak time near a survey visit such that the peak and the anomaly are in season."""
    inner = _inner_times(options, survey_times)

    def choose(rng: np.random.Generator, tE: float, tau_anomaly: float) -> float:
        t0 = float(rng.choice(inner))
        for _ in range(100):
            checks = t0 + np.array([-0.3 * tE, 0.0, 0.3 * tE, tau_anomaly * tE - 1.0, tau_anomaly * tE + 1.0])
            if field_visible(checks, star.ra, options.sun_avoid_deg).all():
                break
            t0 = float(rng.choice(inner))
        return t0

    return choose


def _draw_injection(
    rng: np.random.Generator, options: SurveySimOptions, star: _Star, kind: str, survey_times: np.ndarray
) -> tuple[Injection, np.ndarray]:
    """The star's injected signal and its follow-up visit times (empty unless microlensing)."""
    ranges = options.injections
    inner = _inner_times(options, survey_times)
    if kind == "dip":
        return draw_dip(rng, ranges, float(rng.choice(inner))), np.empty(0)
    if kind == "eclipsing_binary":
        injection = draw_eclipsing_binary(rng, ranges, 0.0)
        t0 = options.jd_start + rng.uniform(0.0, injection.params["period"])
        return Injection(injection.kind, {**injection.params, "t0": t0}), np.empty(0)
    if kind == "flare":
        return draw_flare(rng, ranges, float(rng.choice(inner)) - rng.uniform(0.0, 0.5)), np.empty(0)
    if kind in ("pspl", "pspl_planet"):

        def sample(r: np.random.Generator, t0: float, tE: float) -> np.ndarray:
            followup = followup_epochs(
                r, t0, tE, star.ra, options.sun_avoid_deg, options.followup_dense_half_width_tau,
                options.followup_sparse_half_width_tau, options.followup_cadence_minutes,
                options.followup_block_keep,
            )  # fmt: skip
            return np.concatenate([survey_times, followup])

        def error(t: np.ndarray, factor: np.ndarray) -> np.ndarray:
            return options.noise.error(star.mag - 2.5 * np.log10(factor))

        choose = _choose_t0(options, star, survey_times)
        injection, times = draw_microlensing(
            rng, ranges, kind == "pspl_planet", choose, sample, error, options.anomaly
        )
        return injection, times[survey_times.size :]
    return Injection(kind), np.empty(0)


def _observe(
    rng: np.random.Generator,
    options: SurveySimOptions,
    star: _Star,
    injection: Injection,
    cameras: list[str],
    times: np.ndarray,
    owner: np.ndarray,
) -> _Photometry:
    """Noisy, flagged photometry of the star at the given visits (``owner`` indexes ``cameras``)."""
    order = np.argsort(times, kind="stable")
    times, owner = times[order], owner[order]
    n = times.size
    is_followup = np.array([c == options.followup_camera for c in cameras])
    offsets = rng.uniform(*options.camera_offset_mag, len(cameras)) * rng.choice([-1.0, 1.0], len(cameras))
    offsets[is_followup] = 0.0
    scales = rng.uniform(*options.error_scale, len(cameras))
    is_g = np.array([c in options.g_cameras for c in cameras])
    g_minus_v = 0.35 * star.bp_rp
    true_mag = (star.mag + offsets[owner] + np.where(is_g[owner], g_minus_v, 0.0)
                - 2.5 * np.log10(injection.flux_factor(times)))  # fmt: skip
    mag_err = options.noise.error(true_mag) * rng.lognormal(0.0, 0.1, n)
    mag = true_mag + rng.normal(0.0, 1.0, n) * mag_err * scales[owner]
    good = np.ones(n, dtype=int)
    saturated = np.zeros(n, dtype=int)
    n_bad = int(rng.binomial(n, options.bad_fraction)) if n else 0
    bad = rng.choice(n, size=n_bad, replace=False) if n_bad else np.empty(0, dtype=int)
    good[bad] = 0
    mag[bad] += rng.choice([-1.0, 1.0], n_bad) * rng.uniform(0.3, 1.5, n_bad)
    mag_err[bad] *= rng.uniform(2.0, 5.0, n_bad)
    clean = np.flatnonzero(good == 1)
    n_outliers = int(rng.random() < options.outlier_probability and clean.size > 0)
    if n_outliers:
        mag[rng.choice(clean)] += rng.choice([-1.0, 1.0]) * rng.uniform(0.3, 0.8)
    n_saturated = int(rng.random() < options.saturated_probability and clean.size > 0)
    if n_saturated:
        index = rng.choice(clean)
        saturated[index] = 1
        mag[index] += rng.uniform(0.2, 0.5)
    pool = options.camera_pool
    numbers = np.array([pool.index(c) for c in cameras])
    field_name = f"F{int(star.ra * 10):04d}{round(star.dec):+03d}"
    return _Photometry(
        jd=times,
        mag=mag,
        mag_err=mag_err,
        good=good,
        camera_number=numbers[owner],
        band=np.where(is_g[owner], 0, 1),
        saturated=saturated,
        camera_field=np.array([f"{c}/{field_name}" for c in cameras])[owner],
        n_bad=n_bad,
        n_outliers=n_outliers,
        n_saturated=n_saturated,
    )


def simulate_survey(out_dir: str | Path, *, options: SurveySimOptions | None = None) -> SurveyTree:
    """Write a seeded ASAS-SN-style demo survey with injected signals, truth and catalogs.

    Parameters
    ----------
    out_dir : path-like
        Output folder (created; files inside it are overwritten).
    options : SurveySimOptions, optional
        Defaults: 3 bins x 80 stars, see :class:`SurveySimOptions`.

    Returns
    -------
    SurveyTree
        Paths written and the truth table. The same options give byte-identical files.
    """
    options = options or SurveySimOptions()
    root = Path(out_dir)
    lc_root, index_root = root / "lc", root / "index"
    n_bins, per_bin = len(options.mag_bins), options.stars_per_bin
    ids = unique_ids(np.random.default_rng([options.seed, 3]), n_bins * per_bin, 10**11, 7 * 10**11)
    gaia_ids = gaia_source_ids(np.random.default_rng([options.seed, 4]), n_bins * per_bin)
    kinds = assign_kinds(options)
    broken_written = 0
    truth_rows, star_rows = [], []
    for b, mag_bin in enumerate(options.mag_bins):
        for i in range(per_bin):
            rng = np.random.default_rng([options.seed, 1, b, i])
            chunk = i // options.stars_per_index_file
            star = _draw_star(rng, options, int(ids[b * per_bin + i]), mag_bin, chunk)
            kind = kinds[b][i]
            relative = Path("lc", mag_bin, f"lc{chunk}_cal", f"{star.asas_sn_id}.dat2")
            cameras, times, owner = _survey_epochs(rng, options, star)
            injection, followup = _draw_injection(rng, options, star, kind, times)
            if followup.size:
                cameras = [*cameras, options.followup_camera]
                times = np.concatenate([times, followup])
                owner = np.concatenate([owner, np.full(followup.size, len(cameras) - 1)])
            phot = _observe(rng, options, star, injection, cameras, times, owner)
            if kind == "broken":
                (root / relative).parent.mkdir(parents=True, exist_ok=True)
                (root / relative).write_text("" if broken_written == 0 else GARBAGE_TEXT)
                broken_written += 1
            elif kind != "missing":
                write_dat2(root / relative, phot.jd, phot.mag, phot.mag_err, phot.good, phot.camera_number,
                           phot.band, phot.saturated, phot.camera_field)  # fmt: skip
            written = kind not in ("broken", "missing")
            star_rows.append({**dataclasses.asdict(star), "gaia_source_id": int(gaia_ids[b * per_bin + i]),
                              "kind": kind, "period": injection.params.get("period", np.nan),
                              "ir_excess": kind == "dip" and rng.random() < options.ir_excess_fraction,
                              "ruwe": _ruwe(rng, kind)})  # fmt: skip
            truth_rows.append(
                {
                    "source_id": str(star.asas_sn_id),
                    "mag_bin": mag_bin,
                    "path": relative.as_posix(),
                    "kind": kind,
                    "baseline_mag": star.mag,
                    "ra": star.ra,
                    "dec": star.dec,
                    "gaia_source_id": int(gaia_ids[b * per_bin + i]),
                    "n_points": int(phot.jd.size) if written else 0,
                    "n_cameras": len(cameras) if written else 0,
                    "cameras": ",".join(cameras) if written else "",
                    "n_followup": int(followup.size) if written else 0,
                    "n_bad": phot.n_bad if written else 0,
                    "n_outliers": phot.n_outliers if written else 0,
                    "n_saturated": phot.n_saturated if written else 0,
                    **injection.truth_row(),
                }
            )
    stars = pd.DataFrame(star_rows)
    for (mag_bin, chunk), rows in stars.groupby(["mag_bin", "chunk"], sort=False):
        columns = {"asas_sn_id": "asas_sn_id", "ra_deg": "ra", "dec_deg": "dec", "pm_ra": "pm_ra",
                   "pm_dec": "pm_dec", "mag": "mag"}  # fmt: skip
        index = pd.DataFrame({name: rows[source] for name, source in columns.items()})
        write_fixed_csv(index_root / mag_bin / f"index{chunk}.csv", index, INDEX_FORMATS)
    catalog_rng = np.random.default_rng([options.seed, 5])
    centre = (options.field_ra_deg, options.field_dec_deg)
    gaia = gaia_like_catalog(stars, catalog_rng, centre, options.field_radius_deg, options.n_field_stars,
                             options.neighbour_fraction)  # fmt: skip
    vsx = vsx_like_catalog(stars, gaia, catalog_rng, options.vsx_flare_fraction, options.vsx_field_variables)
    gaia_path, vsx_path = root / "catalogs" / "gaia_like.csv", root / "catalogs" / "vsx_like.csv"
    write_fixed_csv(gaia_path, gaia, GAIA_FORMATS)
    write_fixed_csv(vsx_path, vsx, VSX_FORMATS)
    truth = pd.DataFrame(truth_rows)
    provenance = {"stage": "simulate", "options": dataclasses.asdict(options), "index_epoch": 2000.0}
    truth_path = write_table(truth, root / "truth.parquet", provenance)
    return SurveyTree(root, lc_root, index_root, truth_path, gaia_path, vsx_path, options.mag_bins, truth)


def _ruwe(rng: np.random.Generator, kind: str) -> float:
    """Gaia RUWE: ~1 for single stars, often elevated for eclipsing binaries."""
    if kind == "eclipsing_binary" and rng.random() < 0.3:
        return float(rng.uniform(1.4, 3.0))
    return float(1.0 + abs(rng.normal(0.0, 0.08)))
