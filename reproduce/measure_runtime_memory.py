#!/usr/bin/env python3
"""Measure the memory a Python function's runtime occupies before it holds any data, on this host.

A function's `runtime.baseline_mb` (profiles/*.toml) is the memory its language runtime, the
platform's wrapper and the storage client take before the worker loads its shard. AWS publishes it
through Max Memory Used (SeBS: 89–90 MB for a Python function at 128 MB); Google Cloud Functions
does not. This script starts each platform's real Python wrapper from PyPI on this host:

- AWS Lambda: `awslambdaric` (the runtime interface client) with a `boto3` S3 client, as SeBS's
  Python benchmarks hold one;
- Google Cloud Functions (2nd gen runs the Functions Framework under gunicorn in a container):
  `functions-framework` serving a function that holds a `google-cloud-storage` client, after one
  request, summing the proportional set size (Pss) of the gunicorn master and worker.

The host cannot run Lambda's sandbox, so the AWS process here misses what the sandbox adds; the
difference between the two wrappers is what this host measures. The GCF figure is therefore AWS's
published 90 MB plus (GCF process − AWS process), the median of 3 runs each.

    python3 -m venv /tmp/rt && /tmp/rt/bin/pip install awslambdaric boto3 functions-framework \
        google-cloud-storage && /tmp/rt/bin/python3 reproduce/measure_runtime_memory.py
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

AWS_PUBLISHED_MB = 90.0  # SeBS (shared/data/profiles/sebs): Max Memory Used of Python at 128 MB
PORT = 8099

AWS_PROCESS = """
import os, awslambdaric.bootstrap, boto3
client = boto3.client("s3", region_name="us-east-1")
print(open(f"/proc/{os.getpid()}/smaps_rollup").read().split("Pss:")[1].split()[0])
"""

GCF_FUNCTION = """
from google.cloud import storage
client = storage.Client.create_anonymous_client()

def handler(request):
    return "ok"
"""


def pss_kb(pid):
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    raise RuntimeError(f"no Pss for process {pid}")


def children(pid):
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def aws_mb():
    out = subprocess.run([sys.executable, "-c", AWS_PROCESS], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def gcf_mb():
    with tempfile.TemporaryDirectory() as src:
        with open(os.path.join(src, "main.py"), "w") as f:
            f.write(GCF_FUNCTION)
        framework = os.path.join(os.path.dirname(sys.executable), "functions-framework")
        server = subprocess.Popen(
            [framework, "--target", "handler", "--source", "main.py", "--port", str(PORT)],
            cwd=src, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise RuntimeError("functions-framework did not answer")
            return sum(pss_kb(p) for p in [server.pid] + children(server.pid)) / 1024
        finally:
            server.terminate()
            server.wait()


def main():
    aws = statistics.median(aws_mb() for _ in range(3))
    gcf = statistics.median(gcf_mb() for _ in range(3))
    print(f"awslambdaric + boto3 S3 client:            {aws:6.1f} MB (Pss)")
    print(f"functions-framework + google-cloud-storage: {gcf:6.1f} MB (Pss, master + worker)")
    print(f"GCF baseline = {AWS_PUBLISHED_MB:.0f} + ({gcf:.1f} - {aws:.1f}) = {AWS_PUBLISHED_MB + gcf - aws:.0f} MB")


if __name__ == "__main__":
    main()
