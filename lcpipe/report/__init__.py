"""Report helpers: attrition counts per bin and stage, and the HTML pages of the Snakemake report."""
