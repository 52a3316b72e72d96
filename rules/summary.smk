# Failures per bin and the run summary. Include this file last: it collects the per-bin stage tables
# that the other rules write (outputs named results/{mag_bin}/<stage>.parquet), so a stage added later
# is picked up without editing this file.


# Names of the per-bin stage tables (results/{mag_bin}/<stage>.parquet) that the rules included so far
# write, and the tables the `gather` rule gathers from the shards; only these rules can be seen here,
# hence "include this file last". The bin's entries
# (entries.parquet: index files, duplicates, ...) are not stage tables: the ledger accounts for them.
BIN_TABLES = sorted(
    {
        Path(pattern.apply_wildcards({"mag_bin": "{mag_bin}"})).name
        for rule in workflow.rules
        for pattern in rule.output
        if set(pattern.get_wildcard_names()) == {"mag_bin"}
        and Path(pattern.apply_wildcards({"mag_bin": "{mag_bin}"})).parent
        == Path(result("{mag_bin}"))
        and pattern.endswith(".parquet")
    }
    - {"entries.parquet"}
    | {f"{table}.parquet" for table in GATHERED_TABLES}
)


rule ledger:
    input:
        entries=result("{mag_bin}", "entries.parquet"),
        manifest=result("{mag_bin}", "manifest.parquet"),
        tags=result("{mag_bin}", "tags.parquet"),
        pspl=result("{mag_bin}", "pspl.parquet"),
        anomaly=result("{mag_bin}", "anomaly.parquet"),
        dips=result("{mag_bin}", "dips.parquet"),
        candidates=result("{mag_bin}", "candidates.parquet"),
        rejected=result("{mag_bin}", "rejected.parquet"),
    output:
        result("{mag_bin}", "ledger.parquet"),
    log:
        log_file("ledger", "{mag_bin}"),
    benchmark:
        benchmark_file("ledger", "{mag_bin}")
    conda:
        "../envs/core.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        version=LCPIPE_VERSION,
    script:
        "../scripts/ledger.py"


rule ledger_unbinned:
    input:
        collection=collection_table,
    output:
        result("ledger_unbinned.parquet"),
    log:
        log_file("ledger_unbinned", "run"),
    benchmark:
        benchmark_file("ledger_unbinned", "run")
    conda:
        "../envs/core.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        bins=BINS,
        version=LCPIPE_VERSION,
    script:
        "../scripts/ledger_unbinned.py"


rule failures:
    input:
        expand(result("{{mag_bin}}", "{table}"), table=BIN_TABLES),
    output:
        result("{mag_bin}", "failures.parquet"),
    log:
        log_file("failures", "{mag_bin}"),
    benchmark:
        benchmark_file("failures", "{mag_bin}")
    conda:
        "../envs/core.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        version=LCPIPE_VERSION,
    script:
        "../scripts/failures.py"


rule run_summary:
    input:
        tables=expand(result("{mag_bin}", "{table}"), mag_bin=BINS, table=BIN_TABLES),
        failures=expand(result("{mag_bin}", "failures.parquet"), mag_bin=BINS),
        ledgers=expand(result("{mag_bin}", "ledger.parquet"), mag_bin=BINS),
        unbinned=result("ledger_unbinned.parquet"),
    output:
        result("run_summary.json"),
    log:
        log_file("run_summary", "run"),
    benchmark:
        benchmark_file("run_summary", "run")
    conda:
        "../envs/core.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        benchmark_dir=result("benchmarks"),
        config=config,
        max_listed=1000,
        version=LCPIPE_VERSION,
    script:
        "../scripts/run_summary.py"
