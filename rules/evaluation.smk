# Evaluation: what the searches find and how often they are wrong. Target: `snakemake --cores 2 injection`.
# Every output is under <results_dir>/evaluation/. Trials are written in chunks under each folder's
# chunks/ (not declared outputs, so they survive a failed or interrupted job and a rerun resumes).


rule evaluate_dip_injection:
    input:
        evaluation_host_inputs,
    output:
        evaluation_files("dips", EVALUATION_DIP_FILES),
    log:
        log_file("evaluate_dip_injection", "evaluation"),
    benchmark:
        benchmark_file("evaluate_dip_injection", "evaluation")
    conda:
        "../envs/reports.yaml"
    threads: 1
    resources:
        mem_mb=3000,
        runtime=120,
    params:
        hosts=evaluation_hosts(),
        options=evaluation_dip_options(),
        read=config["read"],
        cleaning=config["cleaning"],
        version=LCPIPE_VERSION,
    script:
        "../scripts/evaluate_dips.py"


rule evaluate_anomaly_injection:
    output:
        evaluation_files("anomaly_{model}", EVALUATION_ANOMALY_FILES),
    log:
        log_file("evaluate_anomaly_injection", "{model}"),
    benchmark:
        benchmark_file("evaluate_anomaly_injection", "{model}")
    wildcard_constraints:
        model="binary|bump",
    conda:
        "../envs/reports.yaml"
    threads: 1
    resources:
        mem_mb=3000,
        runtime=120,
    params:
        options=evaluation_anomaly_options,
        version=LCPIPE_VERSION,
    script:
        "../scripts/evaluate_anomaly.py"


rule evaluate_false_alarms:
    input:
        evaluation_host_inputs,
    output:
        evaluation_files("false_alarms", EVALUATION_FALSE_ALARM_FILES),
    log:
        log_file("evaluate_false_alarms", "evaluation"),
    benchmark:
        benchmark_file("evaluate_false_alarms", "evaluation")
    conda:
        "../envs/reports.yaml"
    threads: 1
    resources:
        mem_mb=3000,
        runtime=120,
    params:
        hosts=evaluation_hosts(),
        real_hosts=evaluation_real_hosts(),
        host_mag=config["evaluation"]["dips"]["host_mag"],
        detection=evaluation_dip_options()["detection"],
        simulated=evaluation_null_options(),
        read=config["read"],
        cleaning=config["cleaning"],
        version=LCPIPE_VERSION,
    script:
        "../scripts/evaluate_false_alarms.py"


rule evaluate_validation:
    output:
        evaluation_files("validation", EVALUATION_VALIDATION_FILES),
    log:
        log_file("evaluate_validation", "evaluation"),
    benchmark:
        benchmark_file("evaluate_validation", "evaluation")
    conda:
        "../envs/reports.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        asassn_dir=config["evaluation"]["validation"]["asassn_dir"],
        detection=evaluation_dip_options()["detection"],
        version=LCPIPE_VERSION,
    script:
        "../scripts/evaluate_validation.py"


rule injection:
    input:
        evaluation_outputs(),
