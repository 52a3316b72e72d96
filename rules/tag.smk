rule tag:
    input:
        manifest=result("{mag_bin}", "manifest.parquet"),
    output:
        result("{mag_bin}", "shards", "tags_{shard}.parquet"),
    params:
        read=config["read"],
        cleaning=config["cleaning"],
        tag=config["tag"],
        version=LCPIPE_VERSION,
    log:
        log_file("tag", "{mag_bin}", "{shard}"),
    benchmark:
        benchmark_file("tag", "{mag_bin}", "{shard}")
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    script:
        "../scripts/tag.py"


rule gather_tags:
    input:
        shard_files("tags"),
    output:
        result("{mag_bin}", "tags.parquet"),
    params:
        version=LCPIPE_VERSION,
    log:
        log_file("gather_tags", "{mag_bin}"),
    benchmark:
        benchmark_file("gather_tags", "{mag_bin}")
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/gather.py"
