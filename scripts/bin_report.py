"""Snakemake adapter: a bin's report pages (attrition, candidate table linked to the plots)."""

from pathlib import Path

from lcpipe.stages.logs import log_to
from lcpipe.stages.report import write_bin_report

#: The rule plots' PNG folder, as the report marker names it: next to the plot index.
PLOTS_DIR = str(Path(snakemake.input.plots).with_name("plots"))

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        write_bin_report(
            snakemake.input.events,
            snakemake.input.candidates,
            snakemake.input.vetted,
            snakemake.output.attrition_tsv,
            snakemake.output.attrition,
            snakemake.output.candidates,
            mag_bin=snakemake.wildcards.mag_bin,
            max_table_rows=snakemake.params.max_table_rows,
            plots_path=snakemake.input.plots,
            plot_href=lambda name: str(snakemake.report_href(PLOTS_DIR).child_path(name)),
        )
