# Rule-based astrophysical classes of the vetted candidates, per bin (lcpipe classify).


rule classify:
    input:
        table=result("{mag_bin}", "vetted.parquet"),
        light_curves=packed_shards,
    output:
        result("{mag_bin}", "classified.parquet"),
    log:
        log_file("classify", "{mag_bin}"),
    benchmark:
        benchmark_file("classify", "{mag_bin}")
    conda:
        "../envs/core.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        classify=config["classify"],
        read=config["read"],
        cleaning=config["cleaning"],
        version=LCPIPE_VERSION,
    script:
        "../scripts/classify.py"
