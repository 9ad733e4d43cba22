#!/usr/bin/env python3
"""Measure the update rate of LambdaML's HybridPS parameter server on this host.

LambdaML's HybridPS (DS3Lab/LambdaML thrift_ps/) is a Thrift service: its server starts a
TThreadedServer with the plain TBinaryProtocolFactory (thrift_ps/start_service.py), and a model
travels as a Thrift `list<double>` (thrift_ps/ps_service.thrift), built with numpy's tolist()
(thrift_ps/client/ps_client.py). For every worker's update the server decodes the pushed list,
applies it to the numpy model, and encodes the model again for that worker's pull. This script
times exactly that work with the same library (pip: thrift, numpy) and prints the rate in MB/s
of float32 model bytes, the median of 3 runs for each model size.

With --install it also times what the server's fresh VM does before it serves: a new virtual
environment and `pip install --no-cache-dir` of thrift and numpy at the versions imported here,
from the package registry (the probe's own measurement, src/calibrate/runtime_probe.py), the
`vm-ps` start-up in profiles/channels.toml.

    python3 reproduce/measure_hybridps.py [--install]
"""

import os
import statistics
import sys
import time
from importlib.metadata import version

import numpy as np
from thrift.protocol import TBinaryProtocol
from thrift.Thrift import TType
from thrift.transport import TTransport


def encode(values):
    """The pure-Python TBinaryProtocol encoding of a list<double>, as the plain protocol writes it."""
    buf = TTransport.TMemoryBuffer()
    proto = TBinaryProtocol.TBinaryProtocol(buf)
    proto.writeListBegin(TType.DOUBLE, len(values))
    for v in values:
        proto.writeDouble(v)
    proto.writeListEnd()
    return buf.getvalue()


def decode(payload):
    proto = TBinaryProtocol.TBinaryProtocol(TTransport.TMemoryBuffer(payload))
    _, size = proto.readListBegin()
    data = []
    for _ in range(size):
        data.append(proto.readDouble())
    proto.readListEnd()
    return data


def one_update(model, pushed):
    """The server's work for one worker: decode its push, update, encode the model to pull."""
    grad = np.array(decode(pushed), dtype=np.float32)
    model -= 0.01 * grad
    return encode(model.tolist())


def main():
    rng = np.random.default_rng(1)
    for n in (100_000, 1_000_000):
        model = rng.standard_normal(n).astype(np.float32)
        pushed = encode(rng.standard_normal(n).astype(np.float32).tolist())
        times = []
        for _ in range(3):
            start = time.perf_counter()
            one_update(model, pushed)
            times.append(time.perf_counter() - start)
        seconds = statistics.median(times)
        print(f"{n} parameters: {seconds:.3f} s an update, {4 * n / seconds / 1e6:.2f} MB/s of float32 model")


def measure_install():
    """The runtime probe's fresh-environment install of what the server imports."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src", "calibrate"))
    from runtime_probe import measure_install as install

    result = install([f"thrift=={version('thrift')}", f"numpy=={np.__version__}"])
    if "absent" in result:
        print(f"install not timed: {result['absent']}")
    else:
        print(f"install {' '.join(result['requirements'])}: {result['seconds']:.1f} s, "
              f"{result['bytes'] / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
    if "--install" in sys.argv[1:]:
        measure_install()
