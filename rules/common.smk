# Configuration access and input functions. Rules use only what is defined here.

import re
from pathlib import Path

from snakemake.utils import validate

from lcpipe import __version__ as LCPIPE_VERSION
from lcpipe.options_check import SECTIONS, check_config

validate(config, schema="../workflow/schemas/config.schema.yaml", set_default=True)
# Every option section, the reader options, the layout's folders and the bins, before the first job.
check_config(config)

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


def timing_file(rule_name, *parts):
    """Seconds per source of one job (beside its benchmark; kept out of the science tables)."""
    return str(RESULTS.joinpath("benchmarks", rule_name, *parts)) + ".sources.tsv"


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


#: Per-bin tables gathered from the bin's shards (results/{mag_bin}/<table>.parquet from
#: results/{mag_bin}/shards/<table>_<k>.parquet) by the one `gather` rule (rules/gather.smk).
GATHERED_TABLES = ["tags", "pspl", "anomaly", "anomaly_clusters", "dips", "ltv"]


def shard_output(name):
    """Path pattern of one shard's output ``shards/<name>_{shard}.parquet`` of a bin."""
    return result("{mag_bin}", "shards", f"{name}_{{shard}}.parquet")


def shard_tables(wildcards):
    """Input function of `gather`: the shard files of table ``{table}`` of bin ``{mag_bin}``."""
    return [
        result(wildcards.mag_bin, "shards", f"{wildcards.table}_{k}.parquet")
        for k in SHARDS
    ]


def shard_files(name):
    """Input function: the per-shard files ``shards/<name>_<k>.parquet`` of a bin."""

    def files(wildcards):
        return [
            result(wildcards.mag_bin, "shards", f"{name}_{k}.parquet") for k in SHARDS
        ]

    return files


#: The packed light curves of every shard of a bin (for the bin-level stages that read curves).
packed_shards = shard_files("lightcurves")


def collected_light_curves():
    """Packed light curves the collection writes per bin and shard (folder layout only)."""
    return expand(
        result("collection", "{mag_bin}", "lightcurves_{shard}.parquet"),
        mag_bin=BINS,
        shard=SHARDS,
    )


def collected_shard(wildcards):
    """Input function of `tag`: the shard's packed light curves from the collection of a folder survey
    (which reads every file once to bin it); nothing for ASAS-SN trees (the tag stage reads the files).
    """
    if config["survey"]["layout"] != "folder":
        return []
    return [
        result(
            "collection", wildcards.mag_bin, f"lightcurves_{wildcards.shard}.parquet"
        )
    ]


def final_outputs():
    """Everything `rule all` asks for."""
    tables = ["anomaly_clusters", "vetted", "classified", "plots", "failures", "ledger"]
    per_bin = expand(result("{mag_bin}", "{table}.parquet"), mag_bin=BINS, table=tables)
    reports = expand(result("{mag_bin}", "report", "attrition.tsv"), mag_bin=BINS)
    return [
        *per_bin,
        *reports,
        result("report", "attrition.html"),
        result("ledger_unbinned.parquet"),
        result("run_summary.json"),
    ]


# ---- Evaluation (rules/evaluation.smk) ----

#: Files each evaluation rule writes into its folder under <results_dir>/evaluation/.
EVALUATION_DIP_FILES = [
    "trials.parquet",
    "efficiency_cube.parquet",
    "marginals.parquet",
    "depth_at_50.parquet",
    "efficiency_maps.png",
    "marginals.png",
    "depth_at_50.png",
]
EVALUATION_ANOMALY_FILES = [
    "trials.parquet",
    "efficiency_cube.parquet",
    "marginals.parquet",
    "efficiency_maps.png",
    "marginals.png",
]
EVALUATION_FALSE_ALARM_FILES = ["rates.parquet", "false_alarms.png"]
EVALUATION_VALIDATION_FILES = ["metrics.parquet", "matched.parquet", "run.parquet"]
EVALUATION_LTV_FILES = ["trials.parquet", "recovery.parquet", "false_alarms.parquet"]


def evaluation_files(folder, names):
    """Paths of ``names`` in the evaluation folder ``folder``."""
    return [result("evaluation", folder, name) for name in names]


def evaluation_hosts():
    """Host light curves of the evaluation (lcpipe.stages.evaluation.HostSpec fields)."""
    hosts = dict(config["evaluation"]["hosts"])
    return {**hosts, "demo_dir": config["demo"]["out_dir"]}


def evaluation_host_inputs(wildcards):
    """The demo survey's truth table when the hosts are its quiet stars."""
    return [demo_truth()] if config["evaluation"]["hosts"]["source"] == "demo" else []


def evaluation_real_hosts():
    """Real baseline light curves of the false-alarm run (None when no folder is configured)."""
    section = config["evaluation"]["false_alarms"]
    if not section["real_folder"]:
        return None
    return {
        "source": "folder",
        "folder": section["real_folder"],
        "pattern": section["real_pattern"],
    }


def evaluation_dip_options():
    """DipInjectionOptions fields: the evaluation's grid plus the pipeline's own dip settings."""
    detection = SECTIONS["dips"].option_values(config["dips"])
    return {**config["evaluation"]["dips"], "detection": detection}


def evaluation_finder():
    """FinderOptions fields of the evaluation: the anomaly-scan stage's own (anomaly and pspl sections)."""
    return SECTIONS["anomaly"].option_values(config["anomaly"], pspl=config["pspl"])


def _evaluation_anomaly_section():
    """The evaluation's anomaly section without the list of models."""
    section = config["evaluation"]["anomaly"]
    return {k: v for k, v in section.items() if k != "models"}


def evaluation_anomaly_options(wildcards):
    """AnomalyInjectionOptions fields of one model, with the pipeline's anomaly-finder settings."""
    section = _evaluation_anomaly_section()
    return {**section, "model": wildcards.model, "finder": evaluation_finder()}


def evaluation_null_options():
    """AnomalyFalseAlarmOptions fields (simulated Roman-style curves with nothing injected)."""
    section = config["evaluation"]["false_alarms"]
    anomaly = _evaluation_anomaly_section()
    return {
        "baseline_mag": section["baseline_mag"],
        "curves_per_bin": section["curves_per_bin"],
        "seed": anomaly["seed"],
        "sampling": {**anomaly, "finder": evaluation_finder()},
    }


def evaluation_outputs():
    """Everything `rule injection` asks for."""
    section = config["evaluation"]
    files = evaluation_files("dips", EVALUATION_DIP_FILES)
    for model in section["anomaly"]["models"]:
        files += evaluation_files(f"anomaly_{model}", EVALUATION_ANOMALY_FILES)
    files += evaluation_files("false_alarms", EVALUATION_FALSE_ALARM_FILES)
    files += evaluation_files("ltv", EVALUATION_LTV_FILES)
    if section["validation"]["enabled"]:
        files += evaluation_files("validation", EVALUATION_VALIDATION_FILES)
    return files
