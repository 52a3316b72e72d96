# Tag, per shard of a bin: read and clean each raw file once, pack the shard's light curves for every
# later stage (shards/lightcurves_<k>.parquet), and the cleaning counts, span, cadence and camera cuts of
# every manifest source (a failed cut is a flag, nothing is dropped) (lcpipe.stages.tag).


rule tag:
    input:
        manifest=result("{mag_bin}", "manifest.parquet"),
        collected=collected_shard,
    output:
        table=shard_output("tags"),
        light_curves=shard_output("lightcurves"),
    log:
        log_file("tag", "{mag_bin}", "{shard}"),
        timings=timing_file("tag", "{mag_bin}", "{shard}"),
    benchmark:
        benchmark_file("tag", "{mag_bin}", "{shard}")
    conda:
        "../envs/catalogs.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        read=config["read"],
        cleaning=config["cleaning"],
        tag=config["tag"],
        version=LCPIPE_VERSION,
    script:
        "../scripts/tag.py"
