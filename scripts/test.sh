#!/usr/bin/env bash
# Builds and runs every test of soma: the format check, the Release build with warnings as
# errors and its tests (unit, command-line, find_package consumer, the replay of every fuzz
# corpus), the same tests in a build with soma's portable GEMM and no threads, then under
# AddressSanitizer, UndefinedBehaviorSanitizer and float-cast-overflow, then a short
# libFuzzer run of each fuzz harness when clang is installed (fuzz/run.sh).
# SOMA_SKIP_PORTABLE=1 skips the portable build, SOMA_SKIP_SANITIZERS=1 the sanitizer build,
# SOMA_SKIP_FUZZ=1 the fuzzing, for a quick local run; SOMA_FUZZ_SECONDS sets how long each harness is fuzzed (default 30).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs=$(nproc)

echo "== format check (clang-format)"
mapfile -t sources < <(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find include src apps tests bench examples -name '*.[ch]pp')
clang-format --dry-run --Werror "${sources[@]}"

echo "== release build and tests"
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DSOMA_WERROR=ON >/dev/null
cmake --build build/release -j"$jobs"
ctest --test-dir build/release --output-on-failure -j"$jobs"

if [ "${SOMA_SKIP_PORTABLE:-0}" != 1 ]; then
  echo "== portable build (soma's own GEMM, no library, no threads) and the engine's tests"
  # What the browser build needs: the engine (soma::engine and soma::expr) built with a C++20
  # compiler alone; the pictures, the tool and the examples are left out.
  launcher=()
  if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
  cmake -S . -B build/portable -DCMAKE_BUILD_TYPE=Release -DSOMA_WERROR=ON -DSOMA_BLAS=portable \
    -DSOMA_THREADS=OFF -DSOMA_BUILD_PICTURES=OFF -DSOMA_BUILD_APPS=OFF -DSOMA_BUILD_EXAMPLES=OFF \
    "${launcher[@]}" >/dev/null
  cmake --build build/portable -j"$jobs"
  ctest --test-dir build/portable --output-on-failure -j"$jobs"
fi

if [ "${SOMA_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== address, undefined-behaviour and float-cast-overflow sanitizer build and tests"
  # -O1 as AddressSanitizer recommends, -g1 for the line numbers of its reports: half the
  # compile time of RelWithDebInfo's -O2 -g (339 against 634 s on 2 cores); the tests took
  # 76 against 69 s.
  cmake -S . -B build/sanitize -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" \
    -DSOMA_WERROR=ON -DSOMA_SANITIZE=address,undefined,float-cast-overflow >/dev/null
  cmake --build build/sanitize -j"$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    LSAN_OPTIONS=suppressions="$(pwd)/.ci/lsan.supp" \
    ctest --test-dir build/sanitize --output-on-failure -j"$jobs"
fi

if [ "${SOMA_SKIP_FUZZ:-0}" != 1 ]; then
  echo "== fuzzing (libFuzzer, clang)"
  fuzz/run.sh "${SOMA_FUZZ_SECONDS:-30}"
fi
