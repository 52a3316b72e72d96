# After detection, per bin: join the stage tables → filter → characterize → vetting → plots, and the
# pages of the Snakemake report (snakemake --report report.html).


rule join_events:
    input:
        tag=result("{mag_bin}", "tags.parquet"),
        pspl=result("{mag_bin}", "pspl.parquet"),
        anomaly=result("{mag_bin}", "anomaly.parquet"),
        dips=result("{mag_bin}", "dips.parquet"),
        ltv=result("{mag_bin}", "ltv.parquet"),
    output:
        result("{mag_bin}", "events.parquet"),
    log:
        log_file("join_events", "{mag_bin}"),
    benchmark:
        benchmark_file("join_events", "{mag_bin}")
    conda:
        "../envs/core.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        version=LCPIPE_VERSION,
    script:
        "../scripts/join_events.py"


rule filter:
    input:
        table=result("{mag_bin}", "events.parquet"),
        light_curves=packed_shards,
    output:
        candidates=result("{mag_bin}", "candidates.parquet"),
        rejected=result("{mag_bin}", "rejected.parquet"),
    log:
        log_file("filter", "{mag_bin}"),
    benchmark:
        benchmark_file("filter", "{mag_bin}")
    conda:
        "../envs/core.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        filter=config["filter"],
        read=config["read"],
        cleaning=config["cleaning"],
        version=LCPIPE_VERSION,
    script:
        "../scripts/filter.py"


rule characterize:
    input:
        result("{mag_bin}", "candidates.parquet"),
    output:
        result("{mag_bin}", "characterized.parquet"),
    log:
        log_file("characterize", "{mag_bin}"),
    benchmark:
        benchmark_file("characterize", "{mag_bin}")
    conda:
        "../envs/catalogs.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        characterize=config["characterize"],
        version=LCPIPE_VERSION,
    script:
        "../scripts/characterize.py"


rule vetting:
    input:
        result("{mag_bin}", "characterized.parquet"),
    output:
        result("{mag_bin}", "vetted.parquet"),
    log:
        log_file("vetting", "{mag_bin}"),
    benchmark:
        benchmark_file("vetting", "{mag_bin}")
    conda:
        "../envs/catalogs.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        vetting=config["vetting"],
        version=LCPIPE_VERSION,
    script:
        "../scripts/vetting.py"


rule plots:
    input:
        table=result("{mag_bin}", "vetted.parquet"),
        light_curves=packed_shards,
        dip_curves=shard_files("dip_curves"),
        clusters=result("{mag_bin}", "anomaly_clusters.parquet"),
    output:
        pngs=report(
            directory(result("{mag_bin}", "plots")),
            patterns=["{source_id}_{plot}.png"],
            caption="../workflow/report/plots.rst",
            category="Bin {mag_bin}",
            subcategory="Candidate plots",
            labels={"source": "{source_id}", "plot": "{plot}"},
        ),
        index=result("{mag_bin}", "plots.parquet"),
    log:
        log_file("plots", "{mag_bin}"),
    benchmark:
        benchmark_file("plots", "{mag_bin}")
    conda:
        "../envs/reports.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        plots=config["plots"],
        read=config["read"],
        cleaning=config["cleaning"],
        dips=config["dips"],
        pspl=config["pspl"],
        anomaly=config["anomaly"],
        version=LCPIPE_VERSION,
    script:
        "../scripts/plots.py"


rule bin_report:
    input:
        events=result("{mag_bin}", "events.parquet"),
        candidates=result("{mag_bin}", "candidates.parquet"),
        vetted=result("{mag_bin}", "vetted.parquet"),
        plots=result("{mag_bin}", "plots.parquet"),
    output:
        attrition_tsv=result("{mag_bin}", "report", "attrition.tsv"),
        attrition=report(
            result("{mag_bin}", "report", "attrition.html"),
            caption="../workflow/report/bin_attrition.rst",
            category="Bin {mag_bin}",
            subcategory="Summary",
            labels={"page": "attrition"},
        ),
        candidates=report(
            result("{mag_bin}", "report", "candidates.html"),
            caption="../workflow/report/candidates.rst",
            category="Bin {mag_bin}",
            subcategory="Summary",
            labels={"page": "candidates"},
        ),
    log:
        log_file("bin_report", "{mag_bin}"),
    benchmark:
        benchmark_file("bin_report", "{mag_bin}")
    conda:
        "../envs/reports.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        max_table_rows=config["report"]["max_table_rows"],
        version=LCPIPE_VERSION,
    script:
        "../scripts/bin_report.py"


rule run_report:
    input:
        attrition=expand(result("{mag_bin}", "report", "attrition.tsv"), mag_bin=BINS),
        summary=result("run_summary.json"),
    output:
        attrition=report(
            result("report", "attrition.html"),
            caption="../workflow/report/run_attrition.rst",
            category="Run",
            labels={"page": "attrition table"},
        ),
        chart=report(
            result("report", "attrition.png"),
            caption="../workflow/report/run_attrition.rst",
            category="Run",
            labels={"page": "attrition chart"},
        ),
        run_info=report(
            result("report", "run_info.html"),
            caption="../workflow/report/run_info.rst",
            category="Run",
            labels={"page": "configuration and versions"},
        ),
    log:
        log_file("run_report", "run"),
    benchmark:
        benchmark_file("run_report", "run")
    conda:
        "../envs/reports.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        config=config,
        version=LCPIPE_VERSION,
    script:
        "../scripts/run_report.py"
