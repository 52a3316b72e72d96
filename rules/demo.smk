# The demo survey: a seeded simulated ASAS-SN-style tree with injected truth, the input of the demo run
# (lcpipe.stages.demo); the manifest waits for it only when config demo.generate is true.


rule simulate_demo:
    output:
        truth=demo_truth(),
    log:
        log_file("simulate_demo", "demo"),
    benchmark:
        benchmark_file("simulate_demo", "demo")
    conda:
        "../envs/microlensing.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=20,
    params:
        seed=config["demo"]["seed"],
        stars_per_bin=config["demo"]["stars_per_bin"],
        signal_fraction=config["demo"]["signal_fraction"],
        bins=BINS,
        version=LCPIPE_VERSION,
    script:
        "../scripts/simulate_demo.py"
