"""Manifest: which light curves a magnitude bin holds, where they are, and which shard runs each.

May import lcpipe.io, lcpipe.lightcurve and lcpipe.sharding; the manifest stage is lcpipe.stages.manifest.

Two layouts are understood:

``asassn`` (:mod:`lcpipe.manifest.asassn`)
    ``<lc_root>/<mag_bin>/lc<num>_cal/<id>.dat2`` with ``<index_root>/<mag_bin>/index<num>.csv``
    (columns ``asas_sn_id, ra_deg, dec_deg`` and optionally ``pm_ra, pm_dec``).
``folder`` (:mod:`lcpipe.manifest.folder`)
    A folder of light-curve files in any format :func:`lcpipe.read_lightcurve` reads, with an optional
    catalog (``source_id, ra, dec``), binned by median magnitude into bins named ``<lo>_<hi>``
    (:mod:`lcpipe.manifest.bins`). Several files may be one event (:mod:`lcpipe.manifest.events`).

Entries and sources
-------------------
Every *entry* the layout shows is listed with what became of it (:data:`ENTRY_COLUMNS`), so nothing is
dropped without a trace: each index file, each index row and each light-curve file no index row names
(``asassn``), and each entry of the folder, directories and broken symlinks included, each file of an
event and each event a catalog groups (``folder``). An entry with ``status == "ok"`` became a *source*
of the manifest (one row per unique ``source_id``); any other status is the entry's final disposition,
with the detail in ``reason``:

==================  ==================================================================================
status              entry
==================  ==================================================================================
``index_file``      an index file that was read (its rows are entries of their own)
``bad_index_file``  an index file that cannot be used (unparseable, no ``asas_sn_id`` column); the bin
                    goes on with its other index files
``bad_index_row``   an index row without an id
``bad_id``          an id that cannot be a file name (:func:`check_source_id`: path separators, ``..``,
                    control characters); the id never becomes a path
``duplicate_id``    a later entry with the id of an earlier one; ``duplicate_of`` names the entry kept
                    (the first: index files in name order and their rows in file order, folder entries
                    in name order, so ``X.csv`` is kept over ``X.dat2``)
``event_member``    a file read as one data set of an event (a sub-folder's file, or a file the
                    catalog's ``event_id`` groups); ``source_id`` is the event's, whose row (kind
                    ``directory`` or ``catalog_event``, entry ``<catalog>:event_id=<id>``) is the source
``not_a_light_curve``  a directory, a special file, or a file whose extension no reader takes
``unsupported_format``  a compressed file the readers do not decompress
``symlink_loop``, ``dangling_symlink``  a symlink that leads nowhere
==================  ==================================================================================
"""

from lcpipe.manifest.asassn import asassn_layout, asassn_manifest
from lcpipe.manifest.bins import bin_limits, bin_of
from lcpipe.manifest.entries import (
    ENTRY_COLUMNS,
    MANIFEST_COLUMNS,
    Layout,
    ManifestError,
    check_source_id,
)
from lcpipe.manifest.events import CATALOG_EVENT, EVENT_MEMBER
from lcpipe.manifest.folder import (
    COMPRESSED_SUFFIXES,
    SKYPATROL_SUFFIX,
    folder_layout,
    folder_manifest,
    folder_source_id,
    folder_sources,
    unbinned_entries,
)

__all__ = [
    "CATALOG_EVENT",
    "COMPRESSED_SUFFIXES",
    "ENTRY_COLUMNS",
    "EVENT_MEMBER",
    "MANIFEST_COLUMNS",
    "SKYPATROL_SUFFIX",
    "Layout",
    "ManifestError",
    "asassn_layout",
    "asassn_manifest",
    "bin_limits",
    "bin_of",
    "check_source_id",
    "folder_layout",
    "folder_manifest",
    "folder_source_id",
    "folder_sources",
    "unbinned_entries",
]
