#!/usr/bin/env python3
"""Times `certform plan` (release build) over generated repositories of 1,000, 10,000 and 100,000
certificates with a matching state (1% need a change), and prints wall time, peak memory and the
growth ratio. Generated data is kept in .build-bench/ (ignored by git) and reused.

usage: bench/plan_bench.py [--sizes 1000,10000,100000] [--runs 3] [--binary .build/release/certform]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_once(command):
    # Output goes to files, not pipes: a plan larger than a pipe buffer would otherwise block.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err)
        _, _, rusage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return elapsed, rusage.ru_maxrss * 1024, out.read().decode(), err.read().decode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/certform"))
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"{args.binary} is missing: run 'swift build -c release --product certform' first")
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        data = os.path.join(ROOT, ".build-bench", f"plan-{size}")
        if not os.path.exists(os.path.join(data, "state", "orders.json")):
            print(f"generating {size} certificates in {data} ...", flush=True)
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "generate.py"), str(size), data], check=True)
        manifest_bytes = os.path.getsize(os.path.join(data, "manifests", "certificates.yaml"))
        command = [args.binary, "plan", "--manifests", os.path.join(data, "manifests"),
                   "--state", os.path.join(data, "state", "orders.json"), "--as-of", "2026-12-01T00:00:00Z"]
        times, peaks = [], []
        for _ in range(args.runs):
            elapsed, peak, out, err = run_once(command)
            if "Plan:" not in out:
                sys.exit(f"certform plan failed:\n{err}")
            times.append(elapsed)
            peaks.append(peak)
        summary = [line for line in out.splitlines() if line.startswith("Plan:")][0]
        rows.append((size, manifest_bytes, statistics.median(times), max(peaks), summary))
        print(f"{size:>7} certificates  manifest {manifest_bytes / 1e6:7.1f} MB  plan {statistics.median(times):7.2f} s (median of {args.runs})"
              f"  peak {max(peaks) / 1e6:7.1f} MB ({max(peaks) / manifest_bytes:4.1f}x manifest)  {summary}", flush=True)
    for (a, _, ta, _, _), (b, _, tb, _, _) in zip(rows, rows[1:]):
        print(f"growth {b}/{a}: time x{tb / ta:.1f} for x{b / a:.0f} certificates")


if __name__ == "__main__":
    main()
