# The per-bin tables of the per-shard stages: results/{mag_bin}/<table>.parquet gathered from the
# bin's shards/<table>_<k>.parquet (lcpipe.stages.gather). One rule for every such table
# (GATHERED_TABLES in common.smk); the shards of a stage are chained to the shards of the next
# (tags_k → pspl_k → anomaly_k, tags_k → dips_k, tags_k → ltv_k), so a changed shard reruns its own
# chain and the gathers of its bin only.


rule gather:
    input:
        shard_tables,
    output:
        result("{mag_bin}", "{table}.parquet"),
    log:
        log_file("gather", "{mag_bin}", "{table}"),
    benchmark:
        benchmark_file("gather", "{mag_bin}", "{table}")
    wildcard_constraints:
        table="|".join(GATHERED_TABLES),
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
