#!/usr/bin/env bash
# Installs the Debian 12 packages soma needs to build and test (only those missing).
set -euo pipefail

packages=(
  build-essential cmake pkg-config   # compiler and build
  libdnnl-dev libopenblas-dev        # matrix products (oneDNN, OpenBLAS)
  ocl-icd-opencl-dev                 # oneDNN's CMake package requires OpenCL (its GPU runtime)
  libgtest-dev libgmock-dev          # tests
  clang-format                       # the format check in scripts/test.sh
  clang-14 libclang-rt-14-dev        # fuzzing with libFuzzer (fuzz/run.sh; skipped without)
  libomp-14-dev                      # OpenMP for clang, which oneDNN's CMake package needs
  libcairo2-dev                      # pictures (PNG) of decision regions and curves
  graphviz                           # renders graphs to SVG/PNG (`soma graph`, `--dot`)
  help2man                           # the manual page (man soma), made from `soma help --all`
  bash-completion                    # loads the installed completion (share/bash-completion)
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing: ${missing[*]}"
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
