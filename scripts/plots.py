"""Snakemake adapter: PNGs of every candidate of a bin into results/<bin>/plots/ plus plots.parquet."""

from lcpipe.stages.logs import log_to
from lcpipe.stages.plots import write_bin_plots

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        params = snakemake.params
        write_bin_plots(
            snakemake.input.table,
            snakemake.output.pngs,
            snakemake.output.index,
            plots=params.plots,
            read=params.read,
            cleaning=params.cleaning,
            dips=params.dips,
            pspl=params.pspl,
            anomaly=params.anomaly,
            light_curves=snakemake.input.light_curves,
            dip_curves=snakemake.input.dip_curves,
            clusters=snakemake.input.clusters,
        )
