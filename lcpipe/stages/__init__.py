"""Pipeline stages: per-bin and per-shard functions that the Snakemake scripts call."""
