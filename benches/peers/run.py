#!/usr/bin/env python3
"""# Stratus beside its peers, in one run

Measures, on this host, and writes `reports/performance.md`:
1. the simulator engine beside SimPy on the same model (`engine.rs`, `simpy_engine.py`):
   operations per second and the ratio, with both makespans to show they simulated the same;
2. the kernels beside scikit-learn's SGDClassifier and LIBLINEAR (`kernels.py`);
3. the planner: `stratus plan` wall time on every shipped scenario and the candidates it
   evaluates per second of that wall time (process start included, so a lower bound);
4. the tree dynamic programme (`stratus optimize tree`) for N = 100, 1,000 and 10,000 workers;
5. the simulator at scale (`cargo bench --bench sim_scale -- simulate`) on every core and pinned
   to one (`taskset -c 0`, where taskset exists).

Usage: python3 benches/peers/run.py [--install] [--out FILE]
  --install  create target/peers-venv and pip-install simpy, scikit-learn and
             liblinear-official into it, then run with that interpreter.
Without --install the peers are taken from the running Python; a peer that is absent is
reported as absent in the page. Needs the shared data ($STRATUS_DATA or ../shared/data) for the
kernels. CI does not run this.
"""
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import kernels  # noqa: E402  (benches/peers/kernels.py, beside this file)
from kernels import installed  # noqa: E402
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.environ.get("STRATUS_BIN", os.path.join(ROOT, "target", "release", "stratus"))
VENV = os.path.join(ROOT, "target", "peers-venv")
PEERS = ["simpy", "scikit-learn", "liblinear-official"]
SCENARIOS = ["a9a-lr", "cifar10-mobilenet", "cifar10-resnet50", "feng2018-case-a", "higgs-lr",
             "rcv1-lr", "siren-toy-lr"]
# functions, rounds, slots
ENGINE_CASES = [(1000, 100, 16), (100, 1000, 8), (10000, 10, 64)]
TREE_WORKERS = [100, 1000, 10000]


def log(message):
    print(message, file=sys.stderr, flush=True)


def install():
    """Re-runs this script under a virtual environment holding the peers."""
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        log(f"creating {VENV}")
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    log("installing " + ", ".join(PEERS))
    subprocess.run([python, "-m", "pip", "install", "-q"] + PEERS, check=True)
    args = [a for a in sys.argv[1:] if a != "--install"]
    os.execv(python, [python, os.path.abspath(__file__)] + args)


def build():
    log("building the release binary and the engine bench")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    subprocess.run(["cargo", "bench", "--bench", "peer_engine", "--no-run", "--quiet"], cwd=ROOT,
                   check=True, capture_output=True)


def engine_rows():
    rows = []
    for functions, rounds, slots in ENGINE_CASES:
        args = [str(functions), str(rounds), str(slots)]
        log(f"engine: {functions} functions x {rounds} rounds, {slots} slots")
        ours = json.loads(subprocess.run(
            ["cargo", "bench", "--quiet", "--bench", "peer_engine", "--"] + args + ["5"],
            cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
        theirs = None
        if installed("simpy"):
            theirs = json.loads(subprocess.run(
                [sys.executable, os.path.join(HERE, "simpy_engine.py")] + args + ["3"],
                check=True, capture_output=True, text=True).stdout)
        rows.append((functions, rounds, slots, ours, theirs))
    return rows


def timed(command, repeats=5):
    """Median wall seconds of `command` and its last stdout."""
    times, out = [], ""
    for _ in range(repeats):
        start = time.perf_counter()
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def planner_rows():
    rows = []
    for name in SCENARIOS:
        log(f"plan {name}")
        seconds, _ = timed([BIN, "plan", name, "--format", "json"])
        _, table = timed([BIN, "plan", name, "--format", "csv"], repeats=1)
        candidates = max(0, len(table.strip().splitlines()) - 1)
        rows.append((name, seconds, candidates))
    return rows


def tree_rows():
    rows = []
    for workers in TREE_WORKERS:
        log(f"optimize tree, {workers} workers")
        seconds, _ = timed([BIN, "optimize", "tree", "feng2018-case-a", "--set",
                            f"faas.workers={workers}", "--set", "faas.concurrency_limit=100000",
                            "--format", "json"])
        rows.append((workers, seconds))
    return rows


def criterion_median_ms(output):
    """The middle of criterion's `time: [low mid high]` line, in ms."""
    for line in output.splitlines():
        if "time:" in line:
            parts = line.split("[")[1].split("]")[0].split()
            value, unit = float(parts[2]), parts[3]
            return value * {"s": 1e3, "ms": 1.0, "µs": 1e-3, "us": 1e-3, "ns": 1e-6}[unit]
    return None


SCALE_REPEATS = 3


def sim_scale_rows():
    """Criterion's median on every core and pinned to one, measured SCALE_REPEATS times in
    turn (a shared host drifts between runs), and the median of each."""
    log("sim_scale on every core and on one")
    base = ["cargo", "bench", "--quiet", "--bench", "sim_scale", "--", "--warm-up-time", "1",
            "--measurement-time", "5", "simulate"]
    sides = [(f"{os.cpu_count()} cores", [])]
    if shutil.which("taskset") is not None:
        sides.append(("1 core (taskset -c 0)", ["taskset", "-c", "0"]))
    times = {label: [] for label, _ in sides}
    for _ in range(SCALE_REPEATS):
        for label, prefix in sides:
            out = subprocess.run(prefix + base, cwd=ROOT, capture_output=True, text=True).stdout
            ms = criterion_median_ms(out)
            if ms:
                times[label].append(ms)
    return [(label, statistics.median(times[label]) if times[label] else None)
            for label, _ in sides]


def host():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{model}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}"


def versions():
    found = []
    for module, label in [("simpy", "SimPy"), ("sklearn", "scikit-learn")]:
        if installed(module):
            found.append(f"{label} {__import__(module).__version__}")
        else:
            found.append(f"{label} absent")
    found.append("LIBLINEAR (liblinear-official) " + ("present" if installed("liblinear") else "absent"))
    return ", ".join(found)


def page(engine, kernels, planner, trees, scale):
    out = ["# Performance beside peers", "",
           f"Written by `python3 benches/peers/run.py` on {time.strftime('%Y-%m-%d')}.", "",
           f"Host: {host()}. Python {platform.python_version()}: {versions()}.", "",
           "Every figure is measured on that host by the script; rerun it to measure yours.", "",
           "## Simulator engine beside SimPy", "",
           "The same model in both (`benches/peers/engine.rs`, `benches/peers/simpy_engine.py`): "
           "functions run rounds of compute, PUT, barrier, GET; each PUT and GET holds one of the "
           "channel's slots for 10 ms, first come first served; compute is 1 s plus a hashed "
           "jitter both compute alike. Operations are 4 a function-round; wall time is the best "
           "of 5 (Stratus) or 3 (SimPy) runs. Equal makespans show both simulated the same thing.",
           "", "| functions × rounds, slots | Stratus ops/s | SimPy ops/s | ratio | "
           "Stratus makespan | SimPy makespan |", "|---|---:|---:|---:|---:|---:|"]
    for functions, rounds, slots, ours, theirs in engine:
        rate = ours["operations"] / ours["wall_s"]
        if theirs:
            their_rate = theirs["operations"] / theirs["wall_s"]
            out.append(f"| {functions:,} × {rounds:,}, {slots} | {rate:,.0f} | {their_rate:,.0f} | "
                       f"{rate / their_rate:,.0f}× | {ours['makespan_s']:.4f} s | "
                       f"{theirs['makespan_s']:.4f} s |")
        else:
            out.append(f"| {functions:,} × {rounds:,}, {slots} | {rate:,.0f} | absent | | "
                       f"{ours['makespan_s']:.4f} s | |")
    out += ["", "## Kernels beside scikit-learn and LIBLINEAR", "",
            "`stratus train` against scikit-learn's `SGDClassifier` for the same epochs "
            "(rows × epochs / training seconds, loading excluded, best of 3) and LIBLINEAR "
            "(`-s 0` primal LR or `-s 3` dual hinge SVM, `-c 1`, to its own stopping rule; "
            "rows / solve seconds). Accuracy on the held-out test file.", "",
            "| data | model | epochs | Stratus rows/s | scikit-learn rows/s | ratio | "
            "LIBLINEAR solve | Stratus train | accuracy Stratus / scikit-learn / LIBLINEAR |",
            "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for row in kernels:
        rate, acc, seconds = row["stratus"]
        sk = row.get("sklearn")
        ll = row.get("liblinear")
        out.append(
            f"| {row['dataset']} | {row['model']} | {row['epochs']} | {rate:,.0f} | "
            + (f"{sk[0]:,.0f} | {rate / sk[0]:.1f}× | " if sk else "absent | | ")
            + (f"{ll[2] * 1e3:.1f} ms | " if ll else "absent | ")
            + f"{seconds * 1e3:.1f} ms | {acc:.4f} / "
            + (f"{sk[1]:.4f}" if sk else "–") + " / " + (f"{ll[1]:.4f}" if ll else "–") + " |")
    out += ["", "## Planner", "",
            "`stratus plan NAME --format json`, median wall time of 5 runs (process start "
            "included); candidates are the rows of `--format csv`.", "",
            "| scenario | plan wall time | candidates | candidates/s |", "|---|---:|---:|---:|"]
    for name, seconds, candidates in planner:
        out.append(f"| {name} | {seconds * 1e3:.1f} ms | {candidates} | {candidates / seconds:,.0f} |")
    out += ["", "## Tree dynamic programme", "",
            "`stratus optimize tree feng2018-case-a --set faas.workers=N` (concurrency limit "
            "raised to 100,000 so that the aggregators fit), median wall time "
            "of 5 runs (exact DP up to 10,000 workers).", "",
            "| workers | wall time |", "|---:|---:|"]
    for workers, seconds in trees:
        out.append(f"| {workers:,} | {seconds * 1e3:.1f} ms |")
    out += ["", "## Simulator at scale", "",
            "`cargo bench --bench sim_scale -- simulate`: 1,000 simulated workers × 100 GA-SGD "
            "rounds on a9a; the median of criterion's medians over "
            f"{SCALE_REPEATS} turns of each. Under BSP the rounds' arithmetic runs ahead of "
            "the clock on every core (each round's workers at once) while the event loop "
            "plays the transfers; the test file parses beside the training file.", "",
            "| cores | time |", "|---|---:|"]
    for label, ms in scale:
        out.append(f"| {label} | " + (f"{ms:.1f} ms |" if ms else "not measured |"))
    if len(scale) == 2 and all(ms for _, ms in scale):
        out += ["", f"Speed-up on every core over one: {scale[1][1] / scale[0][1]:.2f}×."]
    return "\n".join(out) + "\n"


def main():
    if "--install" in sys.argv:
        install()
    out_path = os.path.join(ROOT, "reports", "performance.md")
    if "--out" in sys.argv:
        out_path = sys.argv[sys.argv.index("--out") + 1]
    build()
    engine = engine_rows()
    log("kernels")
    kernel_rows = kernels.compare() if os.path.isdir(kernels.DATA) else []
    text = page(engine, kernel_rows, planner_rows(), tree_rows(), sim_scale_rows())
    temporary = out_path + ".partial"
    with open(temporary, "w") as f:
        f.write(text)
    os.replace(temporary, out_path)
    log(f"wrote {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
