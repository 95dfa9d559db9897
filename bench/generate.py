#!/usr/bin/env python3
"""Generates a benchmark repository of N certificates, one distinct CSR file per certificate, and
a matching state in which 1% of the certificates need a change (their certificate expires inside
the renewal window). Two profiles:

  large  one manifest (certificates.yaml); each entry writes every key itself (~690 bytes): 2-5
         names, a technical contact, two custom fields, comments, a server platform; ECDSA P-256.
  lean   1,000 certificates per manifest file (N/1,000 files); most keys in `defaults`, contacts
         from anchors, so that entries are small (~390 bytes on average, from ~200 to ~700: 1-7
         names, some with their own custom fields, validity or renewal window); CSRs a mix of
         RSA-2048 (one in three) and ECDSA P-256, in one directory per manifest.

The state is what certform writes once it has ordered every certificate: each record with its
`spec_digest`, `settings_digest` and `csr_digest`. A second state, `state/orders-cold.json`, has the
same orders without those digests (as `certform import` writes them): the first plan after an
upgrade or an import, when no CSR has been verified yet.

usage: generate.py [--profile large|lean] N OUT_DIR
"""
import argparse
import copy
import hashlib
import json
import os
import subprocess

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def settings_digest(settings):
    """SpecDigest.settings: the order body without `certificate`, as compact JSON, keys sorted."""
    text = json.dumps(settings, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + sha256_hex(text.encode())


def spec_digest(product, cn, dns, key_digest, csr_names):
    """SpecDigest.of: product, names and the CSR's public key and names."""
    text = (f"product={product}\ncommon_name={cn}\ndns_names={','.join(sorted(dns))}\n"
            f"csr_key={key_digest}\ncsr_names={','.join(csr_names)}\n")
    return "sha256:" + sha256_hex(text.encode())


def git_blob_id(data):
    """The id git gives a file's bytes (`git hash-object`): SHA-1 of `blob <size>\\0` + bytes."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def csr_digest(csr_bytes, product, cn, dns, spec):
    """CSRDigest.of (Sources/Manifests/CSRDigest.swift): the CSR file's git blob id, bound to the
    product, names and spec digest they were verified with."""
    text = (f"csr_blob={git_blob_id(csr_bytes)}\nproduct={product}\ncommon_name={cn}\n"
            f"dns_names={','.join(sorted(dns))}\nspec_digest={spec}\n")
    return "sha256:" + sha256_hex(text.encode())


class Keys:
    """A few keys of each kind: key generation is not what is being measured, and each CSR file is
    still distinct (its own names and signature)."""

    def __init__(self, rsa_keys, ec_keys):
        self.rsa = [self._entry(rsa.generate_private_key(public_exponent=65537, key_size=2048)) for _ in range(rsa_keys)]
        self.ec = [self._entry(ec.generate_private_key(ec.SECP256R1())) for _ in range(ec_keys)]

    @staticmethod
    def _entry(key):
        public = key.public_key()
        if isinstance(key, rsa.RSAPrivateKey):
            bits = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
        else:
            bits = public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return key, sha256_hex(bits)


def write_csr(path, key, cn, dns):
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
           .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in [cn] + dns]), critical=False)
           .sign(key, hashes.SHA256()))
    data = csr.public_bytes(serialization.Encoding.PEM)
    with open(path, "wb") as f:
        f.write(data)
    return data


def record(i, product, cn, dns, csr_bytes, key_digest, settings):
    """A record as certform writes it after ordering; 1% expire inside the renewal window."""
    spec = spec_digest(product, cn, dns, key_digest, sorted(set([cn] + dns)))
    expiring = i % 100 == 0
    return {
        "order_id": 7000000 + i, "certificate_id": 8000000 + i, "product": product,
        "common_name": cn, "dns_names": dns, "status": "issued",
        "spec_digest": spec, "settings_digest": settings_digest(settings),
        "csr_digest": csr_digest(csr_bytes, product, cn, dns, spec),
        "ordered_at": "2026-06-01T00:00:00Z", "renewal_of_order_id": None, "dcv_method": settings["dcv_method"],
        "valid_from": "2026-06-01", "valid_till": "2026-12-10" if expiring else "2027-06-01",
        "order_valid_till": "2027-06-01", "thumbprint": "%040X" % (i + 1), "serial_number": "%032X" % (i + 1),
        "history": [],
    }


def large_entry(i, name, csr_path, keys):
    """One entry of the large profile: every key written in the entry."""
    key, key_digest = keys.ec[0]
    cn = f"host{i}.example{i % 97}.com"
    dns = [f"alt{j}-{i}.example{i % 97}.com" for j in range(1 + i % 4)]  # 2-5 names with the CN
    csr_bytes = write_csr(csr_path, key, cn, dns)
    contact = {"first_name": "Jim", "last_name": "Smith", "telephone": "555-555-5555",
               "job_title": "IT Admin", "email": f"ops{i % 50}@example{i % 97}.com"}
    custom = [{"metadata_id": 12, "value": f"Invoice #{100000 + i}"},
              {"metadata_id": 13, "value": f"cost-center-{i % 40:04d}"}]
    lines = [
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
    ] + [f"      {k}: {v}" for k, v in contact.items()] + [
        "    custom_fields:",
    ] + [f"      - {{metadata_id: {c['metadata_id']}, value: \"{c['value']}\"}}" for c in custom]
    settings = {"validity_years": 1, "dcv_method": "dns-txt-token", "skip_approval": True, "auto_renew": 0,
                "comments": f"Team {i % 13} service certificate for {cn}", "technical_contact": contact,
                "custom_fields": custom}
    return lines, record(i, "ssl_dv_geotrust", cn, dns, csr_bytes, key_digest, settings)


LEAN_TEAMS = 12
LEAN_DEFAULTS = {"validity_years": 1, "dcv_method": "dns-txt-token", "skip_approval": True, "auto_renew": 0}


def lean_contact(team):
    return {"first_name": ["Jim", "Ana", "Lee", "Kim"][team % 4], "last_name": ["Smith", "Garcia", "Chen", "Novak"][team % 4],
            "telephone": f"555-555-{1000 + team}", "job_title": "IT Admin", "email": f"team{team}@example.com"}


def lean_header(file_index):
    lines = ["apiVersion: certform/v1", "x-contacts:"]
    for team in range(LEAN_TEAMS):
        c = lean_contact(team)
        lines.append(f"  team{team}: &team{team} {{first_name: {c['first_name']}, last_name: {c['last_name']}, "
                     f"telephone: {c['telephone']}, job_title: {c['job_title']}, email: {c['email']}}}")
    lines += [
        "defaults:",
        "  product: ssl_dv_geotrust",
        "  validity_years: 1",
        "  dcv_method: dns-txt-token",
        "  skip_approval: true",
        "  auto_renew: 0",
        "  server_platform: {id: 45}",
        f"  technical_contact: *team{file_index % LEAN_TEAMS}",
        f"  comments: Managed by certform (group {file_index})",
        "certificates:",
    ]
    return lines


def lean_entry(i, name, file_index, csr_path, csr_written, keys):
    """One entry of the lean profile: names, the CSR, a contact by anchor, and now and then a key
    of its own (custom fields, comments, validity, renewal window)."""
    kind = keys.rsa if i % 3 == 0 else keys.ec
    key, key_digest = kind[i % len(kind)]
    domain = f"svc{i % 89}.{['eu-west', 'us-east', 'ap-south'][i % 3]}.example{i % 97}.com"
    cn = f"www{i}.{domain}"
    dns = [f"{['api', 'admin', 'static', 'mail'][j % 4]}{j}-{i}.{domain}" for j in range(i % 7)]  # 1-7 names with the CN
    csr_bytes = write_csr(csr_path, key, cn, dns)
    team = i % LEAN_TEAMS
    lines = [f"  {name}:", f"    common_name: {cn}"]
    if dns and i % 4 == 1:
        lines += ["    dns_names:"] + [f"      - {n}" for n in dns]
    elif dns:
        lines.append(f"    dns_names: [{', '.join(dns)}]")
    lines += [f"    csr_file: {csr_written}", f"    technical_contact: *team{team}"]
    settings = dict(LEAN_DEFAULTS, comments=f"Managed by certform (group {file_index})", technical_contact=lean_contact(team))
    if i % 2 == 0:
        settings["custom_fields"] = [{"metadata_id": 12, "value": f"Invoice #{100000 + i}"},
                                     {"metadata_id": 13, "value": f"cost-center-{i % 40:04d}"}]
        lines += ["    custom_fields:"] + [f"      - {{metadata_id: {c['metadata_id']}, value: \"{c['value']}\"}}"
                                           for c in settings["custom_fields"]]
    if i % 8 == 5:
        settings["dcv_method"] = "dns-cname-token"
        lines.append("    dcv_method: dns-cname-token")
    if i % 3 == 0:
        settings["comments"] = f"Team {team} service certificate for {cn}"
        lines.append(f"    comments: \"{settings['comments']}\"")
    if i % 10 == 3:
        lines.append("    renew_before_days: 45")
    if i % 20 == 7:
        settings["validity_years"] = 2
        lines.append("    validity_years: 2")
    return lines, record(i, "ssl_dv_geotrust", cn, dns, csr_bytes, key_digest, settings)


def generate_large(count, out):
    keys = Keys(rsa_keys=0, ec_keys=1)
    lines = ["apiVersion: certform/v1", "certificates:"]
    records = {}
    for i in range(count):
        name = f"cert-{i:06d}"
        entry, records[name] = large_entry(i, name, f"{out}/csr/{name}.csr", keys)
        lines += entry
    with open(f"{out}/manifests/certificates.yaml", "w") as f:
        f.write("\n".join(lines) + "\n")
    return records


def generate_lean(count, out):
    keys = Keys(rsa_keys=3, ec_keys=3)
    per_file = 1000
    records = {}
    for file_index in range((count + per_file - 1) // per_file):
        group = f"group-{file_index:03d}"
        os.makedirs(f"{out}/csr/{group}", exist_ok=True)
        lines = lean_header(file_index)
        for i in range(file_index * per_file, min(count, (file_index + 1) * per_file)):
            name = f"svc-{i:06d}"
            entry, records[name] = lean_entry(i, name, file_index, f"{out}/csr/{group}/{name}.csr",
                                              f"../csr/{group}/{name}.csr", keys)
            lines += entry
        with open(f"{out}/manifests/{group}.yaml", "w") as f:
            f.write("\n".join(lines) + "\n")
    return records


def write_state(path, records):
    state = {"format_version": 1, "lineage": "bench", "serial": 1, "certificates": records, "intents": []}
    with open(path, "w") as f:
        json.dump(state, f, sort_keys=True, indent=2)
        f.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=["large", "lean"], default="large")
    parser.add_argument("count", type=int)
    parser.add_argument("out")
    args = parser.parse_args()
    for folder in ("manifests", "csr", "state"):
        os.makedirs(f"{args.out}/{folder}", exist_ok=True)
    records = (generate_lean if args.profile == "lean" else generate_large)(args.count, args.out)
    # A checkout, as certform meets it in CI: the manifests and CSR files committed, so that git's
    # index knows each file's blob id (certform plan uses it instead of reading the file).
    git = ["git", "-C", args.out, "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    subprocess.run(git + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "manifests", "csr"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "generated"], check=True)
    cold = copy.deepcopy(records)
    for entry in cold.values():
        for key in ("spec_digest", "settings_digest", "csr_digest"):
            entry.pop(key)
    write_state(f"{args.out}/state/orders-cold.json", cold)
    # Written last: run.py takes its presence as a complete repository.
    write_state(f"{args.out}/state/orders.json", records)


if __name__ == "__main__":
    main()
