"""The stars of the demo survey: which kind each star is, its sky position, motion, colour and RUWE."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lcpipe.simulate.catalogs import scatter_positions
from lcpipe.simulate.survey_options import SurveySimOptions, parse_mag_bin


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
class Star:
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


def draw_star(
    rng: np.random.Generator, options: SurveySimOptions, asas_sn_id: int, mag_bin: str, chunk: int
) -> Star:
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
    return Star(asas_sn_id, mag_bin, chunk, float(ra[0]), float(dec[0]), float(pm_ra), float(pm_dec),
                 float(parallax), float(rng.uniform(low, high)), float(bp_rp))  # fmt: skip


def draw_ruwe(rng: np.random.Generator, kind: str) -> float:
    """Gaia RUWE: ~1 for single stars, often elevated for eclipsing binaries."""
    if kind == "eclipsing_binary" and rng.random() < 0.3:
        return float(rng.uniform(1.4, 3.0))
    return float(1.0 + abs(rng.normal(0.0, 0.08)))
