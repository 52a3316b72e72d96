"""After detection: join the per-bin stage tables into one row per source and filter it into candidates."""

from lcpipe.filter.join import STAGES, StageSpec, join_stage_tables
from lcpipe.filter.tests import FilterOptions, apply_filter

__all__ = ["STAGES", "FilterOptions", "StageSpec", "apply_filter", "join_stage_tables"]
