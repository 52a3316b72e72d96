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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.simulate.catalogs import (
    GAIA_FORMATS,
    VSX_FORMATS,
    gaia_like_catalog,
    gaia_source_ids,
    unique_ids,
    vsx_like_catalog,
)
from lcpipe.simulate.observe import draw_injection, observe, survey_epochs
from lcpipe.simulate.stars import assign_kinds, draw_ruwe, draw_star
from lcpipe.simulate.survey_options import SurveySimOptions
from lcpipe.simulate.writers import write_dat2, write_fixed_csv
from lcpipe.tables import write_table

#: Index CSV columns and formats.
INDEX_FORMATS = {"asas_sn_id": "%d", "ra_deg": "%.7f", "dec_deg": "%.7f", "pm_ra": "%.3f", "pm_dec": "%.3f",
                 "mag": "%.3f"}  # fmt: skip

#: What a garbled download looks like (written to one ``broken`` light curve).
GARBAGE_TEXT = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body>\n</html>\n"


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
    n_bins, per_bin = len(options.mag_bins), options.stars_per_bin
    ids = unique_ids(np.random.default_rng([options.seed, 3]), n_bins * per_bin, 10**11, 7 * 10**11)
    gaia_ids = gaia_source_ids(np.random.default_rng([options.seed, 4]), n_bins * per_bin)
    kinds = assign_kinds(options)
    broken_written = 0
    truth_rows, star_rows = [], []
    for b in range(n_bins):
        for i in range(per_bin):
            star_row, truth_row = _simulate_star(
                root, options, (b, i), int(ids[b * per_bin + i]), int(gaia_ids[b * per_bin + i]), kinds[b][i],
                broken_written,
            )  # fmt: skip
            broken_written += kinds[b][i] == "broken"
            star_rows.append(star_row)
            truth_rows.append(truth_row)
    stars = pd.DataFrame(star_rows)
    _write_index(root / "index", stars)
    gaia_path, vsx_path = _write_catalogs(root / "catalogs", stars, options)
    truth = pd.DataFrame(truth_rows)
    provenance = {"stage": "simulate", "options": dataclasses.asdict(options), "index_epoch": 2000.0}
    truth_path = write_table(truth, root / "truth.parquet", provenance)
    return SurveyTree(
        root, root / "lc", root / "index", truth_path, gaia_path, vsx_path, options.mag_bins, truth
    )


def _simulate_star(
    root: Path,
    options: SurveySimOptions,
    slot: tuple[int, int],
    asas_sn_id: int,
    gaia_source_id: int,
    kind: str,
    broken_written: int,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Draw star ``slot`` = (bin, star) from its own generator and write its light curve.

    A ``broken`` star gets an empty file (the first) or garbage text; a ``missing`` one no file.

    Returns
    -------
    star_row, truth_row : dict
        The star's catalog inputs and its truth-table row.
    """
    b, i = slot
    mag_bin = options.mag_bins[b]
    rng = np.random.default_rng([options.seed, 1, b, i])
    chunk = i // options.stars_per_index_file
    star = draw_star(rng, options, asas_sn_id, mag_bin, chunk)
    relative = Path("lc", mag_bin, f"lc{chunk}_cal", f"{star.asas_sn_id}.dat2")
    cameras, times, owner = survey_epochs(rng, options, star)
    injection, followup = draw_injection(rng, options, star, kind, times)
    if followup.size:
        cameras = [*cameras, options.followup_camera]
        times = np.concatenate([times, followup])
        owner = np.concatenate([owner, np.full(followup.size, len(cameras) - 1)])
    phot = observe(rng, options, star, injection, cameras, times, owner)
    if kind == "broken":
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text("" if broken_written == 0 else GARBAGE_TEXT)
    elif kind != "missing":
        write_dat2(root / relative, phot.jd, phot.mag, phot.mag_err, phot.good, phot.camera_number,
                   phot.band, phot.saturated, phot.camera_field)  # fmt: skip
    star_row = {**dataclasses.asdict(star), "gaia_source_id": gaia_source_id, "kind": kind,
                "period": injection.params.get("period", np.nan),
                "ir_excess": kind == "dip" and rng.random() < options.ir_excess_fraction,
                "ruwe": draw_ruwe(rng, kind)}  # fmt: skip
    written = kind not in ("broken", "missing")
    truth_row = {
        "source_id": str(star.asas_sn_id),
        "mag_bin": mag_bin,
        "path": relative.as_posix(),
        "kind": kind,
        "baseline_mag": star.mag,
        "ra": star.ra,
        "dec": star.dec,
        "gaia_source_id": gaia_source_id,
        "n_points": int(phot.jd.size) if written else 0,
        "n_cameras": len(cameras) if written else 0,
        "cameras": ",".join(cameras) if written else "",
        "n_followup": int(followup.size) if written else 0,
        "n_bad": phot.n_bad if written else 0,
        "n_outliers": phot.n_outliers if written else 0,
        "n_saturated": phot.n_saturated if written else 0,
        **injection.truth_row(),
    }
    return star_row, truth_row


def _write_index(index_root: Path, stars: pd.DataFrame) -> None:
    """The index CSVs ``<index_root>/<mag_bin>/index<chunk>.csv`` of the stars."""
    columns = {"asas_sn_id": "asas_sn_id", "ra_deg": "ra", "dec_deg": "dec", "pm_ra": "pm_ra",
               "pm_dec": "pm_dec", "mag": "mag"}  # fmt: skip
    for (mag_bin, chunk), rows in stars.groupby(["mag_bin", "chunk"], sort=False):
        index = pd.DataFrame({name: rows[source] for name, source in columns.items()})
        write_fixed_csv(index_root / mag_bin / f"index{chunk}.csv", index, INDEX_FORMATS)


def _write_catalogs(folder: Path, stars: pd.DataFrame, options: SurveySimOptions) -> tuple[Path, Path]:
    """The Gaia-like and VSX-like catalogs of the stars (one generator for both): their paths."""
    catalog_rng = np.random.default_rng([options.seed, 5])
    centre = (options.field_ra_deg, options.field_dec_deg)
    gaia = gaia_like_catalog(stars, catalog_rng, centre, options.field_radius_deg, options.n_field_stars,
                             options.neighbour_fraction)  # fmt: skip
    vsx = vsx_like_catalog(stars, gaia, catalog_rng, options.vsx_flare_fraction, options.vsx_field_variables)
    gaia_path, vsx_path = folder / "gaia_like.csv", folder / "vsx_like.csv"
    write_fixed_csv(gaia_path, gaia, GAIA_FORMATS)
    write_fixed_csv(vsx_path, vsx, VSX_FORMATS)
    return gaia_path, vsx_path
