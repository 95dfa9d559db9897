#!/usr/bin/env python3
"""Generates a benchmark repository: one manifest of N certificates (2-5 names each, contacts,
custom fields, one distinct CSR file per certificate) and a matching state in which 1% of the
certificates need a change (their certificate expires inside the renewal window).

usage: generate.py N OUT_DIR
"""
import hashlib
import json
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def settings_digest(settings):
    text = json.dumps(settings, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def main():
    count, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(f"{out}/manifests", exist_ok=True)
    os.makedirs(f"{out}/csr", exist_ok=True)
    os.makedirs(f"{out}/state", exist_ok=True)
    # One key signs every CSR: key generation is not what is being measured, and each CSR file
    # is still distinct (its own names and signature).
    key = ec.generate_private_key(ec.SECP256R1())
    key_bits = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    key_digest = hashlib.sha256(key_bits).hexdigest()
    records = {}
    lines = ["apiVersion: certform/v1", "certificates:"]
    for i in range(count):
        name = f"cert-{i:06d}"
        cn = f"host{i}.example{i % 97}.com"
        dns = [f"alt{j}-{i}.example{i % 97}.com" for j in range(1 + i % 4)]  # 2-5 names with the CN
        csr = (x509.CertificateSigningRequestBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
               .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in [cn] + dns]), critical=False)
               .sign(key, hashes.SHA256()))
        with open(f"{out}/csr/{name}.csr", "wb") as f:
            f.write(csr.public_bytes(serialization.Encoding.PEM))
        lines += [
            f"  {name}:",
            "    product: ssl_dv_geotrust",
            f"    common_name: {cn}",
            "    dns_names:",
        ] + [f"      - {n}" for n in dns] + [
            f"    csr_file: ../csr/{name}.csr",
            "    validity_years: 1",
            "    dcv_method: dns-txt-token",
            "    skip_approval: true",
            "    auto_renew: 0",
            f"    comments: \"Team {i % 13} service certificate for {cn}\"",
            "    server_platform: {id: 45}",
            "    technical_contact:",
            "      first_name: Jim",
            "      last_name: Smith",
            "      telephone: 555-555-5555",
            "      job_title: IT Admin",
            f"      email: ops{i % 50}@example{i % 97}.com",
            "    custom_fields:",
            f"      - {{metadata_id: 12, value: \"Invoice #{100000 + i}\"}}",
            f"      - {{metadata_id: 13, value: \"cost-center-{i % 40:04d}\"}}",
        ]
        names = sorted(set([cn] + dns))
        text = (f"product=ssl_dv_geotrust\ncommon_name={cn}\ndns_names={','.join(sorted(dns))}\n"
                f"csr_key={key_digest}\ncsr_names={','.join(names)}\n")
        settings = {
            "validity_years": 1, "dcv_method": "dns-txt-token", "skip_approval": True, "auto_renew": 0,
            "comments": f"Team {i % 13} service certificate for {cn}",
            "technical_contact": {"first_name": "Jim", "last_name": "Smith", "telephone": "555-555-5555",
                                  "job_title": "IT Admin", "email": f"ops{i % 50}@example{i % 97}.com"},
            "custom_fields": [{"metadata_id": 12, "value": f"Invoice #{100000 + i}"},
                              {"metadata_id": 13, "value": f"cost-center-{i % 40:04d}"}],
        }
        expiring = i % 100 == 0
        records[name] = {
            "order_id": 7000000 + i, "certificate_id": 8000000 + i, "product": "ssl_dv_geotrust",
            "common_name": cn, "dns_names": dns, "status": "issued",
            "spec_digest": "sha256:" + hashlib.sha256(text.encode()).hexdigest(),
            "settings_digest": settings_digest(settings),
            "ordered_at": "2026-06-01T00:00:00Z", "renewal_of_order_id": None, "dcv_method": "dns-txt-token",
            "valid_from": "2026-06-01", "valid_till": "2026-12-10" if expiring else "2027-06-01",
            "order_valid_till": "2027-06-01", "thumbprint": "%040X" % (i + 1), "serial_number": "%032X" % (i + 1),
            "history": [],
        }
    with open(f"{out}/manifests/certificates.yaml", "w") as f:
        f.write("\n".join(lines) + "\n")
    state = {"format_version": 1, "lineage": "bench", "serial": 1, "certificates": records, "intents": []}
    with open(f"{out}/state/orders.json", "w") as f:
        json.dump(state, f, sort_keys=True, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
