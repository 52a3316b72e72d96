"""Snakemake adapter: write results/run_summary.json (counts per stage and bin, failures, ledger totals,
time per rule)."""

from lcpipe.stages.logs import log_to
from lcpipe.stages.run_summary import write_run_summary

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        write_run_summary(
            list(snakemake.input.tables),
            list(snakemake.input.failures),
            snakemake.params.benchmark_dir,
            snakemake.output[0],
            config=snakemake.params.config,
            max_listed=snakemake.params.max_listed,
            ledgers=list(snakemake.input.ledgers),
            unbinned=snakemake.input.unbinned,
        )
