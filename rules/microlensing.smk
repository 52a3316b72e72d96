# Microlensing branch, per shard of a bin: PSPL fit of every tagged source of the shard, then the
# anomaly scan of the shard's significant events' residuals, both on the shard's packed light curves
# (lcpipe.stages.microlensing); rules/gather.smk gathers the per-bin tables.


rule pspl_fit:
    input:
        tags=shard_output("tags"),
        light_curves=shard_output("lightcurves"),
    output:
        shard_output("pspl"),
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


rule anomaly_scan:
    input:
        pspl=shard_output("pspl"),
        light_curves=shard_output("lightcurves"),
    output:
        table=shard_output("anomaly"),
        clusters=shard_output("anomaly_clusters"),
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
