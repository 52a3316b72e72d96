"""Events of a folder collection: several files read as one source, each file still an entry of its own.

An event is either a sub-folder of the collection (:mod:`lcpipe.io.event_folder`: its light-curve files,
or those its ``event.csv`` names) or the files a catalog groups with an ``event_id`` column. The event
is one row, a source like any other; each of its files keeps a row of its own with status
``event_member`` and the event's id as ``source_id``, so that every file the layout holds is listed
exactly once and the ledger points from each file to the event whose disposition it shares.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lcpipe.io.event_folder import event_files, event_path
from lcpipe.manifest.entries import check_source_id

#: Status of a file read as one data set of an event (the event's row holds its disposition).
EVENT_MEMBER = "event_member"

#: ``kind`` of the entry of an event a catalog groups (its files are entries of their own).
CATALOG_EVENT = "catalog_event"


def folder_event_members(folder: str | Path, event_id: str) -> list[dict]:
    """The entries of the data-set files of one event sub-folder (:func:`event_files`), in read order.

    Parameters
    ----------
    folder : path-like
        The event's sub-folder.
    event_id : str
        The event's source id (the sub-folder's name).

    Returns
    -------
    list of dict
        One row per file: ``entry``/``path`` the file, ``kind`` ``file``, ``source_id`` the event's,
        status :data:`EVENT_MEMBER`.
    """
    reason = f"data set of the event {event_id} (entry {folder}, whose row holds their disposition)"
    return [
        {
            "entry": str(path),
            "kind": "file",
            "source_id": event_id,
            "path": str(path),
            "format": fmt or "",
            "status": EVENT_MEMBER,
            "reason": reason,
        }
        for path, fmt in event_files(folder)
    ]


def group_catalog_events(sources: pd.DataFrame, catalog: str | Path) -> pd.DataFrame:
    """Add one row per event a catalog's ``event_id`` groups; its files become :data:`EVENT_MEMBER` rows.

    Parameters
    ----------
    sources : DataFrame
        One row per folder entry (``entry, kind, source_id, path, format, status, reason``, positions,
        optionally ``event_id``).
    catalog : path-like
        The catalog, named in the event rows' ``entry`` (``"<catalog>:event_id=<id>"``).

    Returns
    -------
    DataFrame
        Without an ``event_id`` column. Rows of files without an event id unchanged; rows of ``ok``
        files with one keep their place with status :data:`EVENT_MEMBER` and ``source_id`` the event
        id; then one row per event (in event-id order) with ``kind`` :data:`CATALOG_EVENT`, ``path``
        its files (:func:`event_path`, in name order), ``format`` ``"event"`` and the first file's
        position, status ``ok`` (``bad_id`` when the event id cannot be a file name). Entries that
        are not ``ok`` (duplicates, bad ids) are not grouped: they keep their own status.
    """
    if "event_id" not in sources.columns:
        return sources
    ids = sources["event_id"].fillna("").astype(str).str.strip()
    sources = sources.drop(columns="event_id")
    grouped = (ids != "") & (sources["status"] == "ok")
    events = []
    for event_id, rows in sources.loc[grouped].groupby(ids[grouped], sort=True):
        event = rows.iloc[0].to_dict()
        why = check_source_id(str(event_id))
        event.update(
            entry=f"{catalog}:event_id={event_id}",
            kind=CATALOG_EVENT,
            source_id=str(event_id),
            path=event_path(rows["path"]),
            format="event",
            status="bad_id" if why else "ok",
            reason=why,
        )
        events.append(event)
    members = sources.loc[grouped]
    sources.loc[grouped, "reason"] = [
        f"data set {sid!r} of the event {eid} (entry {catalog}:event_id={eid}, whose row holds their "
        "disposition)"
        for sid, eid in zip(members["source_id"], ids[grouped], strict=True)
    ]
    sources.loc[grouped, "source_id"] = ids[grouped]
    sources.loc[grouped, "status"] = EVENT_MEMBER
    if not events:
        return sources.reset_index(drop=True)
    return pd.concat([sources, pd.DataFrame(events, columns=sources.columns)], ignore_index=True)
