#!/usr/bin/env bash
# Snakemake runs this once, inside a freshly created conda environment of envs/ (all five link here).
# It compiles lcpipe's Cython kernels with the environment's compilers and installs lcpipe into it.
# Snakemake starts it in its working directory, the lcpipe repository; set LCPIPE_SOURCE to install from
# another checkout. --no-deps: the environment file already pins every dependency.
set -euo pipefail
python -m pip install --no-deps --no-build-isolation "${LCPIPE_SOURCE:-.}"
