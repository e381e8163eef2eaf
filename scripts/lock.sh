#!/usr/bin/env bash
# Rewrite the hashed lock files the images install from (deploy/lock/*.txt) after a
# dependency change in pyproject.toml. Needs the package index; run from the repo root.
#   modelgw.txt      the gateway image (every platform; with uvloop, the loop it runs on)
#   worker-cuda.txt  the GPU worker image (x86_64)
#   worker-cpu.txt   the CPU worker image (x86_64; torch's +cpu build comes from PyTorch's
#                    CPU wheel index: give it with UV_FIND_LINKS or --find-links)
#   build.txt        setuptools and wheel, to build the modelgw wheel without resolving
set -euo pipefail
cd "$(dirname "$0")/.."
UV=${UV:-.venv/bin/uv}
common=(--generate-hashes --python-version 3.11 --no-header -q)
"$UV" pip compile pyproject.toml --universal --extra uvloop "${common[@]}" -o deploy/lock/modelgw.txt
"$UV" pip compile deploy/lock/build.in --universal "${common[@]}" -o deploy/lock/build.txt
linux=(--python-platform x86_64-manylinux_2_28)
"$UV" pip compile pyproject.toml --extra worker "${linux[@]}" "${common[@]}" \
    -o deploy/lock/worker-cuda.txt
"$UV" pip compile pyproject.toml --extra worker-cpu "${linux[@]}" "${common[@]}" "$@" \
    -o deploy/lock/worker-cpu.txt
