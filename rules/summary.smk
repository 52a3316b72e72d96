# Failures per bin and the run summary. Include this file last: its input functions collect the
# per-bin stage tables that every other rule writes (outputs named results/{mag_bin}/<stage>.parquet),
# so a stage added later is picked up without editing this file.


def stage_tables_of(mag_bin):
    """Every table ``results/<mag_bin>/<stage>.parquet`` a rule writes, except failures.parquet."""
    folder = Path(result(mag_bin))
    failures = folder / "failures.parquet"
    paths = {
        Path(pattern.apply_wildcards({"mag_bin": mag_bin}))
        for rule in workflow.rules
        for pattern in rule.output
        if set(pattern.get_wildcard_names()) == {"mag_bin"}
    }
    return [
        str(path)
        for path in sorted(paths)
        if path.parent == folder and path.suffix == ".parquet" and path != failures
    ]


def bin_stage_tables(wildcards):
    """Input function: the stage tables of one bin."""
    return stage_tables_of(wildcards.mag_bin)


def all_stage_tables(wildcards):
    """Input function: the stage tables of every configured bin."""
    return [path for mag_bin in BINS for path in stage_tables_of(mag_bin)]


rule failures:
    input:
        bin_stage_tables,
    output:
        result("{mag_bin}", "failures.parquet"),
    params:
        version=LCPIPE_VERSION,
    log:
        log_file("failures", "{mag_bin}"),
    benchmark:
        benchmark_file("failures", "{mag_bin}")
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/failures.py"


rule run_summary:
    input:
        tables=all_stage_tables,
        failures=expand(result("{mag_bin}", "failures.parquet"), mag_bin=BINS),
    output:
        result("run_summary.json"),
    params:
        benchmark_dir=result("benchmarks"),
        config=config,
        max_listed=1000,
        version=LCPIPE_VERSION,
    log:
        log_file("run_summary", "run"),
    benchmark:
        benchmark_file("run_summary", "run")
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/run_summary.py"
