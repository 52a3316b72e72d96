"""Reading the rows of one shard and loading their light curves for a per-source stage."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from lcpipe.tables import read_table


def shard_rows(table_path: str | Path, shard: int) -> pd.DataFrame:
    """Rows of ``table_path`` (a manifest or a gathered stage table) that belong to ``shard``."""
    table = read_table(table_path)
    if "shard" not in table.columns:  # an empty bin: nothing to process
        return table.iloc[0:0]
    return table.loc[table["shard"] == shard].reset_index(drop=True)


def passthrough(row: Mapping[str, Any]) -> dict[str, Any]:
    """Identity columns every per-source output carries: id, bin, shard, position (and its source), path."""
    keys = ("mag_bin", "shard", "ra", "dec", "position_source", "path")
    return {key: row[key] for key in keys if key in row}
