#!/usr/bin/env bash
# Builds soma's libFuzzer harnesses (fuzz/*_fuzzer.cpp) with clang in build/fuzz, the whole
# library instrumented for coverage and checked by AddressSanitizer, UndefinedBehaviorSanitizer
# and float-cast-overflow, then fuzzes each harness for SECONDS (default 30; the harnesses
# run side by side) from its committed seed corpus. Any finding fails the script; the input
# that caused it is left in build/fuzz/findings/HARNESS/. New inputs go to
# build/fuzz/corpus/HARNESS, never into fuzz/corpus. Without clang and libFuzzer (Debian:
# clang-14, libclang-rt-14-dev) it says so and succeeds: the replay tests still run.
#   fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
# libFuzzer reads -max_total_time=0 as "no limit".
if ! [[ $seconds =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
  echo "usage: fuzz/run.sh [SECONDS], a whole number of seconds above 0 (got '$seconds')" >&2
  exit 2
fi
harnesses=(csv model_file expression)

compiler=""
for candidate in clang++-14 clang++; do
  if command -v "$candidate" >/dev/null 2>&1; then
    compiler=$candidate
    break
  fi
done
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' \
  >"$probe/probe.cpp"
# libFuzzer, and OpenMP, which oneDNN's CMake package asks of the compiler.
if [ -z "$compiler" ] || ! "$compiler" -fsanitize=fuzzer -fopenmp "$probe/probe.cpp" \
  -o "$probe/probe" >/dev/null 2>&1; then
  echo "fuzz: skipped, no clang++ with libFuzzer and OpenMP" \
    "(Debian: clang-14 libclang-rt-14-dev libomp-14-dev)"
  exit 0
fi

# -O1 -g1 as in the sanitizer build of scripts/test.sh; only the library and the harnesses.
cmake -S . -B build/fuzz -DCMAKE_CXX_COMPILER="$compiler" -DCMAKE_BUILD_TYPE=Debug \
  "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" -DSOMA_SANITIZE=address,undefined,float-cast-overflow \
  -DSOMA_FUZZ=ON -DSOMA_WERROR=ON -DSOMA_BUILD_TESTS=OFF -DSOMA_BUILD_APPS=OFF \
  -DSOMA_BUILD_EXAMPLES=OFF -DSOMA_INSTALL=OFF >/dev/null
cmake --build build/fuzz -j"$(nproc)" --target "${harnesses[@]/#/soma_fuzz_}"

LSAN_OPTIONS=suppressions="$(pwd)/.ci/lsan.supp"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 LSAN_OPTIONS
declare -A running
for name in "${harnesses[@]}"; do
  mkdir -p "build/fuzz/corpus/$name" "build/fuzz/findings/$name"
  # The first folder receives new inputs; the committed corpus is only read. The harnesses'
  # own output (soma grad's tables, error messages) is closed off: libFuzzer's and the
  # sanitizers' reports still reach the log.
  "build/fuzz/fuzz/soma_fuzz_$name" "build/fuzz/corpus/$name" "fuzz/corpus/$name" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -close_fd_mask=3 \
    -print_final_stats=1 -artifact_prefix="build/fuzz/findings/$name/" \
    >"build/fuzz/$name.log" 2>&1 &
  running[$name]=$!
done
failed=0
for name in "${harnesses[@]}"; do
  if wait "${running[$name]}"; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "build/fuzz/$name.log")
    coverage=$(grep -o 'cov: [0-9]*' "build/fuzz/$name.log" | tail -1)
    echo "fuzz $name: ${runs:-?} inputs in ${seconds} s, ${coverage:-cov: ?}, no finding"
  else
    failed=1
    echo "fuzz $name: FINDING (build/fuzz/findings/$name/, log build/fuzz/$name.log):"
    tail -n 60 "build/fuzz/$name.log"
  fi
done
exit "$failed"
