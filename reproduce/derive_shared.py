#!/usr/bin/env python3
"""Recompute every corpus number taken from the shared measured data.

Prints one line per corpus row, `id value`, for the rows of reproduce/corpus.csv whose
`published` figure was derived from ../shared/data (the Feng et al. structures, the SeBS
invocations and the lithops S3 bandwidth test). Reads `$STRATUS_DATA`, or `../shared/data`
next to the repository root. Standard library only; the data is read in place, never copied.

    python3 reproduce/derive_shared.py                  # print `id value` per row
    python3 reproduce/derive_shared.py --check          # also compare with corpus.csv (exit 1 on a mismatch)
"""

import csv
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DIGITS = 4  # the corpus states every derived figure to 4 decimal places


def data_dir():
    return os.environ.get("STRATUS_DATA") or os.path.join(REPO, "..", "shared", "data")


def rows_of(*parts):
    """The rows of a CSV under the data directory, `#` comment lines skipped."""
    path = os.path.join(data_dir(), *parts)
    with open(path, newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def feng():
    """Feng et al. Case A: the measured latency of each structure, as the CSV states it."""
    out = []
    for r in rows_of("calibration", "feng2018-case-a-structures.csv"):
        assert (r["workers"], r["memory_mb"], r["iterations"]) == ("100", "512", "50")
        out.append(("feng-a-" + r["structure"], float(r["latency_s"])))
    return out


def sebs_cold_starts():
    """SeBS 311 (Python): median of client_time - provider_exec over the cold invocations,
    per memory size, in seconds."""
    by_mb = {}
    for r in rows_of("profiles", "sebs", "aws-311.invocations.csv"):
        if r["is_cold"] == "True":
            gap_s = (float(r["client_time_us"]) - float(r["provider_exec_us"])) / 1e6
            by_mb.setdefault(int(r["memory_mb"]), []).append(gap_s)
    return [("sebs-311-cold-%d" % mb, statistics.median(v)) for mb, v in sorted(by_mb.items())]


def sebs_uploads():
    """SeBS 120 (Python uploader): median upload_time over every invocation (cold and warm) per
    memory size, in seconds. Every invocation PUTs the same 7,034,848-byte file."""
    by_mb = {}
    for r in rows_of("profiles", "sebs", "aws-120.invocations.csv"):
        assert r["upload_size_B"] == "7034848", r["upload_size_B"]
        by_mb.setdefault(int(r["memory_mb"]), []).append(float(r["upload_time_us"]) / 1e6)
    return [("sebs-120-put-%d" % mb, statistics.median(v)) for mb, v in sorted(by_mb.items())]


def sebs_directory_download():
    """SeBS 311: median download_time over every invocation at 3,008 MB, in seconds (a
    directory of 10,063,841 bytes in total)."""
    times = []
    for r in rows_of("profiles", "sebs", "aws-311.invocations.csv"):
        if r["memory_mb"] == "3008":
            assert r["download_size_B"] == "10063841", r["download_size_B"]
            times.append(float(r["download_time_us"]) / 1e6)
    return [("sebs-311-get-dir-3008", statistics.median(times))]


def lithops_reads():
    """lithops S3 test: per-function read time of one 536,870,912-byte object,
    bytes / (mb_rate_MBps * 1e6), median and maximum over the read rows of each concurrency."""
    by_n = {}
    for r in rows_of("profiles", "lithops-s3", "aws_s3_lambda1024MB_512MBobj_per_worker.csv"):
        if r["op"] == "read":
            seconds = int(r["bytes"]) / (float(r["mb_rate_MBps"]) * 1e6)
            by_n.setdefault(int(r["n_invocations"]), []).append(seconds)
    out = []
    for n, v in sorted(by_n.items()):
        assert len(v) == n, (n, len(v))
        out.append(("lithops-read-%d-median" % n, statistics.median(v)))
        out.append(("lithops-read-%d-max" % n, max(v)))
    return out


def profile_s3():
    """The S3 figures of profiles/channels.toml and the Lambda profiles, from the same data:
    the request latency is the SeBS 120 upload time at 2,048 and 3,008 MB (where the NIC, not
    the CPU share, limits it) less the transfer at lithops' median write bandwidth; the
    bandwidth per vCPU is what is left of the 128, 256 and 512 MB uploads after that latency,
    per vCPU (one per 1,769 MB), its median. Printed for the record; not corpus rows."""
    uploads = dict((int(k.rsplit("-", 1)[1]), v) for k, v in sebs_uploads())
    writes = [float(r["mb_rate_MBps"]) * 1e6
              for r in rows_of("profiles", "lithops-s3", "aws_s3_lambda1024MB_512MBobj_per_worker.csv")
              if r["op"] == "write"]
    write_bw = statistics.median(writes)
    size = 7034848
    latency = statistics.mean(uploads[mb] - size / write_bw for mb in (2048, 3008))
    per_vcpu = statistics.median(size / (uploads[mb] - latency) / 1e6 / (mb / 1769.0)
                                 for mb in (128, 256, 512))
    return [("profile-s3-latency_s", latency), ("profile-bandwidth_mb_s_per_vcpu", per_vcpu)]


READ_SLOWDOWN_AT = (0.0, 0.5, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1.0)


def profile_read_slowdown():
    """The Lambda profiles' network.read_slowdown: each per-function read time of the lithops
    test (100 and 1,000 concurrent, 1,100 reads) over their median, at the quantiles
    READ_SLOWDOWN_AT (the empirical distribution, interpolated between order statistics)."""
    times = sorted(int(r["bytes"]) / (float(r["mb_rate_MBps"]) * 1e6)
                   for r in rows_of("profiles", "lithops-s3", "aws_s3_lambda1024MB_512MBobj_per_worker.csv")
                   if r["op"] == "read")
    median = statistics.median(times)
    out = []
    for p in READ_SLOWDOWN_AT:
        at = p * (len(times) - 1)
        lo = int(at)
        hi = min(lo + 1, len(times) - 1)
        value = times[lo] + (at - lo) * (times[hi] - times[lo])
        out.append(("profile-read_slowdown-p%g" % p, value / median))
    return out


WARM_INVOKE_AT = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.98, 0.99, 0.999, 1.0)


def profile_warm_invoke_spread():
    """The AWS Lambda profiles' startup.warm_invoke_spread: client time - provider time of the
    warm invocations of SeBS's Python functions (120 uploader, 311 compression; 210 is Node.js)
    over their median, at the quantiles WARM_INVOKE_AT (interpolated between order
    statistics)."""
    gaps = sorted((float(r["client_time_us"]) - float(r["provider_exec_us"])) / 1e6
                  for name in ("aws-120.invocations.csv", "aws-311.invocations.csv")
                  for r in rows_of("profiles", "sebs", name)
                  if r["is_cold"] == "False")
    median = statistics.median(gaps)
    out = []
    for p in WARM_INVOKE_AT:
        at = p * (len(gaps) - 1)
        lo = int(at)
        hi = min(lo + 1, len(gaps) - 1)
        value = gaps[lo] + (at - lo) * (gaps[hi] - gaps[lo])
        out.append(("profile-warm_invoke_spread-p%g" % p, value / median))
    return out


def derived():
    return feng() + sebs_cold_starts() + sebs_uploads() + sebs_directory_download() + lithops_reads()


def check(values):
    """Compare with the corpus's published column; return the number of mismatches."""
    corpus = os.path.join(HERE, "corpus.csv")
    with open(corpus, newline="") as f:
        published = {
            r["id"]: float(r["published"])
            for r in csv.DictReader(line for line in f if not line.startswith("#"))
        }
    bad = 0
    for rid, value in values:
        if rid not in published:
            print("missing from corpus.csv: %s" % rid, file=sys.stderr)
            bad += 1
        elif round(value, DIGITS) != published[rid]:
            print("%s: derived %.*f, corpus %s" % (rid, DIGITS, value, published[rid]), file=sys.stderr)
            bad += 1
    return bad


def main():
    values = derived()
    for rid, value in values + profile_s3() + profile_read_slowdown() + profile_warm_invoke_spread():
        print("%s %.*f" % (rid, DIGITS, value))
    if "--check" in sys.argv[1:]:
        bad = check(values)
        print("%d rows derived, %d mismatches" % (len(values), bad), file=sys.stderr)
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
