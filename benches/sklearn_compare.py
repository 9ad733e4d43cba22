#!/usr/bin/env python3
"""# scikit-learn comparison

Trains scikit-learn's SGDClassifier and `stratus train` on the same files for the same number
of epochs and compares training throughput (rows x epochs / fit seconds; Stratus reports its
training seconds without loading or per-epoch evaluation) and test accuracy. Stratus should
reach at least 2x scikit-learn's rows/s at equal or better accuracy (within 0.5 points).

Usage: cargo build --release && python3 benches/sklearn_compare.py
Environment: STRATUS_BIN (default target/release/stratus), STRATUS_DATA (default ../shared/data).
Without scikit-learn it says so and exits 0. Exit code 1 when a comparison falls short.
"""
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("STRATUS_BIN", os.path.join(ROOT, "target", "release", "stratus"))
DATA = os.environ.get("STRATUS_DATA", os.path.join(ROOT, "..", "shared", "data"))
REPEATS = 3

# name, model, train file, test file, stratus data flags, scikit-learn loss, standardise
CASES = [
    ("a9a", "lr", "a9a/a9a", "a9a/a9a.t", [], "log_loss", False),
    ("rcv1-small", "lr", "rcv1-small/rcv1_small.libsvm", "rcv1-small/rcv1_small_test.libsvm", [], "log_loss", False),
    ("higgs-7k", "lr", "higgs-7k/binary.train", "higgs-7k/binary.test", ["--label-col", "first", "--standardize"], "log_loss", True),
    ("agaricus", "svm", "agaricus/agaricus.txt.train", "agaricus/agaricus.txt.test", [], "hinge", False),
]


def stratus(model, train, test, flags):
    command = [BIN, "train", "--model", model, "--data", train, "--test", test, "--format", "json"] + flags
    runs = [json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout) for _ in range(REPEATS)]
    return min(runs, key=lambda r: r["seconds"])


def load(name, path, n_features):
    from sklearn.datasets import load_svmlight_file
    import numpy as np
    if name == "higgs-7k":
        table = np.loadtxt(path, delimiter="\t")
        return table[:, 1:], table[:, 0]
    x, y = load_svmlight_file(path, n_features=n_features)
    x.indices, x.indptr = x.indices.astype(np.int32), x.indptr.astype(np.int32)
    return x, y


def sklearn_fit(name, loss, epochs, train, test, standardise, n_features):
    from sklearn.linear_model import SGDClassifier
    from sklearn.preprocessing import StandardScaler
    x, y = load(name, train, n_features)
    xt, yt = load(name, test, n_features)
    if standardise:
        scaler = StandardScaler().fit(x)
        x, xt = scaler.transform(x), scaler.transform(xt)
    best = None
    for seed in range(REPEATS):
        model = SGDClassifier(loss=loss, max_iter=epochs, tol=None, random_state=seed)
        started = time.perf_counter()
        model.fit(x, y)
        seconds = time.perf_counter() - started
        if best is None or seconds < best[0]:
            best = (seconds, model.score(xt, yt))
    return x.shape[0], best


def main():
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("scikit-learn is not installed: nothing to compare (pip install scikit-learn)")
        return 0
    if not os.path.exists(BIN):
        print(f"no stratus binary at {BIN}: run cargo build --release first")
        return 1
    datasets = os.path.join(DATA, "datasets")
    print(f"{'dataset':<11} {'model':<5} {'epochs':>6} {'sklearn rows/s':>15} {'stratus rows/s':>15} {'speedup':>8} {'sklearn acc':>11} {'stratus acc':>11}  verdict", flush=True)
    failures = 0
    for name, model, train, test, flags, loss, standardise in CASES:
        train, test = os.path.join(datasets, train), os.path.join(datasets, test)
        ours = stratus(model, train, test, flags)
        n_features = None if name == "higgs-7k" else max(load(name, train, None)[0].shape[1], load(name, test, None)[0].shape[1])
        rows, (seconds, accuracy) = sklearn_fit(name, loss, ours["epochs"], train, test, standardise, n_features)
        theirs = rows * ours["epochs"] / seconds
        speedup = ours["rows_per_s"] / theirs
        ok = speedup >= 2.0 and ours["test_accuracy"] >= accuracy - 0.005
        failures += not ok
        print(f"{name:<11} {model:<5} {ours['epochs']:>6} {theirs:>15,.0f} {ours['rows_per_s']:>15,.0f} {speedup:>7.1f}x {accuracy:>11.4f} {ours['test_accuracy']:>11.4f}  {'ok' if ok else 'SHORT'}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
