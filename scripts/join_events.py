"""Snakemake adapter: join a bin's stage tables into events.parquet (one row per source)."""

from lcpipe.stages.join import write_events
from lcpipe.stages.logs import log_to

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        write_events(dict(snakemake.input.items()), snakemake.output[0])
