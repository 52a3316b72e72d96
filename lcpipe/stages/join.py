"""Join the per-bin stage tables (tags, PSPL fit, anomaly scan, dip events, LTV) into one row per source.

Column naming in ``events.parquet``
-----------------------------------
The identity columns :data:`IDENTITY_COLUMNS` (``source_id``, ``mag_bin``, ``shard``, ``ra``, ``dec``,
``path``) appear once. Every other column carries the prefix of the stage that wrote it, so that the
``status``, ``n_points`` or ``error`` of different stages never collide:

============  =========  ==========================================  =====================================
stage         prefix     columns kept as they are                    examples
============  =========  ==========================================  =====================================
tag           ``tag_``   none                                        ``tag_status``, ``tag_passed_tags``
pspl          ``pspl_``  ``pspl_*`` (the fit's own ``pspl_status``    ``pspl_status``, ``pspl_is_event``,
                         becomes ``pspl_fit_status``)                ``pspl_dchi2_const``
anomaly       ``anomaly_``  none                                     ``anomaly_status``,
                                                                     ``anomaly_best_dchi2``
dips          ``dip_``   ``dip_*``, ``jump_*``, ``dipper_*``,        ``dip_status``, ``dip_baseline_mag``,
                         ``period*``, ``fade_*``                     ``dip_log_bf``, ``periodic``
ltv           ``ltv_``   ``ltv_*``                                   ``ltv_status``, ``ltv_slope``,
                                                                     ``ltv_candidate``, ``ltv_pass_slope``
============  =========  ==========================================  =====================================

A column that already starts with one of its stage's own prefixes keeps its name; any other column
gets the stage prefix. A source missing from a stage table keeps its row: that stage's ``*_status`` is
:data:`MISSING_STATUS` and its other columns are missing (NaN / null). Rows are sorted by ``source_id``,
so the order of shards (and of the rows inside the stage tables) does not matter.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lcpipe.stages.provenance import stage_provenance
from lcpipe.tables import read_table, write_table

logger = logging.getLogger(__name__)

#: Columns describing the source itself; kept once (first stage that has them wins).
IDENTITY_COLUMNS: tuple[str, ...] = ("source_id", "mag_bin", "shard", "ra", "dec", "path")

#: ``<prefix>status`` of a source that a stage table does not list.
MISSING_STATUS = "not_in_table"


@dataclass(frozen=True)
class StageSpec:
    """How the columns of one stage table are named in the joined table.

    Attributes
    ----------
    name : str
        Stage name (the key of :func:`join_stage_tables`' ``tables``).
    prefix : str
        Prefix added to columns that do not already start with one of ``own_prefixes``.
    own_prefixes : tuple of str
        Column prefixes the stage already uses for its own results (kept unchanged).
    renames : tuple of (str, str)
        Explicit renames applied before the prefix rule, for own columns that the prefix rule
        would collide with (the PSPL table's fit ``pspl_status`` next to its row ``status``).
    """

    name: str
    prefix: str
    own_prefixes: tuple[str, ...] = ()
    renames: tuple[tuple[str, str], ...] = ()

    def column_name(self, column: str) -> str:
        """Name of ``column`` of this stage in the joined table."""
        renamed = dict(self.renames)
        if column in renamed:
            return renamed[column]
        if column.startswith(self.own_prefixes):
            return column
        return self.prefix + column


#: The stages joined into ``events.parquet``, in column order.
STAGES: tuple[StageSpec, ...] = (
    StageSpec("tag", "tag_"),
    StageSpec("pspl", "pspl_", ("pspl_",), (("pspl_status", "pspl_fit_status"),)),
    StageSpec("anomaly", "anomaly_"),
    StageSpec("dips", "dip_", ("dip_", "jump_", "dipper_", "period", "fade_")),
    StageSpec("ltv", "ltv_", ("ltv_",)),
)


def prefixed_stage_frame(table: pd.DataFrame, spec: StageSpec) -> pd.DataFrame:
    """One stage table renamed for the join: identity columns as they are, the rest prefixed.

    Parameters
    ----------
    table : DataFrame
        A gathered stage table with ``source_id`` (one row per source).
    spec : StageSpec

    Returns
    -------
    DataFrame
        Same rows; ``source_id`` as string, boolean and integer columns as pandas' nullable
        ``boolean`` / ``Int64`` (missing after the join means "not in this stage's table").

    Raises
    ------
    ValueError
        ``source_id`` missing or repeated (a gathered stage table lists each source once), or two
        columns mapping to the same name.
    """
    if "source_id" not in table.columns:
        raise ValueError(f"{spec.name} table has no source_id column")
    frame = table.copy()
    frame["source_id"] = frame["source_id"].astype(str)
    for column in frame.columns:  # nullable dtypes, so that sources missing after the join stay typed
        if pd.api.types.is_bool_dtype(frame[column].dtype):
            frame[column] = frame[column].astype("boolean")
        elif pd.api.types.is_integer_dtype(frame[column].dtype):
            frame[column] = frame[column].astype("Int64")
    repeated = frame["source_id"][frame["source_id"].duplicated()].unique()
    if repeated.size:
        raise ValueError(
            f"{spec.name} table lists {repeated.size} source(s) more than once, e.g. {repeated[0]}"
        )
    names = {c: (c if c in IDENTITY_COLUMNS else spec.column_name(c)) for c in frame.columns}
    new = list(names.values())
    clashes = sorted({n for n in new if new.count(n) > 1})
    if clashes:
        raise ValueError(f"{spec.name} table: columns collide after prefixing: {', '.join(clashes)}")
    return frame.rename(columns=names)


def join_stage_tables(
    tables: Mapping[str, pd.DataFrame], stages: Sequence[StageSpec] = STAGES
) -> pd.DataFrame:
    """Outer-join stage tables on ``source_id`` into one row per source.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Stage name → its gathered table, for the stages that exist (an absent stage, e.g. the
        anomaly scan of a workflow that does not run it, simply contributes no columns).
    stages : sequence of StageSpec
        Naming of each stage's columns; stages not in ``tables`` are skipped.

    Returns
    -------
    DataFrame
        Identity columns first, then each stage's columns in ``stages`` order; one row per
        ``source_id`` seen in any table, sorted by ``source_id``. A source absent from a stage
        table gets ``<prefix>status = "not_in_table"``.

    Raises
    ------
    ValueError
        Unknown stage name in ``tables`` or a table that breaks :func:`prefixed_stage_frame`'s rules.
    """
    known = {s.name for s in stages}
    unknown = sorted(set(tables) - known)
    if unknown:
        raise ValueError(f"unknown stage table(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    frames = [(spec, prefixed_stage_frame(tables[spec.name], spec)) for spec in stages if spec.name in tables]
    ids = pd.Index(
        sorted({sid for _, frame in frames for sid in frame["source_id"]}), dtype=str, name="source_id"
    )
    identity = pd.DataFrame(index=ids)
    blocks = []
    for spec, frame in frames:
        frame = frame.set_index("source_id")
        present = ids.isin(frame.index)
        frame = frame.reindex(ids)
        for column in IDENTITY_COLUMNS[1:]:
            if column in frame:
                known = identity[column] if column in identity else frame[column]
                identity[column] = known.where(known.notna(), frame[column])
        block = frame.drop(columns=[c for c in IDENTITY_COLUMNS if c in frame])
        status = spec.column_name("status")
        column = block[status].astype(object) if status in block else pd.Series("ok", index=ids, dtype=object)
        block[status] = column.where(present, MISSING_STATUS)
        blocks.append(block)
    for column in IDENTITY_COLUMNS[1:]:  # an empty bin still gets every identity column
        if column not in identity:
            identity[column] = pd.Series(dtype=float if column in ("ra", "dec") else object)
    ordered = identity[list(IDENTITY_COLUMNS[1:])]
    return pd.concat([ordered, *blocks], axis=1).reset_index()


def read_stage_tables(paths: Mapping[str, str | Path | None]) -> dict[str, pd.DataFrame]:
    """Read the stage tables that exist: ``{stage: path}`` with None or a missing file skipped (logged)."""
    tables = {}
    for name, path in paths.items():
        if path is None:
            continue
        if not Path(path).exists():
            logger.warning("stage table %s (%s) does not exist: joined without it", name, path)
            continue
        tables[name] = read_table(path)
    return tables


def write_events(paths: Mapping[str, str | Path | None], output: str | Path) -> pd.DataFrame:
    """Join the stage tables of one bin and write ``events.parquet`` atomically with provenance.

    Parameters
    ----------
    paths : mapping of str to path-like or None
        Stage name (see :data:`STAGES`) → gathered table; None for a stage that is not run.
    output : path-like
        Destination Parquet file.

    Returns
    -------
    DataFrame
        The written table (see :func:`join_stage_tables`).
    """
    tables = read_stage_tables(paths)
    events = join_stage_tables(tables)
    inputs = [paths[name] for name in tables]
    write_table(events, output, stage_provenance("join_events", {"stages": sorted(tables)}, inputs))
    logger.info("joined %s: %d sources", ", ".join(tables), len(events))
    return events
