rule manifest:
    input:
        survey_ready,
    output:
        result("{mag_bin}", "manifest.parquet"),
    params:
        survey=config["survey"],
        shards=config["shards"],
        version=LCPIPE_VERSION,
    log:
        log_file("manifest", "{mag_bin}"),
    benchmark:
        benchmark_file("manifest", "{mag_bin}")
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    script:
        "../scripts/manifest.py"
