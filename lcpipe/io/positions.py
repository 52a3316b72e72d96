"""Sky positions carried by a light-curve file's header: the ATLAS-REFCAT2 object id.

Every ASAS-SN Sky Patrol export names its source's ATLAS-REFCAT2 id, which is built like a
Pan-STARRS1 ``objID`` (MAST, "PS1 Object Identifiers"):
``zone * 10**13 + floor(ra * 10**6) * 10**4 + floor(fraction * 10**4)`` with declination zones of
``ZONE_HEIGHT`` degrees, ``zone = floor((dec + 90) / ZONE_HEIGHT)`` and ``fraction`` the position
inside the zone. Decoding it gives the catalogue position to the id's resolution (0.004 arcsec in RA
and Dec) -- plenty for a crossmatch -- when a folder of exports comes without a catalog.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

#: Header key of the ATLAS-REFCAT2 id in a Sky Patrol export.
REFCAT2_KEY = "ATLAS-REFCAT2"

#: Height of a declination zone of the PS1 object id (degrees, 30 arcsec as the PS1 code writes it).
ZONE_HEIGHT = 0.0083333

#: Values of ``position_source``: where a source's ``ra``/``dec`` came from.
POSITION_SOURCES: dict[str, str] = {
    "catalog": "the folder collection's catalog",
    "index": "the ASAS-SN index file",
    "refcat2_id": "decoded from the ATLAS-REFCAT2 id in the light curve's header",
    "none": "no position known",
}


def decode_refcat2_id(object_id: int | str) -> tuple[float, float]:
    """Position (ra, dec in degrees) encoded in an ATLAS-REFCAT2 / PS1-style object id.

    The centre of the id's cell is returned (half a unit of the last digit of each part is added).

    Raises
    ------
    ValueError
        When ``object_id`` is not a non-negative integer or decodes outside the sky.
    """
    text = str(object_id).strip()
    if not text.isdigit():
        raise ValueError(f"ATLAS-REFCAT2 id {object_id!r} is not a non-negative integer")
    number = int(text)
    zone, rest = divmod(number, 10**13)
    ra_micro, fraction = divmod(rest, 10**4)
    ra = (ra_micro + 0.5) / 1e6
    dec = (zone + (fraction + 0.5) / 1e4) * ZONE_HEIGHT - 90.0
    if not (0.0 <= ra < 360.0 and -90.0 <= dec <= 90.0):
        raise ValueError(f"ATLAS-REFCAT2 id {object_id!r} decodes to ra={ra:.6f}, dec={dec:.6f}: off the sky")
    return ra, dec


def position_from_header(header: Mapping[str, str]) -> tuple[float, float, str]:
    """``(ra, dec, position_source)`` from a Sky Patrol header: the decoded REFCAT2 id, else NaN and
    ``"none"``."""
    try:
        ra, dec = decode_refcat2_id(header[REFCAT2_KEY])
    except (KeyError, ValueError):
        return np.nan, np.nan, "none"
    return ra, dec, "refcat2_id"
