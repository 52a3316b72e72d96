"""Report helpers: attrition counts per bin and stage, and the HTML pages of the Snakemake report.

May import lcpipe.tables, lcpipe.io and lcpipe.lightcurve; the report stages are lcpipe.stages.report.
"""
