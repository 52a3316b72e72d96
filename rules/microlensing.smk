rule pspl_fit:
    input:
        tags=result("{mag_bin}", "tags.parquet"),
    output:
        result("{mag_bin}", "shards", "pspl_{shard}.parquet"),
    params:
        pspl=config["pspl"],
        events=config["events"],
        read=config["read"],
        cleaning=config["cleaning"],
        version=LCPIPE_VERSION,
    log:
        log_file("pspl_fit", "{mag_bin}", "{shard}"),
    benchmark:
        benchmark_file("pspl_fit", "{mag_bin}", "{shard}")
    threads: 1
    resources:
        mem_mb=2000,
        runtime=120,
    script:
        "../scripts/pspl_fit.py"


rule gather_pspl:
    input:
        shard_files("pspl"),
    output:
        result("{mag_bin}", "pspl.parquet"),
    params:
        version=LCPIPE_VERSION,
    log:
        log_file("gather_pspl", "{mag_bin}"),
    benchmark:
        benchmark_file("gather_pspl", "{mag_bin}")
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/gather.py"
