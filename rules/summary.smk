# Failures per bin and the run summary. Include this file last: it collects the per-bin stage tables
# that the other rules write (outputs named results/{mag_bin}/<stage>.parquet), so a stage added later
# is picked up without editing this file.


# Names of the per-bin stage tables (results/{mag_bin}/<stage>.parquet) that the rules included so far
# write; only these rules can be seen here, hence "include this file last".
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
)


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
