#!/usr/bin/env python3
"""Apply at scale (SPEC §9, issue 17): 1,000 renewals against a 100,000-record state, in the sandbox
with its rate limits on and --latency-ms 100. Prints the wall time, the time CertCentral's rate
limits allow for the requests apply made, their ratio (target <= 1.15), how long the state file
takes to load and the peak memory.

The sandbox is seeded with the account's orders (99,000 recent ones and 1,000 whose orders end
within the renewal window); the manifests (100 files) and the state (every order, no spec digests)
describe the same certificates, so the plan holds exactly the 1,000 renewals.

usage: bench/apply_scale_bench.py [--records 100000] [--renewals 1000] [--latency-ms 100]
                                  [--concurrency 16] [--bin .build/release]
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apply_bench import ROOT, rate_limit_bound  # noqa: E402


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request, timeout=600))


def write_repository(work, keep, due, files=100):
    """Manifests in `files` files and one CSR without names (shared: loading is not measured here)."""
    os.makedirs(f"{work}/manifests")
    os.makedirs(f"{work}/csr")
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "certform bench")]))
           .sign(key, hashes.SHA256()))
    with open(f"{work}/csr/shared.csr", "wb") as f:
        f.write(csr.public_bytes(serialization.Encoding.PEM))
    entries = [(f"k{i:06d}", f"keep{i}.example.com") for i in range(1, keep + 1)]
    entries += [(f"d{i:06d}", f"due{i}.example.com") for i in range(1, due + 1)]
    per_file = (len(entries) + files - 1) // files
    for number in range(files):
        chunk = entries[number * per_file:(number + 1) * per_file]
        lines = ["apiVersion: certform/v1", "defaults:", "  product: ssl_dv_geotrust", "  validity_years: 1",
                 "  dcv_method: dns-txt-token", "  skip_approval: true", "  csr_file: ../csr/shared.csr", "certificates:"]
        for name, cn in chunk:
            lines += [f"  {name}:", f"    common_name: {cn}"]
        with open(f"{work}/manifests/m{number:03d}.yaml", "w") as f:
            f.write("\n".join(lines) + "\n")


def write_state(path, keep_first, keep, due_first, due, today):
    """Every seeded order, as refresh would have recorded it (dates from the seed's rules)."""
    certificates = {}
    for i in range(keep):
        certificates[f"k{i + 1:06d}"] = record(keep_first + i, f"keep{i + 1}.example.com", "2099-01-01", "2099-01-01")
    for i in range(due):
        certificates[f"d{i + 1:06d}"] = record(due_first + i, f"due{i + 1}.example.com", today, today)
    state = {"format_version": 1, "lineage": "bench", "serial": 1, "certificates": certificates, "intents": []}
    os.makedirs(os.path.dirname(path))
    with open(path, "w") as f:
        json.dump(state, f, indent=2, sort_keys=True)
        f.write("\n")


def record(order_id, cn, valid_till, order_valid_till):
    return {"order_id": order_id, "certificate_id": None, "product": "ssl_dv_geotrust", "common_name": cn,
            "dns_names": [], "status": "issued", "ordered_at": "2025-12-14T00:00:00Z", "renewal_of_order_id": None,
            "dcv_method": "dns-txt-token", "valid_from": "2025-12-14", "valid_till": valid_till,
            "order_valid_till": order_valid_till, "thumbprint": None, "serial_number": None, "history": []}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--renewals", type=int, default=1000)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release"))
    parser.add_argument("--wrap", default="", help="a command to run certform under, e.g. 'perf record -g -o /tmp/apply.perf'")
    args = parser.parse_args()
    for tool in ("certform", "certcentral-sandbox"):
        if not os.access(os.path.join(args.bin, tool), os.X_OK):
            sys.exit(f"{args.bin}/{tool} is missing: run 'swift build -c release' first")
    keep, due = args.records - args.renewals, args.renewals
    work = tempfile.mkdtemp(prefix="certform-apply-scale-")
    write_repository(work, keep, due)
    sandbox = subprocess.Popen([f"{args.bin}/certcentral-sandbox", "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        url = sandbox.stdout.readline().strip().removeprefix("listening on ")
        kept = post(f"{url}/_sandbox/orders/seed", {"count": keep, "common_name_prefix": "keep", "age_days": 0})
        ending = post(f"{url}/_sandbox/orders/seed", {"count": due, "common_name_prefix": "due", "age_days": 350})
        today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 10 * 86400))
        write_state(f"{work}/state/orders.json", kept["first_id"], keep, ending["first_id"], due, today)
        post(f"{url}/_sandbox/faults", {"latency_ms": args.latency_ms})
        before = sum(json.load(urllib.request.urlopen(f"{url}/_sandbox/stats"))["requests_by_route"].values())
        env = dict(os.environ, DIGICERT_API_KEY="sandbox-key", CERTFORM_ENDPOINT=f"{url}/services/v2", NO_COLOR="1")
        size = os.path.getsize(f"{work}/state/orders.json")
        start = time.perf_counter()
        result = subprocess.run(args.wrap.split() + [f"{args.bin}/certform", "apply", "--auto-approve", "--max-orders", "unlimited",
                                 "--concurrency", str(args.concurrency)], cwd=work, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if result.returncode != 0:
            sys.exit(f"apply failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        stats = json.load(urllib.request.urlopen(f"{url}/_sandbox/stats"))
    finally:
        sandbox.terminate()
    requests = sum(stats["requests_by_route"].values()) - before
    bound = rate_limit_bound(requests, args.latency_ms / 1000)
    renewed = sum(1 for line in result.stdout.splitlines() if "order" in line and "placed" in line)
    serials = [int(line.rsplit("state serial", 1)[1].split()[0]) for line in result.stdout.splitlines() if "state serial" in line]
    print(f"apply at scale: {due} renewals in a {args.records:,}-record state ({size / 1e6:.1f} MB), "
          f"--latency-ms {args.latency_ms}, --concurrency {args.concurrency}")
    print(f"  renewals placed      {renewed}")
    print(f"  API requests         {requests}")
    if serials:
        print(f"  state writes         {serials[-1] - 1}  (each rewrites the {size / 1e6:.0f} MB file; changes in flight share one)")
    print(f"  wall time            {elapsed:7.2f} s")
    print(f"  rate limits allow    {bound:7.2f} s  (100/5s and 1000/180s, plus one latency)")
    print(f"  ratio                {elapsed / bound:7.3f}  (target <= 1.15)")
    print(f"  peak RSS (certform)  {peak:7.0f} MB")
    print(f"  429 responses        {stats['rate_limited']}")


if __name__ == "__main__":
    main()
