# Long-term-variability branch, per shard of a bin: offsets-and-trend fits, season medians, state
# changes and red noise of every tagged source of the shard that passed the tag cuts, on the shard's
# packed light curves (lcpipe.stages.ltv); rules/gather.smk gathers ltv.parquet.


rule ltv:
    input:
        tags=shard_output("tags"),
        light_curves=shard_output("lightcurves"),
    output:
        shard_output("ltv"),
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
