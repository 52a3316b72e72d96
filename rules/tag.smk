# Tag, per shard of a bin: cleaning counts, span, cadence and camera cuts of every manifest source (a
# failed cut is a flag, nothing is dropped), then the shards gathered into tags.parquet (lcpipe.stages.tag).


rule tag:
    input:
        manifest=result("{mag_bin}", "manifest.parquet"),
    output:
        result("{mag_bin}", "shards", "tags_{shard}.parquet"),
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


rule gather_tags:
    input:
        shard_files("tags"),
    output:
        result("{mag_bin}", "tags.parquet"),
    log:
        log_file("gather_tags", "{mag_bin}"),
    benchmark:
        benchmark_file("gather_tags", "{mag_bin}")
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
