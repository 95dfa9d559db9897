#!/usr/bin/env python3
"""Applies 300 creates against the sandbox at --latency-ms 100 with CertCentral's rate limits on
(100 per 5 s, 1000 per 3 min), and prints the wall time, the time the rate limits allow for the
requests it made (each create looks before buying: two requests), their ratio, and the number of
429 answers.

usage: bench/apply_bench.py [--orders 300] [--latency-ms 100] [--concurrency 16] [--bin .build/release]
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIMITS = [(100, 5.0), (1000, 180.0)]


def rate_limit_bound(requests, latency):
    """When the last of `requests` can finish at the earliest: each request starts as soon as every
    rolling window admits it (the greedy schedule, which no client can beat), plus one latency."""
    starts = []
    for index in range(requests):
        start = starts[-1] if starts else 0.0
        for count, window in LIMITS:
            if index >= count:
                start = max(start, starts[index - count] + window)
        starts.append(start)
    return (starts[-1] if starts else 0.0) + latency


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release"))
    args = parser.parse_args()
    for tool in ("certform", "certcentral-sandbox"):
        if not os.access(os.path.join(args.bin, tool), os.X_OK):
            sys.exit(f"{args.bin}/{tool} is missing: run 'swift build -c release' first")
    work = tempfile.mkdtemp(prefix="certform-apply-bench-")
    os.makedirs(f"{work}/manifests")
    os.makedirs(f"{work}/csr")
    key = ec.generate_private_key(ec.SECP256R1())
    lines = ["apiVersion: certform/v1", "defaults:", "  product: ssl_dv_geotrust", "  validity_years: 1",
             "  dcv_method: dns-txt-token", "  skip_approval: true", "certificates:"]
    for i in range(args.orders):
        cn = f"bench{i}.example.com"
        csr = (x509.CertificateSigningRequestBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
               .sign(key, hashes.SHA256()))
        with open(f"{work}/csr/b{i}.csr", "wb") as f:
            f.write(csr.public_bytes(serialization.Encoding.PEM))
        lines += [f"  b{i:04d}:", f"    common_name: {cn}", f"    csr_file: ../csr/b{i}.csr"]
    with open(f"{work}/manifests/bench.yaml", "w") as f:
        f.write("\n".join(lines) + "\n")

    sandbox = subprocess.Popen([f"{args.bin}/certcentral-sandbox", "--port", "0", "--latency-ms", str(args.latency_ms)],
                               stdout=subprocess.PIPE, text=True)
    try:
        url = sandbox.stdout.readline().strip().removeprefix("listening on ")
        env = dict(os.environ, DIGICERT_API_KEY="sandbox-key", CERTFORM_ENDPOINT=f"{url}/services/v2", NO_COLOR="1")
        start = time.perf_counter()
        result = subprocess.run([f"{args.bin}/certform", "apply", "--auto-approve", "--max-orders", "unlimited",
                                 "--concurrency", str(args.concurrency)],
                                cwd=work, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            sys.exit(f"apply failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
        stats = json.load(urllib.request.urlopen(f"{url}/_sandbox/stats"))
    finally:
        sandbox.terminate()
    # Each create costs two requests: the look before buying (list by common name) and the order.
    requests = stats["requests"]
    bound = rate_limit_bound(requests, args.latency_ms / 1000)
    print(f"apply: {args.orders} creates ({requests} requests), --latency-ms {args.latency_ms}, --concurrency {args.concurrency}")
    print(f"  wall time            {elapsed:6.2f} s")
    print(f"  rate limits allow    {bound:6.2f} s  (100/5s and 1000/180s, plus one latency)")
    print(f"  ratio                {elapsed / bound:6.3f}  (target <= 1.15)")
    print(f"  orders created       {stats['orders_created']}")
    print(f"  429 responses        {stats['rate_limited']}")


if __name__ == "__main__":
    main()
