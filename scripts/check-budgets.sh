#!/usr/bin/env bash
# Prints and enforces soma's size budgets: the engine's layers and the kernels in lines, no
# source file over 400 lines, no function over 60 lines (a function of clang-formatted code
# runs from the '{' that ends its signature, which starts at column 0, to the next '}' at
# column 0).
set -euo pipefail
cd "$(dirname "$0")/.."

# The files of the given folders (or patterns): git's list in a checkout, else find's.
files_in() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files "$@"
  else
    local pattern
    for pattern in "$@"; do
      case $pattern in
        \*.*) find src include apps bench examples fuzz tests -type f -name "$pattern" 2>/dev/null ;;
        *) find "$pattern" -type f 2>/dev/null ;;
      esac
    done | sort
  fi
}

failures=0
lines_of() { cat "$@" | wc -l; }

check_budget() {  # NAME LIMIT FOLDERS...: prints the count, fails above LIMIT
  local name=$1 limit=$2
  shift 2
  local files
  mapfile -t files < <(files_in "$@")
  local count
  count=$(lines_of "${files[@]}")
  local verdict=ok
  if [ "$count" -gt "$limit" ]; then
    verdict="OVER BUDGET by $((count - limit))"
    failures=$((failures + 1))
  fi
  printf '%-46s %6d lines (budget %d) %s\n' "$name" "$count" "$limit" "$verdict"
}

check_budget "engine layers (tensor autograd ops nn optim)" 5000 \
  src/tensor src/autograd src/ops src/nn src/optim \
  include/soma/tensor include/soma/autograd include/soma/ops include/soma/nn include/soma/optim
check_budget "kernels (every backend)" 1700 src/kernels include/soma/kernels

mapfile -t sources < <(files_in '*.cpp' '*.hpp' '*.inc')
long_files=$(wc -l "${sources[@]}" | awk '$2 != "total" && $1 > 400 { print "  " $2 ": " $1 " lines" }')
if [ -n "$long_files" ]; then
  echo "source files over 400 lines:"
  echo "$long_files"
  failures=$((failures + 1))
fi

long_functions=$(awk '
  FNR == 1 { start = 0; pending = 0 }
  # A definition opens at column 0; a signature clang-format wrapped goes on in indented
  # lines, the last of which ends in the body'"'"'s "{".
  /^[A-Za-z_~].*\{$/ && !/^(namespace|struct|class|enum|union|extern)/ && !/= *\{$/ {
    start = FNR; header = $0; pending = 0; next
  }
  /^[A-Za-z_~]/ && !/^(namespace|struct|class|enum|union|extern|template|using|typedef)/ && !/;$/ {
    pending = 1; header = $0; next
  }
  pending && /^[[:space:]]/ {
    if (/\{$/ && !/= *\{$/) { start = FNR; pending = 0 } else if (/;$/) pending = 0
    next
  }
  { pending = 0 }
  /^\}/ && start {
    if (FNR - start - 1 > 60) printf "  %s:%d: %d lines: %s\n", FILENAME, start, FNR - start - 1, header
    start = 0
  }' "${sources[@]}")
if [ -n "$long_functions" ]; then
  echo "functions over 60 lines:"
  echo "$long_functions"
  failures=$((failures + 1))
fi

if [ "$failures" -gt 0 ]; then
  echo "check-budgets: $failures budget(s) exceeded" >&2
  exit 1
fi
echo "check-budgets: every budget holds"
