#!/usr/bin/env bash
# scripts/csv-to-idx.py: the exact bytes of the IDX files it writes (header, dimensions,
# scaled and held pixels, labels), the train/test split, and its refusal of a short row.
set -euo pipefail
script="$(cd "$(dirname "$0")/../../scripts" && pwd)/csv-to-idx.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

printf 'p0,p1,p2,p3,label\n0,1,16,20,3\n2,0.5,0,15.9,7\n' > small.csv
python3 "$script" small.csv 2x2 16 small --test-count 1 > printed.txt
expected_printed='wrote small-train-images.idx and small-train-labels.idx: 1 images
wrote small-test-images.idx and small-test-labels.idx: 1 images'
[ "$(cat printed.txt)" = "$expected_printed" ] || { echo "printed: $(cat printed.txt)"; exit 1; }

bytes() { od -An -tx1 -v "$1" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'; }
check() {  # FILE EXPECTED-HEX
  local got
  got=$(bytes "$1")
  if [ "$got" != "$2" ]; then
    echo "$1: got '$got', expected '$2'"
    exit 1
  fi
}
# 0 x 16 = 0, 1 x 16 = 16, 16 x 16 = 256 held to 255, 20 x 16 held to 255.
check small-train-images.idx "00 00 08 03 00 00 00 01 00 00 00 02 00 00 00 02 00 10 ff ff"
check small-train-labels.idx "00 00 08 01 00 00 00 01 03"
# 2 x 16 = 32, 0.5 x 16 = 8, 0, 15.9 x 16 = 254.4 rounded to 254.
check small-test-images.idx "00 00 08 03 00 00 00 01 00 00 00 02 00 00 00 02 20 08 00 fe"
check small-test-labels.idx "00 00 08 01 00 00 00 01 07"

printf 'p0,p1,p2,p3,label\n0,1,2,3\n' > short.csv
if python3 "$script" short.csv 2x2 16 short 2> error.txt; then
  echo "a short row was accepted"
  exit 1
fi
grep -qx 'short.csv:2: 4 columns, expected 5' error.txt || { cat error.txt; exit 1; }
echo "csv-to-idx: every check holds"
