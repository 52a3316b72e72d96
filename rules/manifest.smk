# The run's inputs: the collection of every light-curve file under the survey root (a folder survey's
# files are read once here, to bin them, and their cleaned light curves packed per bin and shard for the
# tag stage), then per bin the manifest (one row per source, its shard) and the entries (index rows,
# duplicates) the ledger accounts for (lcpipe.stages.manifest).


rule collection:
    input:
        survey_ready,
    output:
        table=result("collection.parquet"),
        light_curves=collected_light_curves(),
    log:
        log_file("collection", "collection"),
    benchmark:
        benchmark_file("collection", "collection")
    conda:
        "../envs/core.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=120,
    params:
        survey=config["survey"],
        read=config["read"],
        cleaning=config["cleaning"],
        bins=BINS,
        shards=config["shards"],
        version=LCPIPE_VERSION,
    script:
        "../scripts/collection.py"


rule manifest:
    input:
        survey_ready,
        collection=collection_table,
    output:
        manifest=result("{mag_bin}", "manifest.parquet"),
        entries=result("{mag_bin}", "entries.parquet"),
    log:
        log_file("manifest", "{mag_bin}"),
    benchmark:
        benchmark_file("manifest", "{mag_bin}")
    conda:
        "../envs/core.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    params:
        survey=config["survey"],
        shards=config["shards"],
        bins=BINS,
        version=LCPIPE_VERSION,
    script:
        "../scripts/manifest.py"
