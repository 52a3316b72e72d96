"""Demo Gaia-like and VSX-like catalogs around the simulated stars, for the characterize and vetting stages.

Epochs: the survey index and the VSX-like catalog give positions at epoch J2000.0; the Gaia-like catalog
gives them at its ``ref_epoch`` 2016.0, moved linearly by the proper motion (``pmra`` includes cos dec),
so a crossmatch must propagate positions to match the stars whose proper motion is large.
The photometry follows rough colour relations of reddened bulge giants; it is plausible, not calibrated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Epoch of the index and VSX-like positions, and the Gaia-like reference epoch (Julian years).
INDEX_EPOCH = 2000.0
GAIA_EPOCH = 2016.0

#: Columns of the Gaia-like catalog, with their CSV formats.
GAIA_FORMATS = {
    "source_id": "%d", "ra": "%.8f", "dec": "%.8f", "ref_epoch": "%.1f", "pmra": "%.4f", "pmdec": "%.4f",
    "parallax": "%.4f", "parallax_error": "%.4f", "phot_g_mean_mag": "%.4f", "bp_rp": "%.4f", "ruwe": "%.3f",
    "j_m": "%.3f", "h_m": "%.3f", "ks_m": "%.3f",
    "w1mpro": "%.3f", "w2mpro": "%.3f", "w3mpro": "%.3f", "w4mpro": "%.3f",
}  # fmt: skip

#: Columns of the VSX-like catalog, with their CSV formats.
VSX_FORMATS = {"name": "%s", "ra": "%.6f", "dec": "%.6f", "class": "%s", "period": "%.6f"}

#: Milliarcseconds per degree.
_MAS_PER_DEG = 3.6e6

#: Known-variable classes given to field stars, with their period ranges (days; NaN = aperiodic).
_FIELD_VARIABLES = (("SR", 30.0, 200.0), ("L", np.nan, np.nan), ("RRAB", 0.4, 0.7), ("EW", 0.25, 0.5))


def propagate(
    ra: np.ndarray, dec: np.ndarray, pmra: np.ndarray, pmdec: np.ndarray, years: float
) -> tuple[np.ndarray, np.ndarray]:
    """Move positions (deg) by proper motions (mas/yr, ``pmra`` = mu_alpha cos dec) over ``years``.

    Linear in RA/Dec, which is exact to far below a milliarcsecond for these motions and epochs away
    from the poles. Returns (ra, dec) in degrees, shapes as the inputs.
    """
    dec = np.asarray(dec, dtype=float)
    new_dec = dec + np.asarray(pmdec) * years / _MAS_PER_DEG
    new_ra = np.asarray(ra) + np.asarray(pmra) * years / (_MAS_PER_DEG * np.cos(np.radians(dec)))
    return np.mod(new_ra, 360.0), new_dec


def unique_ids(rng: np.random.Generator, n: int, low: int, high: int) -> np.ndarray:
    """``n`` distinct int64 identifiers drawn from ``[low, high)``, in draw order, shape (n,)."""
    ids = np.empty(0, dtype=np.int64)
    while ids.size < n:
        draw = np.concatenate([ids, rng.integers(low, high, size=2 * n + 8, dtype=np.int64)])
        _, first = np.unique(draw, return_index=True)
        ids = draw[np.sort(first)]
    return ids[:n]


def gaia_source_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """Gaia-style int64 source_ids (the range of bulge sources; not a real HEALPix encoding), shape (n,)."""
    return unique_ids(rng, n, 4_050_000_000_000_000_000, 4_070_000_000_000_000_000)


def parallax_error(g_mag: np.ndarray) -> np.ndarray:
    """Gaia DR3-like parallax error (mas) at G magnitudes ``g_mag``: 0.02 mas at G = 13, growing as
    ``10^(0.2 (G - 13))`` for fainter stars and never below 0.015 mas; shape as ``g_mag``."""
    return np.maximum(0.015, 0.02 * 10.0 ** (0.2 * (np.asarray(g_mag, dtype=float) - 13.0)))


def _infrared(rng: np.random.Generator, g_mag: np.ndarray, bp_rp: np.ndarray) -> dict[str, np.ndarray]:
    """2MASS/WISE magnitudes from G and BP-RP (rough giant colours), each shape (N,), 0.02 mag noise."""
    ks = g_mag - (-0.1 + 1.6 * bp_rp)
    bands = {
        "j_m": ks + 0.45 * bp_rp,
        "h_m": ks + 0.12 * bp_rp,
        "ks_m": ks,
        "w1mpro": ks - 0.05,
        "w2mpro": ks - 0.03,
        "w3mpro": ks - 0.12,
        "w4mpro": ks - 0.20,
    }
    return {name: value + rng.normal(0.0, 0.02, value.size) for name, value in bands.items()}


def gaia_like_catalog(
    stars: pd.DataFrame,
    rng: np.random.Generator,
    field_centre: tuple[float, float],
    field_radius_deg: float,
    n_field_stars: int,
    neighbour_fraction: float,
) -> pd.DataFrame:
    """Gaia-like catalog: every simulated star plus unrelated field stars and faint close neighbours.

    Parameters
    ----------
    stars : DataFrame
        One row per simulated star with ``gaia_source_id, ra, dec`` (deg, epoch 2000), ``pm_ra, pm_dec``
        (mas/yr), ``parallax`` (mas), ``mag`` (V), ``bp_rp``, ``ruwe`` and ``ir_excess`` (bool).
    rng : Generator
        Random generator (consumed).
    field_centre : (float, float)
        RA, Dec of the field (deg).
    field_radius_deg : float
        Radius within which field stars are scattered.
    n_field_stars : int
        Number of unrelated field stars.
    neighbour_fraction : float
        Fraction of simulated stars that get a 2-5 mag fainter neighbour 3-10 arcsec away.

    Returns
    -------
    DataFrame
        Columns of :data:`GAIA_FORMATS`, simulated stars first, positions at epoch 2016.0.
    """
    n = len(stars)
    g_mag = stars["mag"].to_numpy() - 0.25 * stars["bp_rp"].to_numpy()
    own = pd.DataFrame(
        {
            "source_id": stars["gaia_source_id"].to_numpy(),
            "ra0": stars["ra"].to_numpy(),
            "dec0": stars["dec"].to_numpy(),
            "pmra": stars["pm_ra"].to_numpy(),
            "pmdec": stars["pm_dec"].to_numpy(),
            "parallax": stars["parallax"].to_numpy(),
            "phot_g_mean_mag": g_mag,
            "bp_rp": stars["bp_rp"].to_numpy(),
            "ruwe": stars["ruwe"].to_numpy(),
        }
    )
    own = own.assign(**_infrared(rng, g_mag, own["bp_rp"].to_numpy()))
    excess = stars["ir_excess"].to_numpy(dtype=bool)
    for band, low, high in (("w2mpro", 0.1, 0.4), ("w3mpro", 0.8, 2.0), ("w4mpro", 1.5, 3.0)):
        own.loc[excess, band] -= rng.uniform(low, high, int(excess.sum()))

    n_neighbours = round(neighbour_fraction * n)
    hosts = rng.choice(n, size=n_neighbours, replace=False) if n_neighbours else np.empty(0, dtype=int)
    separation = rng.uniform(3.0, 10.0, n_neighbours) / 3600.0
    angle = rng.uniform(0.0, 2.0 * np.pi, n_neighbours)
    host_dec = own["dec0"].to_numpy()[hosts]
    field_ra, field_dec = scatter_positions(rng, field_centre, field_radius_deg, n_field_stars)
    extra_ra = np.concatenate(
        [own["ra0"].to_numpy()[hosts] + separation * np.cos(angle) / np.cos(np.radians(host_dec)), field_ra]
    )
    extra_dec = np.concatenate([host_dec + separation * np.sin(angle), field_dec])
    n_extra = extra_ra.size
    extra_g = np.concatenate([own["phot_g_mean_mag"].to_numpy()[hosts] + rng.uniform(2.0, 5.0, n_neighbours),
                              rng.uniform(13.0, 19.0, n_field_stars)])  # fmt: skip
    extra_color = rng.uniform(0.8, 2.5, n_extra)
    extra = pd.DataFrame(
        {
            "ra0": extra_ra,
            "dec0": extra_dec,
            "pmra": rng.normal(-2.7, 2.5, n_extra),
            "pmdec": rng.normal(-5.5, 2.5, n_extra),
            "parallax": rng.normal(0.12, 0.08, n_extra),
            "phot_g_mean_mag": extra_g,
            "bp_rp": extra_color,
            "ruwe": 1.0 + np.abs(rng.normal(0.0, 0.08, n_extra)),
        }
    )
    extra = extra.assign(**_infrared(rng, extra_g, extra_color))
    candidates = gaia_source_ids(rng, n_extra + n)
    extra.insert(0, "source_id", candidates[~np.isin(candidates, own["source_id"])][:n_extra])
    table = pd.concat([own, extra], ignore_index=True)
    ra, dec = propagate(table["ra0"], table["dec0"], table["pmra"], table["pmdec"], GAIA_EPOCH - INDEX_EPOCH)
    table = table.assign(
        ra=ra, dec=dec, ref_epoch=GAIA_EPOCH, parallax_error=parallax_error(table["phot_g_mean_mag"])
    )
    return table[list(GAIA_FORMATS)].reset_index(drop=True)


def scatter_positions(
    rng: np.random.Generator, centre: tuple[float, float], radius_deg: float, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` positions (deg) uniform on a small disc of ``radius_deg`` around ``centre``; each shape (n,)."""
    r = radius_deg * np.sqrt(rng.random(n))
    theta = rng.uniform(0.0, 2.0 * np.pi, n)
    dec = centre[1] + r * np.sin(theta)
    return np.mod(centre[0] + r * np.cos(theta) / np.cos(np.radians(centre[1])), 360.0), dec


def vsx_name(ra: float, dec: float) -> str:
    """VSX-style designation ``VSX Jhhmmss.s+ddmmss`` of a position (deg)."""
    hours = ra / 15.0
    h, m = int(hours), int((hours * 60) % 60)
    sec = (hours * 3600) % 60
    sign = "-" if dec < 0 else "+"
    d_abs = abs(dec)
    dd, dm, ds = int(d_abs), int((d_abs * 60) % 60), int((d_abs * 3600) % 60)
    return f"VSX J{h:02d}{m:02d}{sec:04.1f}{sign}{dd:02d}{dm:02d}{ds:02d}"


def vsx_like_catalog(
    stars: pd.DataFrame,
    gaia: pd.DataFrame,
    rng: np.random.Generator,
    flare_fraction: float,
    n_field_variables: int,
) -> pd.DataFrame:
    """VSX-like known-variable catalog: every eclipsing binary (class EA, its period), a fraction of the
    flare stars (class UV) and a few Gaia-like field stars as other classes; positions at J2000.

    Parameters
    ----------
    stars : DataFrame
        Simulated stars with ``ra, dec, kind, period`` (period NaN unless eclipsing binary).
    gaia : DataFrame
        Output of :func:`gaia_like_catalog`; field stars are taken from the rows after ``len(stars)``.
    rng : Generator
        Random generator (consumed).
    flare_fraction : float
        Fraction of flare stars listed.
    n_field_variables : int
        Number of field stars listed (classes SR, L, RRAB, EW in turn).

    Returns
    -------
    DataFrame
        Columns ``name, ra, dec, class, period`` (period NaN where aperiodic).
    """
    ebs = stars[stars["kind"] == "eclipsing_binary"]
    flares = stars[stars["kind"] == "flare"]
    flares = flares.iloc[np.sort(rng.permutation(len(flares))[: round(flare_fraction * len(flares))])]
    field = gaia.iloc[len(stars) :]
    field = field.iloc[np.sort(rng.permutation(len(field))[:n_field_variables])]
    field_ra, field_dec = propagate(
        field["ra"], field["dec"], field["pmra"], field["pmdec"], INDEX_EPOCH - GAIA_EPOCH
    )
    classes = [_FIELD_VARIABLES[i % len(_FIELD_VARIABLES)] for i in range(len(field))]
    periods = [rng.uniform(low, high) if np.isfinite(low) else np.nan for _, low, high in classes]
    table = pd.DataFrame(
        {
            "ra": np.concatenate([ebs["ra"], flares["ra"], field_ra]),
            "dec": np.concatenate([ebs["dec"], flares["dec"], field_dec]),
            "class": ["EA"] * len(ebs) + ["UV"] * len(flares) + [name for name, _, _ in classes],
            "period": np.concatenate(
                [ebs["period"], np.full(len(flares), np.nan), np.asarray(periods, dtype=float)]
            ),
        }
    )
    table.insert(0, "name", [vsx_name(ra, dec) for ra, dec in zip(table["ra"], table["dec"], strict=True)])
    return table[list(VSX_FORMATS)]
