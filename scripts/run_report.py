"""Snakemake adapter: the run's report pages (attrition of every bin, configuration and versions)."""

from lcpipe.stages.logs import log_to
from lcpipe.stages.run_report import write_run_report

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        write_run_report(
            list(snakemake.input.attrition),
            snakemake.output.attrition,
            snakemake.output.chart,
            snakemake.output.run_info,
            config=snakemake.params.config,
            run_summary=snakemake.input.summary,
        )
