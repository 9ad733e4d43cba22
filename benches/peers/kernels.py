#!/usr/bin/env python3
"""# The kernels beside scikit-learn and LIBLINEAR

Trains `stratus train`, scikit-learn's SGDClassifier (the same number of epochs) and LIBLINEAR
(`liblinear-official`, to its own stopping rule: it is a batch solver, not SGD) on the same
files and compares training throughput and test accuracy. Stratus's rows/s are rows x epochs
over its training seconds (without loading or per-epoch evaluation); scikit-learn's the same
over `fit`; LIBLINEAR's are rows over `train` (one solve). Stratus should reach at least 2x
scikit-learn's rows/s at equal or better accuracy (within 0.5 points).

Usage: cargo build --release && python3 benches/peers/kernels.py  (benches/peers/run.py calls it)
Environment: STRATUS_BIN (default target/release/stratus), STRATUS_DATA (default ../shared/data).
A peer that is not installed is reported as absent. Exit code 1 when a comparison falls short.
"""
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
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


def liblinear_fit(name, model, train, test, standardise, n_features):
    """(rows, (seconds, accuracy)) of LIBLINEAR's primal LR (-s 0) or dual hinge SVM (-s 3)."""
    from liblinear import liblinearutil
    x, y = load(name, train, n_features)
    xt, yt = load(name, test, n_features)
    if standardise:
        from sklearn.preprocessing import StandardScaler
        scaler = StandardScaler().fit(x)
        x, xt = scaler.transform(x), scaler.transform(xt)
    options = ("-s 0" if model == "lr" else "-s 3") + " -c 1 -q"
    # The conversion into LIBLINEAR's own rows is loading, as Stratus's timing leaves it out.
    problem, parameter = liblinearutil.problem(y, x), liblinearutil.parameter(options)
    best = None
    for _ in range(REPEATS):
        started = time.perf_counter()
        fitted = liblinearutil.train(problem, parameter)
        seconds = time.perf_counter() - started
        if best is None or seconds < best[0]:
            _, (accuracy, _, _), _ = liblinearutil.predict(yt, xt, fitted, "-q")
            best = (seconds, accuracy / 100.0)
    return x.shape[0], best


def installed(module):
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def compare():
    """One dict a case: Stratus's figures and each installed peer's (rows/s, accuracy)."""
    datasets = os.path.join(DATA, "datasets")
    results = []
    for name, model, train, test, flags, loss, standardise in CASES:
        train, test = os.path.join(datasets, train), os.path.join(datasets, test)
        ours = stratus(model, train, test, flags)
        row = {"dataset": name, "model": model, "epochs": ours["epochs"],
               "stratus": (ours["rows_per_s"], ours["test_accuracy"], ours["seconds"])}
        if installed("sklearn"):
            n_features = None if name == "higgs-7k" else max(
                load(name, train, None)[0].shape[1], load(name, test, None)[0].shape[1])
            rows, (seconds, accuracy) = sklearn_fit(name, loss, ours["epochs"], train, test,
                                                    standardise, n_features)
            row["sklearn"] = (rows * ours["epochs"] / seconds, accuracy, seconds)
            if installed("liblinear"):
                rows, (seconds, accuracy) = liblinear_fit(name, model, train, test, standardise,
                                                          n_features)
                row["liblinear"] = (rows / seconds, accuracy, seconds)
        results.append(row)
    return results


def main():
    if not os.path.exists(BIN):
        print(f"no stratus binary at {BIN}: run cargo build --release first")
        return 1
    if not installed("sklearn"):
        print("scikit-learn is not installed: nothing to compare (pip install scikit-learn)")
        return 0
    print(f"{'dataset':<11} {'model':<5} {'epochs':>6} {'sklearn rows/s':>15} {'stratus rows/s':>15} {'speedup':>8} {'sklearn acc':>11} {'stratus acc':>11}  verdict", flush=True)
    failures = 0
    for row in compare():
        (ours, our_acc, _), (theirs, their_acc, _) = row["stratus"], row["sklearn"]
        speedup = ours / theirs
        ok = speedup >= 2.0 and our_acc >= their_acc - 0.005
        failures += not ok
        print(f"{row['dataset']:<11} {row['model']:<5} {row['epochs']:>6} {theirs:>15,.0f} {ours:>15,.0f} {speedup:>7.1f}x {their_acc:>11.4f} {our_acc:>11.4f}  {'ok' if ok else 'SHORT'}", flush=True)
        if "liblinear" in row:
            rate, acc, _ = row["liblinear"]
            print(f"{'':<11} LIBLINEAR: {rate:,.0f} rows/s (one solve), accuracy {acc:.4f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
