"""Join the per-shard tables of one bin and stage into a single table."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from lcpipe.stages.provenance import stage_provenance
from lcpipe.tables import read_provenance, read_table, write_table


def gather_shards(inputs: Sequence[str | Path], output: str | Path) -> pd.DataFrame:
    """Concatenate shard tables (same stage) in shard order and write them atomically.

    The output keeps the stage name of the shards (``tag`` → ``tags.parquet`` of stage ``tag``)
    and records the checksums of the shard files it was built from.
    """
    frames = [read_table(path) for path in inputs]
    stage = read_provenance(inputs[0]).get("stage", "unknown") if inputs else "unknown"
    nonempty = [f for f in frames if not f.empty]
    table = pd.concat(nonempty, ignore_index=True) if nonempty else (frames[0] if frames else pd.DataFrame())
    write_table(table, output, stage_provenance(stage, {"gathered_shards": len(frames)}, inputs))
    return table
