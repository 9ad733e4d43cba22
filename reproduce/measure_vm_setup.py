#!/usr/bin/env python3
"""Measure how long PyTorch's distributed start takes once every VM has imported the framework.

LambdaML's EC2 baseline trains with PyTorch distributed over the gloo backend on CPU. After a VM
has booted (`ec2.defaults.boot_s`, published) and its training process has imported torch
(`runtimes.toml` `import_s`, measured), the processes still have to meet: `init_process_group`
over a TCP store, gloo's pairwise connections, a first all-reduce and a barrier. This script
times exactly that on this host over loopback: w processes each import torch, wait until all w
have (so the imports' own start-up is not counted twice), then rendezvous; the figure is the
slowest rank's time, the median of 3 runs for each w: `ec2.defaults.setup_s`. Installing the
framework on a fresh VM is the runtime's `install_s` (`stratus profile runtime --install`).

    python3 -m venv /tmp/tv && /tmp/tv/bin/pip install torch numpy \
        && /tmp/tv/bin/python3 reproduce/measure_vm_setup.py
"""

import os
import statistics
import subprocess
import sys
import tempfile

RANK = r"""
import os, sys, time
import torch, torch.distributed as dist
rank, world, port, meet = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
open(os.path.join(meet, str(rank)), "w").close()
while len(os.listdir(meet)) < world:
    time.sleep(0.001)
start = time.time()
dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", world_size=world, rank=rank)
dist.all_reduce(torch.zeros(1))
dist.barrier()
print(time.time() - start)
dist.destroy_process_group()
"""


def run(world, port):
    """The slowest rank's rendezvous among `world` processes, in seconds."""
    with tempfile.TemporaryDirectory() as meet:
        ranks = [
            subprocess.Popen([sys.executable, "-c", RANK, str(r), str(world), str(port), meet],
                             stdout=subprocess.PIPE, text=True)
            for r in range(world)
        ]
        return max(float(p.communicate()[0]) for p in ranks)


def main():
    port = 29500
    for world in (2, 4, 8):
        times = []
        for _ in range(3):
            port += 1
            times.append(run(world, port))
        print(f"{world} processes: {statistics.median(times):.3f} s "
              f"(runs: {', '.join(f'{t:.3f}' for t in times)})")


if __name__ == "__main__":
    main()
