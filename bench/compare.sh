#!/usr/bin/env bash
# Times the speed workloads W1-W4 in soma, PyTorch and libtorch side by side, alternating
# the three in every round, and prints each side's best setting and the ratios to the
# issue's targets as a Markdown table (for docs/PERFORMANCE.md), with the range of each
# ratio over the rounds and how many rounds meet each target: on a shared host the
# machine's own speed moves between rounds (soma_kernels_benchmark's machine/ benchmarks
# measure it).
#
# usage: bench/compare.sh [--rounds N] [--workloads W1,W2,W3,W4] [--peer-settings "1:1 2:2"]
#                         [--soma-threads "1 2"] [--soma PATH] [--soma-coretype C]
#                         [--peer-coretype C] [--no-rss] [--log FILE] [--report LOG]
#   --rounds N         alternating rounds; every figure is the median over them (default 3)
#   --peer-settings    the peers' thread settings to try, "TORCH:OPENBLAS" each; their best is
#                      compared (default "1:1 1:2 2:1 2:2"; OMP_WAIT_POLICY=PASSIVE always)
#   --soma-threads     soma's thread counts to try (default "1 2"); its best is compared
#   --soma-coretype, --peer-coretype
#                      OPENBLAS_CORETYPE for each side: auto, unset, inherit (keep the
#                      caller's) or a core name; defaults: inherit for soma (which moves
#                      OpenBLAS to the best kernels itself, whatever the variable says) and
#                      auto for the peers. auto leaves it unset unless OpenBLAS's own
#                      detection falls back to generic kernels (Prescott) on an AVX2 or
#                      AVX-512 CPU, as OpenBLAS 0.3.21 does on CPUs newer than it; then it
#                      names the core (SkylakeX with AVX-512, else Haswell).
#   --no-rss           skip the peak-memory runs of W2 (/usr/bin/time -v)
#   --log FILE         where every raw result line goes (default: a new file in \$TMPDIR)
#   --report LOG       runs nothing: prints the table again from the raw lines of an earlier
#                      run's log
# The peers come from ../shared/peers (relative to the repository root); PyTorch and
# libtorch from Debian: apt-get install -y python3-torch libtorch-dev
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
peers="$root/../shared/peers"
rounds=3
workloads="W1,W2,W3,W4"
peer_settings="1:1 1:2 2:1 2:2"
soma_threads="1 2"
soma="$root/build/release/apps/soma/soma"
soma_coretype=inherit
peer_coretype=auto
measure_rss=1
log=""
report=""

while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --workloads) workloads="$2"; shift 2 ;;
    --peer-settings) peer_settings="$2"; shift 2 ;;
    --soma-threads) soma_threads="$2"; shift 2 ;;
    --soma) soma="$2"; shift 2 ;;
    --soma-coretype) soma_coretype="$2"; shift 2 ;;
    --peer-coretype) peer_coretype="$2"; shift 2 ;;
    --no-rss) measure_rss=0; shift ;;
    --log) log="$2"; shift 2 ;;
    --report) report="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

if [ -n "$report" ]; then
  [ -f "$report" ] || { echo "compare.sh: --report: no such log '$report'" >&2; exit 2; }
  log="$report"
  rounds="$(cut -f3 "$log" | sort -n | tail -1)"
  started="(an earlier run)"
  coretype_line="OPENBLAS_CORETYPE: as recorded in the log's lines"
  # The settings that ran, as the log has them (not this invocation's defaults).
  soma_threads="$(awk -F'\t' '$1 == "soma" && $2 != "rss" {print $2}' "$log" | sort -un | xargs)"
  peer_settings="$(awk -F'\t' '$1 != "soma" && $2 != "rss" {print $2}' "$log" | sort -u | xargs)"
  python=/usr/bin/python3
  have_torch=0
  "$python" -c 'import torch' 2>/dev/null && have_torch=1
fi

if [ -z "$report" ]; then
# --- the three sides -------------------------------------------------------------------

install_hint="install the peers from Debian: apt-get install -y python3-torch libtorch-dev"
if [ ! -f "$peers/bench_torch.py" ] || [ ! -f "$peers/bench_libtorch.cpp" ]; then
  echo "compare.sh: the peer benchmarks are missing: expected $peers/bench_torch.py and" >&2
  echo "  $peers/bench_libtorch.cpp (the reference W1-W4 in PyTorch and libtorch)." >&2
  exit 1
fi
python=/usr/bin/python3  # Debian's python, where python3-torch lives
have_torch=1
if ! "$python" -c 'import torch' 2>/dev/null; then
  have_torch=0
  echo "compare.sh: PyTorch is not importable by $python; skipping it ($install_hint)" >&2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
have_libtorch=1
if [ ! -d /usr/include/torch/csrc/api/include ]; then
  have_libtorch=0
  echo "compare.sh: libtorch headers not found; skipping libtorch ($install_hint)" >&2
else
  echo "building the libtorch peer (g++ -O3 -march=native) in $work ..." >&2
  g++ -O3 -march=native -std=c++17 -I/usr/include/torch/csrc/api/include \
    -o "$work/bench_libtorch" "$peers/bench_libtorch.cpp" -ltorch -ltorch_cpu -lc10
fi
if [ "$have_torch" = 0 ] && [ "$have_libtorch" = 0 ]; then
  echo "compare.sh: no peer to compare with; $install_hint" >&2
  exit 1
fi
if [ ! -x "$soma" ]; then
  echo "building soma (Release) in $root/build/release ..." >&2
  cmake -S "$root" -B "$root/build/release" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$root/build/release" -j"$(nproc)" --target soma_cli >/dev/null
fi
[ -n "$log" ] || log="$(mktemp "${TMPDIR:-/tmp}/soma-compare-XXXXXX.log")"
: > "$log"

# --- OPENBLAS_CORETYPE ------------------------------------------------------------------

caller_coretype="${OPENBLAS_CORETYPE-unset}"
# What OpenBLAS picks by itself when it loads (soma then moves it to the best kernels).
detected_core="$(env -u OPENBLAS_CORETYPE "$soma" bench --quick --workload W4 --reps 1 --json |
  sed -n 's/.*"blas_core_loaded": "\([A-Za-z0-9]*\)".*/\1/p')"
resolve_coretype() {  # auto|unset|inherit|NAME -> a core name or "unset"
  case "$1" in
    inherit) echo "$caller_coretype" ;;
    unset) echo unset ;;
    auto)
      if [ "$detected_core" = Prescott ] && grep -qw avx512f /proc/cpuinfo; then echo SkylakeX
      elif [ "$detected_core" = Prescott ] && grep -qw avx2 /proc/cpuinfo; then echo Haswell
      else echo unset; fi ;;
    *) echo "$1" ;;
  esac
}
soma_core="$(resolve_coretype "$soma_coretype")"
peer_core="$(resolve_coretype "$peer_coretype")"
with_coretype() {  # with_coretype CORE COMMAND...: runs COMMAND with that OPENBLAS_CORETYPE
  local core="$1"; shift
  if [ "$core" = unset ]; then env -u OPENBLAS_CORETYPE "$@"; else OPENBLAS_CORETYPE="$core" "$@"; fi
}

# --- one run of one side ------------------------------------------------------------------

# Appends "SIDE<TAB>SETTING<TAB>ROUND<TAB>JSON" lines to the log.
run_soma() {  # run_soma WORKLOAD THREADS ROUND
  local json
  json="$(with_coretype "$soma_core" "$soma" bench --workload "$1" --threads "$2" --reps 1 --json)"
  printf 'soma\t%s\t%s\t%s\n' "$2" "$3" "$json" >> "$log"
}
run_peer() {  # run_peer pytorch|libtorch WORKLOAD TORCH:OPENBLAS ROUND
  local side="$1" workload="${2,,}" torch_threads="${3%%:*}" blas_threads="${3##*:}"
  local -a command
  if [ "$side" = pytorch ]; then command=("$python" "$peers/bench_torch.py")
  else command=("$work/bench_libtorch"); fi
  with_coretype "$peer_core" env OMP_WAIT_POLICY=PASSIVE ANCHOR_THREADS="$torch_threads" \
    OMP_NUM_THREADS="$torch_threads" OPENBLAS_NUM_THREADS="$blas_threads" \
    "${command[@]}" "$workload" --reps 1 | sed -n 's/^RESULT //p' |
    while IFS= read -r json; do printf '%s\t%s\t%s\t%s\n' "$side" "$3" "$4" "$json"; done >> "$log"
}
# Peak resident memory (MiB) of a whole process that trains W2, by /usr/bin/time -v.
run_rss() {  # run_rss SIDE ROUND CORETYPE COMMAND...
  local side="$1" round="$2" core="$3"; shift 3
  with_coretype "$core" /usr/bin/time -v -o "$work/time.txt" "$@" >/dev/null
  local kib
  kib="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")"
  printf '%s\trss\t%s\t{"workload": "RSS", "peak_rss_mib": %s}\n' "$side" "$round" \
    "$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')" >> "$log"
}

# --- the rounds -----------------------------------------------------------------------------

IFS=',' read -r -a workload_list <<< "${workloads^^}"
read -r -a peer_setting_list <<< "$peer_settings"
read -r -a soma_thread_list <<< "$soma_threads"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
for round in $(seq 1 "$rounds"); do
  for workload in "${workload_list[@]}"; do
    # One job per side and setting, soma and the peers interleaved; the order rotates
    # every round so that no side always runs first or last.
    jobs=()
    count=$(( ${#soma_thread_list[@]} > ${#peer_setting_list[@]} ?
              ${#soma_thread_list[@]} : ${#peer_setting_list[@]} ))
    for ((i = 0; i < count; ++i)); do
      [ "$i" -lt "${#soma_thread_list[@]}" ] && jobs+=("run_soma $workload ${soma_thread_list[$i]} $round")
      if [ "$i" -lt "${#peer_setting_list[@]}" ]; then
        [ "$have_torch" = 1 ] && jobs+=("run_peer pytorch $workload ${peer_setting_list[$i]} $round")
        [ "$have_libtorch" = 1 ] && jobs+=("run_peer libtorch $workload ${peer_setting_list[$i]} $round")
      fi
    done
    shift_by=$(( (round - 1) % ${#jobs[@]} ))
    for ((i = 0; i < ${#jobs[@]}; ++i)); do
      job="${jobs[$(( (i + shift_by) % ${#jobs[@]} ))]}"
      echo "round $round/$rounds: $job" >&2
      $job
    done
  done
  if [ "$measure_rss" = 1 ]; then
    echo "round $round/$rounds: peak memory of W2" >&2
    run_rss soma "$round" "$soma_core" "$soma" bench --workload W2 --reps 1 --json
    [ "$have_libtorch" = 1 ] && run_rss libtorch "$round" "$peer_core" \
      env OMP_WAIT_POLICY=PASSIVE ANCHOR_THREADS=2 OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 \
      "$work/bench_libtorch" w2 --reps 1
    [ "$have_torch" = 1 ] && run_rss pytorch "$round" "$peer_core" \
      env OMP_WAIT_POLICY=PASSIVE ANCHOR_THREADS=2 OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 \
      "$python" "$peers/bench_torch.py" w2 --reps 1
  fi
done

coretype_line="OPENBLAS_CORETYPE: caller's environment $caller_coretype; OpenBLAS detects '$detected_core' by itself; used: soma $soma_core, peers $peer_core"
fi  # not --report

# --- the table ------------------------------------------------------------------------------

torch_version="$([ "$have_torch" = 1 ] && "$python" -c 'import torch; print(torch.__version__)' || echo absent)"
libtorch_version="$(dpkg-query -W -f='${Version}' libtorch-dev 2>/dev/null || echo absent)"
"$python" - "$log" <<EOF
import json, re, statistics, sys
from collections import defaultdict

# (side, metric) -> setting -> values over rounds, and the same keyed by round
values = defaultdict(lambda: defaultdict(list))
by_round = defaultdict(lambda: defaultdict(dict))
soma_info = {}
metrics = {  # name: (side-specific key paths, higher is better)
    "W1 samples/s": ({"soma": ("W1", "samples_per_second"), "peer": ("W1", "samples_per_s")}, True),
    "W1 training accuracy": ({"soma": ("W1", "train_accuracy"), "peer": ("W1", "acc")}, None),
    "W2 samples/s": ({"soma": ("W2", "samples_per_second"), "peer": ("W2", "samples_per_s")}, True),
    "W2 share of bare GEMM": ({"soma": ("W2", "fraction_of_bare_gemm")}, None),
    "W3 samples/s": ({"soma": ("W3", "samples_per_second"), "peer": ("W3", "samples_per_s")}, True),
    "W3 GFLOP/s": ({"soma": ("W3", "gflops"), "peer": ("W3", "gflops")}, True),
    "W3 share of bare GEMM": ({"soma": ("W3", "fraction_of_bare_gemm")}, None),
    "W4 batch 1 us": ({"soma": ("W4", "batch1_us"), "peer": ("W4", "us_b1")}, False),
    "W4 batch 128 us": ({"soma": ("W4", "batch128_us"), "peer": ("W4", "us_b128")}, False),
    "W2 peak RSS MiB": ({"soma": ("RSS", "peak_rss_mib"), "peer": ("RSS", "peak_rss_mib")}, False),
}
# Accuracy and the share of the bare products belong to the setting that trained fastest,
# not to whichever setting happens to score best on them.
reported_at = {"W1 training accuracy": "W1 samples/s", "W2 share of bare GEMM": "W2 samples/s",
               "W3 share of bare GEMM": "W3 samples/s"}
for line in open(sys.argv[1]):
    side, setting, round_number, text = line.rstrip("\n").split("\t", 3)
    record = json.loads(text)
    if side == "soma" and setting != "rss":
        soma_info = record
        objects = {k: v for k, v in record.items() if isinstance(v, dict)}
    else:
        objects = {record["workload"]: record}
    for name, (paths, _) in metrics.items():
        path = paths.get("soma" if side == "soma" else "peer")
        if path and path[0] in objects and path[1] in objects[path[0]]:
            if round_number in by_round[(side, name)][setting]:
                sys.exit(f"{sys.argv[1]}: {side} at setting {setting} has round {round_number} "
                         f"twice ({name}); one log holds one run")
            values[(side, name)][setting].append(objects[path[0]][path[1]])
            by_round[(side, name)][setting][round_number] = objects[path[0]][path[1]]

def best(side, name):
    """(median at the best setting, that setting) for a side and a metric, or None."""
    per_setting = values.get((side, name))
    if not per_setting:
        return None
    higher = metrics[name][1]
    if higher is None:  # reported at the setting that was fastest on its workload
        fastest = best(side, reported_at[name])
        setting = fastest[1] if fastest and fastest[1] in per_setting else next(iter(per_setting))
        return statistics.median(per_setting[setting]), setting
    medians = {s: statistics.median(v) for s, v in per_setting.items()}
    chosen = (max if higher else min)(medians, key=medians.get)
    return medians[chosen], chosen

def cell(result, side):
    if result is None:
        return "-"
    value, setting = result
    text = f"{value:,.4f}" if value < 1.5 else (f"{value:,.1f}" if value < 100 else f"{value:,.0f}")
    if setting == "rss":
        return text
    label = f"{setting} thread{'' if setting == '1' else 's'}" if side == "soma" else f"torch {setting.split(':')[0]}, BLAS {setting.split(':')[1]}"
    return f"{text} ({label})"

def speedup(name, soma_result, peer_result):
    """How many times better soma is: soma/peer for rates, peer/soma for times and memory."""
    if soma_result is None or peer_result is None or metrics[name][1] is None:
        return None
    s, p = soma_result[0], peer_result[0]
    return s / p if metrics[name][1] else p / s

def round_ratios(name, soma_result, peer, peer_result):
    """soma's ratio to one peer in each round, both at their best settings: how far the
    machine's noise moves the verdict."""
    if soma_result is None or peer_result is None or metrics[name][1] is None:
        return {}
    mine = by_round[("soma", name)][soma_result[1]]
    theirs = by_round[(peer, name)][peer_result[1]]
    # A round missing on either side, or with a zero (a run that measured nothing), is left out.
    return {r: speedup(name, (mine[r], None), (theirs[r], None))
            for r in mine if r in theirs and mine[r] and theirs[r]}

def spread(ratios, unit="x"):
    if not ratios:
        return "-"
    if unit == "%":
        return f"{min(ratios):.1%}-{max(ratios):.1%}"
    return f"{min(ratios):.2f}-{max(ratios):.2f}x"

print("| measurement | soma | libtorch | PyTorch | soma vs libtorch | soma vs best peer | vs libtorch, each round | vs best peer, each round |")
print("|---|---|---|---|---|---|---|---|")
ratio = {}
for name in metrics:
    s, l, t = best("soma", name), best("libtorch", name), best("pytorch", name)
    if s is None and l is None and t is None:
        continue
    vs_libtorch = speedup(name, s, l)
    vs_peer = {p: r for p, r in (("libtorch", vs_libtorch), ("pytorch", speedup(name, s, t)))
               if r is not None}
    best_peer = min(vs_peer, key=vs_peer.get, default=None)
    vs_best = vs_peer[best_peer] if best_peer else None
    # Each round against the peer that is best over all rounds (the one vs_best names).
    per_round = {"libtorch": round_ratios(name, s, "libtorch", l),
                 "pytorch": round_ratios(name, s, "pytorch", t)}
    libtorch_rounds = list(per_round["libtorch"].values())
    best_rounds = list(per_round[best_peer].values()) if best_peer else []
    ratio[name] = (vs_libtorch, vs_best, s, libtorch_rounds, best_rounds)
    fmt = lambda r: "-" if r is None else f"{r:.2f}x"
    print(f"| {name} | {cell(s, 'soma')} | {cell(l, 'libtorch')} | {cell(t, 'pytorch')} | {fmt(vs_libtorch)} | {fmt(vs_best)} | {spread(libtorch_rounds)} | {spread(best_rounds)} |")

print()
print("| target | measured | rounds that meet it | status |")
print("|---|---|---|---|")
def target(text, measured, threshold, what, rounds=(), unit="x"):
    if measured is None:
        print(f"| {text} | not measured | - | - |")
        return
    met = sum(1 for r in rounds if r >= threshold)
    counted = f"{met} of {len(rounds)} ({spread(rounds, unit)})" if rounds else "-"
    print(f"| {text} | {what.format(measured)} | {counted} | {'met' if measured >= threshold else 'not met'} |")
get = lambda name, i: ratio.get(name, (None,) * 5)[i]
target("W1 >= 10x libtorch samples/s", get("W1 samples/s", 0), 10, "{:.2f}x", get("W1 samples/s", 3) or ())
target("W2 >= 2x the best peer's samples/s", get("W2 samples/s", 1), 2, "{:.2f}x", get("W2 samples/s", 4) or ())
share = get("W3 share of bare GEMM", 2)
share_rounds = list(by_round[("soma", "W3 share of bare GEMM")][share[1]].values()) if share else ()
target("W3 >= 90% of bare GEMM throughput of one step", share[0] if share else None, 0.9, "{:.1%}",
       share_rounds, unit="%")
target("W4 batch 1 >= 3x faster than libtorch", get("W4 batch 1 us", 0), 3, "{:.2f}x", get("W4 batch 1 us", 3) or ())
target("W4 batch 128 at least as fast as libtorch", get("W4 batch 128 us", 0), 1, "{:.2f}x", get("W4 batch 128 us", 3) or ())
target("W2 peak RSS <= half of libtorch's", get("W2 peak RSS MiB", 0), 2, "{:.2f}x smaller", get("W2 peak RSS MiB", 3) or ())

print()
print(f"- run: $started, {sys.argv[1]}; rounds: $rounds (median over rounds at each side's best setting)")
# The libraries without the thread count of whichever soma run came last ("soma threads
# tried" below, and each figure's own setting, say which thread counts ran).
soma_libraries = re.sub(r", \d+ soma threads?\$", "", soma_info.get('blas', '?'))
print(f"- machine: {soma_info.get('machine', '?')}, {soma_info.get('cpu', '?')}, {soma_info.get('cores', '?')} cores; soma {soma_info.get('build_type', '?')} build, {soma_libraries}")
print(f"- peers: PyTorch $torch_version (Debian python3-torch), libtorch $libtorch_version (g++ -O3 -march=native); OMP_WAIT_POLICY=PASSIVE, settings tried (torch:OpenBLAS threads): $peer_settings")
print(f"- soma threads tried: $soma_threads")
print(f"- $coretype_line")
print("- ratios: rates soma/peer, times and memory peer/soma (above 1: soma is better)")
EOF
