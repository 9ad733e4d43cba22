#!/usr/bin/env python3
"""Measure the update rate of LambdaML's HybridPS parameter server on this host.

LambdaML's HybridPS (DS3Lab/LambdaML thrift_ps/) is a Thrift service: its server starts a
TThreadedServer with the plain TBinaryProtocolFactory (thrift_ps/start_service.py), and a model
travels as a Thrift `list<double>` (thrift_ps/ps_service.thrift), built with numpy's tolist()
(thrift_ps/client/ps_client.py). For every worker's update the server decodes the pushed list,
applies it to the numpy model, and encodes the model again for that worker's pull. This script
times exactly that work with the same library (pip: thrift, numpy) and prints the rate in MB/s
of float32 model bytes, the median of 3 runs for each model size.

    python3 reproduce/measure_hybridps.py
"""

import statistics
import time

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


if __name__ == "__main__":
    main()
