#!/usr/bin/python3
# Compares soma's defaults with scikit-learn's MLPClassifier defaults on the real datasets
# (iris, wine, breast_cancer, digits): for each dataset and seed, one 25% stratified
# held-out test split, given to both; soma trains with `soma train --data train.csv --arch
# IN-100-OUT --save M` and nothing more (sklearn's default hidden layers, (100,)) and is
# scored by `soma eval M --data test.csv`; sklearn fits MLPClassifier(random_state=seed)
# with every other default. Prints a Markdown table of mean test accuracies and whether soma
# is at least sklearn's mean minus the tolerance on each dataset; exits 1 if one fails.
#
# usage: bench/sklearn_compare.py DATA_DIR SOMA [--seeds N] [--datasets a,b,...]
#                                 [--sklearn-scaling standard|none] [--soma-options "..."]
#   DATA_DIR   folder of iris.csv, wine.csv, breast_cancer.csv, digits.csv (a header row,
#              the integer class in the last column, named label)
#   SOMA       the soma binary
#   --seeds N  seeds 0..N-1: the split's random_state and MLPClassifier's (default 5)
#   --sklearn-scaling
#              standard (default): sklearn gets StandardScaler fitted on the training part,
#              as soma standardises CSV features on its training part by default; none:
#              the raw features
#   --soma-options "..."
#              more options for soma train, to see what a setting changes (default: none,
#              which is the comparison the table in docs/ACCURACY.md reports)
# Runs on Debian's python3 with python3-sklearn (apt-get install -y python3-sklearn).
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

DATASETS = ["iris", "wine", "breast_cancer", "digits"]
TOLERANCE = 0.0025  # a quarter of a point of accuracy, for noise


def read_csv(path):
    """The header line, each sample's original text line, and the parsed features and labels."""
    with open(path) as file:
        lines = file.read().splitlines()
    header, rows = lines[0], [line for line in lines[1:] if line]
    values = np.array([[float(field) for field in row.split(",")] for row in rows])
    return header, rows, values[:, :-1], values[:, -1].astype(int)


def write_rows(path, header, rows, indices):
    with open(path, "w") as file:
        file.write(header + "\n")
        for index in indices:
            file.write(rows[index] + "\n")


def soma_accuracy(soma, folder, features, classes, extra_options):
    """soma's defaults: train on train.csv with only --arch (and --save), eval on test.csv."""
    outputs = 1 if classes == 2 else classes  # one sigmoid output for two classes, as sklearn
    model = os.path.join(folder, "model.soma")
    train = [soma, "train", "--data", os.path.join(folder, "train.csv"),
             "--arch", f"{features}-100-{outputs}", "--save", model] + extra_options.split()
    subprocess.run(train, check=True, stdout=subprocess.DEVNULL)
    evaluation = subprocess.run(
        [soma, "eval", model, "--data", os.path.join(folder, "test.csv"), "--json"],
        check=True, capture_output=True, text=True)
    return json.loads(evaluation.stdout)["accuracy"]


def sklearn_accuracy(x_train, y_train, x_test, y_test, seed, scaling):
    """MLPClassifier with its defaults; the number of ConvergenceWarnings it gave (0 or 1)."""
    classifier = MLPClassifier(random_state=seed)
    model = make_pipeline(StandardScaler(), classifier) if scaling == "standard" else classifier
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model.fit(x_train, y_train)
    unconverged = sum(issubclass(w.category, ConvergenceWarning) for w in caught)
    return model.score(x_test, y_test), unconverged


def compare(name, arguments, folder):
    header, rows, x, y = read_csv(os.path.join(arguments.data_dir, name + ".csv"))
    soma, sklearn, unconverged = [], [], 0
    for seed in range(arguments.seeds):
        train_index, test_index = train_test_split(
            np.arange(len(y)), test_size=0.25, stratify=y, random_state=seed)
        write_rows(os.path.join(folder, "train.csv"), header, rows, train_index)
        write_rows(os.path.join(folder, "test.csv"), header, rows, test_index)
        soma.append(soma_accuracy(arguments.soma, folder, x.shape[1], len(set(y)),
                                  arguments.soma_options))
        accuracy, warned = sklearn_accuracy(x[train_index], y[train_index], x[test_index],
                                            y[test_index], seed, arguments.sklearn_scaling)
        sklearn.append(accuracy)
        unconverged += warned
    return soma, sklearn, unconverged


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data_dir")
    parser.add_argument("soma")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--sklearn-scaling", choices=["standard", "none"], default="standard")
    parser.add_argument("--soma-options", default="")
    arguments = parser.parse_args()
    started = time.time()
    print(f"| dataset | soma mean (min-max) | sklearn mean (min-max) | soma - sklearn | "
          f"soma >= sklearn - {TOLERANCE} |")
    print("|---|---|---|---|---|")
    failed, unconverged = [], 0
    with tempfile.TemporaryDirectory() as folder:
        for name in arguments.datasets.split(","):
            soma, sklearn, warned = compare(name, arguments, folder)
            unconverged += warned
            difference = np.mean(soma) - np.mean(sklearn)
            passed = difference >= -TOLERANCE
            if not passed:
                failed.append(name)
            print(f"| {name} | {np.mean(soma):.4f} ({min(soma):.4f}-{max(soma):.4f}) | "
                  f"{np.mean(sklearn):.4f} ({min(sklearn):.4f}-{max(sklearn):.4f}) | "
                  f"{difference:+.4f} | {'pass' if passed else 'FAIL'} |", flush=True)
    runs = arguments.seeds * len(arguments.datasets.split(","))
    print(f"\n{arguments.seeds} seeds; sklearn scaling: {arguments.sklearn_scaling}; "
          f"soma options beyond --arch: {arguments.soma_options or 'none'}; "
          f"sklearn stopped at max_iter without converging in {unconverged} of {runs} fits; "
          f"{time.time() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
