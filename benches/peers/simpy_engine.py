#!/usr/bin/env python3
"""# The simulator engine beside SimPy: the SimPy half

The model of `benches/peers/engine.rs`, in SimPy: FUNCTIONS processes run ROUNDS rounds of
compute -> PUT -> barrier -> GET; every PUT and GET holds one of SLOTS places of a
`simpy.Resource` (first come, first served). Compute times carry the same SplitMix64 jitter as
the Rust half, so both end at the same simulated time. Prints one JSON line like the Rust half:
operations (4 a function-round), the wall seconds of the run (best of REPEATS) and the makespan.

Usage: python3 simpy_engine.py FUNCTIONS ROUNDS SLOTS [REPEATS]
"""
import json
import sys
import time

import simpy

TRANSFER_S = 0.01
MASK = (1 << 64) - 1


def compute_s(function, round_):
    """1 s plus 0-0.1 s of jitter, as engine.rs computes it."""
    z = (function * 1_000_003 + round_ + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    z ^= z >> 31
    return 1.0 + (z % 1000) * 1e-4


class Barrier:
    """All functions wait until the last arrives; the last goes on at once."""

    def __init__(self, env, parties):
        self.env = env
        self.parties = parties
        self.count = 0
        self.event = env.event()

    def arrive(self):
        self.count += 1
        if self.count == self.parties:
            self.count = 0
            released, self.event = self.event, self.env.event()
            released.succeed()
            return None
        return self.event


def function(env, f, rounds, slots, barrier, ends):
    for r in range(rounds):
        yield env.timeout(compute_s(f, r))
        with slots.request() as req:
            yield req
            yield env.timeout(TRANSFER_S)
        wait = barrier.arrive()
        if wait is not None:
            yield wait
        with slots.request() as req:
            yield req
            yield env.timeout(TRANSFER_S)
        ends.append(env.now)


def run(functions, rounds, slots):
    env = simpy.Environment()
    resource = simpy.Resource(env, capacity=slots)
    barrier = Barrier(env, functions)
    ends = []
    for f in range(functions):
        env.process(function(env, f, rounds, resource, barrier, ends))
    env.run()
    return max(ends) if ends else 0.0


def main():
    args = [int(a) for a in sys.argv[1:]]
    if len(args) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    functions, rounds, slots = args[:3]
    repeats = max(1, args[3]) if len(args) > 3 else 3
    best = float("inf")
    makespan = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        makespan = run(functions, rounds, slots)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"operations": 4 * functions * rounds, "wall_s": round(best, 6),
                      "makespan_s": round(makespan, 6), "simpy": simpy.__version__}))


if __name__ == "__main__":
    main()
