# Long-term-variability branch, per shard of a bin: offsets-and-trend fits, season medians, state
# changes and red noise of every tagged source that passed the tag cuts, then the shards gathered into
# ltv.parquet (lcpipe.stages.ltv).


rule ltv:
    input:
        tags=result("{mag_bin}", "tags.parquet"),
    output:
        result("{mag_bin}", "shards", "ltv_{shard}.parquet"),
    log:
        log_file("ltv", "{mag_bin}", "{shard}"),
        timings=timing_file("ltv", "{mag_bin}", "{shard}"),
    benchmark:
        benchmark_file("ltv", "{mag_bin}", "{shard}")
    conda:
        "../envs/dips.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        ltv=config["ltv"],
        read=config["read"],
        cleaning=config["cleaning"],
        version=LCPIPE_VERSION,
    script:
        "../scripts/ltv.py"


rule gather_ltv:
    input:
        shard_files("ltv"),
    output:
        result("{mag_bin}", "ltv.parquet"),
    log:
        log_file("gather_ltv", "{mag_bin}"),
    benchmark:
        benchmark_file("gather_ltv", "{mag_bin}")
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


rule evaluate_ltv:
    output:
        evaluation_files("ltv", EVALUATION_LTV_FILES),
    log:
        log_file("evaluate_ltv", "evaluation"),
    benchmark:
        benchmark_file("evaluate_ltv", "evaluation")
    conda:
        "../envs/reports.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        injection=config["evaluation"]["ltv"],
        ltv=config["ltv"],
        version=LCPIPE_VERSION,
    script:
        "../scripts/evaluate_ltv.py"
