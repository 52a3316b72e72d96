# Dip branch, per shard of a bin: Bayesian dip/jump events of every tagged source that passed the tag
# cuts, then the shards gathered into dips.parquet (lcpipe.stages.dips).


rule dip_events:
    input:
        tags=result("{mag_bin}", "tags.parquet"),
    output:
        result("{mag_bin}", "shards", "dips_{shard}.parquet"),
        curves=result("{mag_bin}", "shards", "dip_curves_{shard}.parquet"),
    log:
        log_file("dip_events", "{mag_bin}", "{shard}"),
        timings=timing_file("dip_events", "{mag_bin}", "{shard}"),
    benchmark:
        benchmark_file("dip_events", "{mag_bin}", "{shard}")
    conda:
        "../envs/dips.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=120,
    params:
        dips=config["dips"],
        read=config["read"],
        cleaning=config["cleaning"],
        version=LCPIPE_VERSION,
    script:
        "../scripts/dip_events.py"


rule gather_dips:
    input:
        shard_files("dips"),
    output:
        result("{mag_bin}", "dips.parquet"),
    log:
        log_file("gather_dips", "{mag_bin}"),
    benchmark:
        benchmark_file("gather_dips", "{mag_bin}")
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
