"""Snakemake adapter: write the manifest of one magnitude bin."""

from lcpipe.stages.logs import log_to
from lcpipe.stages.manifest import write_bin_manifest

if __name__ == "__main__":
    with log_to(snakemake.log[0]):
        write_bin_manifest(
            snakemake.output.manifest,
            entries_output=snakemake.output.entries,
            mag_bin=snakemake.wildcards.mag_bin,
            survey=snakemake.params.survey,
            shards=snakemake.params.shards,
            bins=snakemake.params.bins,
            collection=snakemake.input.collection[0] if snakemake.input.collection else None,
        )
