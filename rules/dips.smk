rule dip_events:
    input:
        tags=result("{mag_bin}", "tags.parquet"),
    output:
        result("{mag_bin}", "shards", "dips_{shard}.parquet"),
    params:
        dips=config["dips"],
        read=config["read"],
        cleaning=config["cleaning"],
        version=LCPIPE_VERSION,
    log:
        log_file("dip_events", "{mag_bin}", "{shard}"),
    benchmark:
        benchmark_file("dip_events", "{mag_bin}", "{shard}")
    threads: 1
    resources:
        mem_mb=2000,
        runtime=120,
    script:
        "../scripts/dip_events.py"


rule gather_dips:
    input:
        shard_files("dips"),
    output:
        result("{mag_bin}", "dips.parquet"),
    params:
        version=LCPIPE_VERSION,
    log:
        log_file("gather_dips", "{mag_bin}"),
    benchmark:
        benchmark_file("gather_dips", "{mag_bin}")
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/gather.py"
