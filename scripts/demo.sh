#!/usr/bin/env bash
# Set-up on a fresh Debian 12 machine: installs what soma needs, builds it (Release), and
# runs the main demo: the lecture's neuron differentiated node by node by `soma grad`,
# then a 2-16-16-1 network trained on two concentric circles, drawn as pictures.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DSOMA_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j"$(nproc)"

soma=build/release/apps/soma/soma
mkdir -p out
echo
echo "\$ soma grad \"sigmoid(w1*x + w2*y + b)\" --at x=1,y=-2,w1=0.5,w2=0.25,b=0.1 --dot out/neuron.dot"
"$soma" grad "sigmoid(w1*x + w2*y + b)" --at x=1,y=-2,w1=0.5,w2=0.25,b=0.1 --dot out/neuron.dot
if command -v dot >/dev/null; then
  dot -Tpng out/neuron.dot -o out/neuron.png
  echo "graph drawn to out/neuron.png"
fi

echo
echo "\$ soma train --data circles --arch 2-16-16-1 --activation tanh --epochs 200 ..."
"$soma" train --data circles --arch 2-16-16-1 --activation tanh --epochs 200 \
  --save out/circles.soma --plot out/circles-regions.png --curves out/circles-curves.png
echo
echo "pictures: $(pwd)/out/circles-regions.png (decision regions)"
echo "          $(pwd)/out/circles-curves.png (training curves)"
echo "soma is built: $soma (try '$soma --help')"
