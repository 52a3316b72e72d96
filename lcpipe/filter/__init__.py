"""The filter's criteria: a pass_<name> column per test of a joined events table, candidates by family.

May import lcpipe.io, lcpipe.lightcurve and lcpipe.tables; the filter stage is lcpipe.stages.filter.
"""

from lcpipe.filter.criteria import FilterOptions, apply_filter

__all__ = ["FilterOptions", "apply_filter"]
