# Configuration access and input functions. Rules use only what is defined here.

import re
from pathlib import Path

from snakemake.utils import validate

from lcpipe import __version__ as LCPIPE_VERSION
from lcpipe.options_check import check_options

validate(config, schema="../workflow/schemas/config.schema.yaml", set_default=True)
check_options(config)

RESULTS = Path(config["results_dir"])
BINS = list(config["bins"])
SHARDS = list(range(config["shards"]))


wildcard_constraints:
    mag_bin="|".join(map(re.escape, BINS)) if BINS else "[^/]+",
    shard=r"\d+",


def result(*parts):
    """Path under the results folder."""
    return str(RESULTS.joinpath(*parts))


def log_file(rule_name, *parts):
    """Log file of one job."""
    return str(RESULTS.joinpath("logs", rule_name, *parts)) + ".log"


def benchmark_file(rule_name, *parts):
    """Time/memory TSV of one job."""
    return str(RESULTS.joinpath("benchmarks", rule_name, *parts)) + ".tsv"


def demo_truth():
    """Truth table the demo generator writes last (its presence means the demo is complete)."""
    return str(Path(config["demo"]["out_dir"], "truth.parquet"))


def survey_ready(wildcards):
    """The demo survey when the workflow generates it; nothing for real data."""
    return [demo_truth()] if config["demo"]["generate"] else []


def collection_table(wildcards):
    """The folder layout's table of files and median magnitudes; nothing for ASAS-SN trees."""
    return (
        [result("collection.parquet")] if config["survey"]["layout"] == "folder" else []
    )


def shard_files(name):
    """Input function: the per-shard outputs ``shards/<name>_<k>.parquet`` of a bin."""

    def files(wildcards):
        return [
            result(wildcards.mag_bin, "shards", f"{name}_{k}.parquet") for k in SHARDS
        ]

    return files


def final_outputs():
    """Everything `rule all` asks for."""
    tables = ["tags", "pspl", "anomaly", "anomaly_clusters", "dips"]
    return expand(result("{mag_bin}", "{table}.parquet"), mag_bin=BINS, table=tables)
