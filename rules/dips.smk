# Dip branch, per shard of a bin: Bayesian dip/jump events of every tagged source of the shard that
# passed the tag cuts, on the shard's packed light curves (lcpipe.stages.dips); rules/gather.smk
# gathers dips.parquet.


rule dip_events:
    input:
        tags=shard_output("tags"),
        light_curves=shard_output("lightcurves"),
    output:
        shard_output("dips"),
        curves=shard_output("dip_curves"),
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
