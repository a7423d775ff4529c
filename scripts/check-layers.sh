#!/usr/bin/env bash
# Fails on any #include that goes against soma's layering (docs/ARCHITECTURE.md): a file of
# a layer may include only its own layer's headers and those of the layers listed before it.
set -euo pipefail
cd "$(dirname "$0")/.."

# The layers, lowest first, as docs/ARCHITECTURE.md's table lists them.
layers=(core tensor kernels autograd ops nn optim data train io viz expr)

rank_of() {
  local i
  for i in "${!layers[@]}"; do
    if [ "${layers[$i]}" = "$1" ]; then
      echo "$i"
      return
    fi
  done
  echo -1
}

violations=0
for layer in "${layers[@]}"; do
  own=$(rank_of "$layer")
  for folder in "src/$layer" "include/soma/$layer"; do
    [ -d "$folder" ] || continue
    # Lines such as: src/ops/linear.cpp:7:#include "soma/kernels/gemm.hpp" (or "ops/x.hpp").
    while IFS= read -r line; do
      file=${line%%:*}
      header=$(sed -E 's/.*#include "(soma\/)?([a-z_]+)\/.*/\2/' <<<"$line")
      used=$(rank_of "$header")
      if [ "$used" -lt 0 ]; then
        # Another library's header ("oneapi/dnnl/dnnl.hpp"); soma's own all name a layer.
        if grep -q '#include "soma/' <<<"$line"; then
          echo "$file: includes 'soma/$header', which is not a layer of docs/ARCHITECTURE.md" >&2
          violations=$((violations + 1))
        fi
      elif [ "$used" -gt "$own" ]; then
        echo "$file: layer '$layer' includes '$header', a layer above it (${line#*:*:})" >&2
        violations=$((violations + 1))
      fi
    done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"[^"]+/' "$folder" || true)
  done
done
if [ "$violations" -gt 0 ]; then
  echo "check-layers: $violations include(s) against the layering" >&2
  exit 1
fi
echo "check-layers: every include follows the layering (${layers[*]})"
