#!/usr/bin/env bash
# Regenerates the pictures in docs/images from the soma tool, so that every picture in the
# documentation comes from a command anyone can rerun. Needs a built soma (scripts/demo.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
soma=${SOMA:-build/release/apps/soma/soma}
out=docs/images
mkdir -p "$out"
quiet() { "$@" >/dev/null; }

# A hidden layer separates the circles; one neuron needs the features x1^2 and x2^2.
quiet "$soma" train --data circles --arch 2-16-16-1 --activation tanh --epochs 200 \
  --plot "$out/circles-regions.png" --curves "$out/circles-curves.png"
quiet "$soma" train --data circles --arch 2-1 --epochs 200 --plot "$out/circles-one-neuron.png"
quiet "$soma" train --data circles --features x1^2,x2^2 --arch 2-1 --epochs 200 \
  --plot "$out/circles-one-neuron-squares.png"
# Identity activations make any depth a linear model.
quiet "$soma" train --data circles --arch 2-16-16-1 --activation identity --epochs 200 \
  --plot "$out/circles-linear-network.png"
quiet "$soma" train --data xor --arch 2-8-1 --activation tanh --epochs 200 \
  --plot "$out/xor-regions.png"
quiet "$soma" train --data spiral --samples 600 --arch 2-32-32-1 --activation tanh \
  --epochs 400 --plot "$out/spiral-regions.png"
quiet "$soma" train --data gaussians --classes 4 --arch 2-8-4 --epochs 100 \
  --plot "$out/gaussians-regions.png"
# Universal approximation of a 1-d function.
quiet "$soma" train --data sine --arch 1-16-1 --activation tanh --epochs 500 \
  --plot "$out/sine-fit.png"
# The same network at the three levels of detail.
for level in neuron layer operator; do
  quiet "$soma" graph --arch 2-3-1 --activation tanh --output-activation sigmoid \
    --level "$level" --out "$out/network-$level.svg"
done
# One sample's forward and backward pass on the same network (soma graph --sample).
quiet "$soma" graph --arch 2-3-1 --activation tanh --sample x1=0.5,x2=-1 --target 1 \
  --level neuron --out "$out/network-neuron-sample.svg"
# Images: the 8x8 digits of the shared data folder (when present) as an image model, run
# where the file lies so that the pictures' titles name it "digits.csv".
digits=../shared/data/digits.csv
if [[ -f "$digits" ]]; then
  soma_path=$(realpath "$soma")
  out_path=$(realpath "$out")
  (cd "$(dirname "$digits")" && quiet "$soma_path" train --data digits.csv --image 8x8 \
    --arch 64-32-10 --epochs 30 --validation-split 0.2 --plot "$out_path/digits-samples.png" \
    --weights-plot "$out_path/digits-weights.png" \
    --confusion-plot "$out_path/digits-confusion.png")
fi
echo "pictures written to $out"
