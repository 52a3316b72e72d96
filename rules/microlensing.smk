# Microlensing branch, per shard of a bin: PSPL fit of every tagged source, then the anomaly scan of the
# significant events' residuals; each gathered into one per-bin table (lcpipe.stages.microlensing).


rule pspl_fit:
    input:
        tags=result("{mag_bin}", "tags.parquet"),
    output:
        result("{mag_bin}", "shards", "pspl_{shard}.parquet"),
    log:
        log_file("pspl_fit", "{mag_bin}", "{shard}"),
        timings=timing_file("pspl_fit", "{mag_bin}", "{shard}"),
    benchmark:
        benchmark_file("pspl_fit", "{mag_bin}", "{shard}")
    conda:
        "../envs/microlensing.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=120,
    params:
        pspl=config["pspl"],
        events=config["events"],
        read=config["read"],
        cleaning=config["cleaning"],
        version=LCPIPE_VERSION,
    script:
        "../scripts/pspl_fit.py"


rule gather_pspl:
    input:
        shard_files("pspl"),
    output:
        result("{mag_bin}", "pspl.parquet"),
    log:
        log_file("gather_pspl", "{mag_bin}"),
    benchmark:
        benchmark_file("gather_pspl", "{mag_bin}")
    conda:
        "../envs/core.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        version=LCPIPE_VERSION,
    script:
        "../scripts/gather.py"


rule anomaly_scan:
    input:
        pspl=result("{mag_bin}", "pspl.parquet"),
    output:
        table=result("{mag_bin}", "shards", "anomaly_{shard}.parquet"),
        clusters=result("{mag_bin}", "shards", "anomaly_clusters_{shard}.parquet"),
    log:
        log_file("anomaly_scan", "{mag_bin}", "{shard}"),
        timings=timing_file("anomaly_scan", "{mag_bin}", "{shard}"),
    benchmark:
        benchmark_file("anomaly_scan", "{mag_bin}", "{shard}")
    conda:
        "../envs/microlensing.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=120,
    params:
        anomaly=config["anomaly"],
        pspl=config["pspl"],
        read=config["read"],
        cleaning=config["cleaning"],
        version=LCPIPE_VERSION,
    script:
        "../scripts/anomaly_scan.py"


rule gather_anomaly:
    input:
        shard_files("anomaly"),
    output:
        result("{mag_bin}", "anomaly.parquet"),
    log:
        log_file("gather_anomaly", "{mag_bin}"),
    benchmark:
        benchmark_file("gather_anomaly", "{mag_bin}")
    conda:
        "../envs/core.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        version=LCPIPE_VERSION,
    script:
        "../scripts/gather.py"


rule gather_anomaly_clusters:
    input:
        shard_files("anomaly_clusters"),
    output:
        result("{mag_bin}", "anomaly_clusters.parquet"),
    log:
        log_file("gather_anomaly_clusters", "{mag_bin}"),
    benchmark:
        benchmark_file("gather_anomaly_clusters", "{mag_bin}")
    conda:
        "../envs/core.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        version=LCPIPE_VERSION,
    script:
        "../scripts/gather.py"
