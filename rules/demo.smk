rule simulate_demo:
    output:
        truth=demo_truth(),
    log:
        log_file("simulate_demo", "demo"),
    benchmark:
        benchmark_file("simulate_demo", "demo")
    threads: 1
    resources:
        mem_mb=1000,
        runtime=20,
    params:
        out_dir=config["demo"]["out_dir"],
        seed=config["demo"]["seed"],
        stars_per_bin=config["demo"]["stars_per_bin"],
        bins=BINS,
        version=LCPIPE_VERSION,
    script:
        "../scripts/simulate_demo.py"
