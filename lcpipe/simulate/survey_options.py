"""Options of the ASAS-SN-style demo survey (:func:`lcpipe.simulate.survey.simulate_survey`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from lcpipe.options import convert_nested
from lcpipe.simulate.injections import KINDS, AnomalyCriteria, InjectionRanges
from lcpipe.simulate.noise import SurveyNoise

#: Default share of each kind among the stars of a bin (``broken``/``missing`` are added separately).
DEFAULT_KIND_FRACTIONS = (
    ("none", 0.40), ("dip", 0.16), ("eclipsing_binary", 0.12), ("flare", 0.12), ("pspl", 0.10),
    ("pspl_planet", 0.10),
)  # fmt: skip


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


def _with_signal_fraction(
    fractions: tuple[tuple[str, float], ...], signal_fraction: float
) -> tuple[tuple[str, float], ...]:
    """``fractions`` rescaled so that the signal kinds (all but ``none``) add up to ``signal_fraction``."""
    if not 0.0 <= signal_fraction <= 1.0:
        raise ValueError(f"SurveySimOptions.signal_fraction must lie in [0, 1], got {signal_fraction}")
    signals = math.fsum(f for kind, f in fractions if kind != "none")
    if signals <= 0.0 and signal_fraction > 0.0:
        raise ValueError("SurveySimOptions.signal_fraction > 0 needs a signal kind in kind_fractions")
    scale = signal_fraction / signals if signals > 0.0 else 0.0
    rescaled = tuple((kind, f * scale) for kind, f in fractions if kind != "none")
    return (("none", 1.0 - signal_fraction), *rescaled)


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
    signal_fraction : float or None
        Share of stars with an injected signal (every kind but ``none``), in [0, 1]: the signal kinds keep
        their proportions in ``kind_fractions`` and ``none`` takes the rest (0.05 gives a survey-like mix).
        None (the default) keeps ``kind_fractions`` as given.
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
    signal_fraction: float | None = None
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
        convert_nested(self)
        for name in ("mag_bins", "v_cameras", "g_cameras"):
            object.__setattr__(self, name, tuple(str(v) for v in getattr(self, name)))
        for name in ("cameras_per_star", "camera_offset_mag", "cadence_days", "error_scale"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "kind_fractions", _pairs(self.kind_fractions))
        if self.signal_fraction is not None:
            object.__setattr__(
                self, "kind_fractions", _with_signal_fraction(self.kind_fractions, self.signal_fraction)
            )
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
