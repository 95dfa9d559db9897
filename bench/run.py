#!/usr/bin/env python3
"""The benchmark suite of SPEC §9, in one run (`make bench`):

For two profiles of repository (bench/generate.py: `large`, one manifest of ~690-byte entries;
`lean`, 1,000 ~390-byte entries per file, most keys in defaults, RSA and ECDSA CSRs), each at
1,000, 10,000 and 100,000 certificates (one distinct CSR file per certificate, a state in which 1%
need a change; kept in .build-bench/ and reused) it measures on the same files

  - a bare C loop over libyaml's yaml_parser_parse (bench/libyaml_loop.c): the floor for any
    libyaml-backed loader; and a bare C read of every CSR file (bench/read_files.c);
  - certform's load into the validated model without CSR checks, in-process, against libyaml's
    event loop in the same process (the certform-load-bench target);
  - PyYAML's C loader only loading the file (yaml.load(f, Loader=yaml.CSafeLoader)), with its
    peak memory;
  - `certform validate` and `certform plan` (release build): wall time and peak memory; the plan
    also against a state without digests (`orders-cold.json`: no CSR verified yet);

and prints each figure with the ratios SPEC §9 sets targets for, and a summary of both profiles.
Then it runs the apply benchmark (bench/apply_bench.py: 300 creates against the sandbox). Times are medians of --runs runs; the
machine is shared and noisy, so ratios from one run matter more than absolute times.

usage: bench/run.py [--profiles large,lean] [--sizes 1000,10000,100000] [--runs 3] [--no-cold] [--no-apply]
                    [--bin .build/release]
(CERTFORM_BENCH_SIZES sets the default sizes, e.g. 1000,10000 for a quick run.)
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AS_OF = "2026-12-01T00:00:00Z"


def run_once(command, env=None):
    """Wall time, peak RSS in bytes, stdout and stderr of one run of `command`."""
    # Output goes to files, not pipes: a plan larger than a pipe buffer would otherwise block.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, rusage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return elapsed, rusage.ru_maxrss * 1024, os.waitstatus_to_exitcode(status), out.read().decode(), err.read().decode()


def measure(command, runs, check, env=None, before=None):
    """Median wall time and largest peak memory over `runs` runs; `check(rc, out, err)` must pass.
    `before` runs, unmeasured, before each run."""
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        elapsed, peak, rc, out, err = run_once(command, env)
        if not check(rc, out, err):
            sys.exit(f"{' '.join(command)} failed (exit {rc}):\n{out[-2000:]}\n{err[-2000:]}")
        times.append(elapsed)
        peaks.append(peak)
    return statistics.median(times), max(peaks), out, err


def build_c(name, libraries=()):
    """Builds bench/NAME.c into .build-bench/NAME (again when the source is newer)."""
    binary = os.path.join(ROOT, ".build-bench", name)
    source = os.path.join(ROOT, "bench", f"{name}.c")
    if not os.path.exists(binary) or os.path.getmtime(binary) < os.path.getmtime(source):
        flags = []
        for library in libraries:
            flags += subprocess.run(["pkg-config", "--cflags", "--libs", library], capture_output=True, text=True, check=True).stdout.split()
        os.makedirs(os.path.dirname(binary), exist_ok=True)
        subprocess.run(["cc", "-O2", "-o", binary, source] + flags, check=True)
    return binary


def mb(value):
    return f"{value / 1e6:8.1f} MB"


def repository(profile, size):
    """The generated repository of `size` certificates in `profile` (made once, then reused)."""
    data = os.path.join(ROOT, ".build-bench", f"{profile}-{size}")
    if not os.path.exists(os.path.join(data, "state", "orders.json")) or not os.path.exists(os.path.join(data, ".git")):
        # (A repository from before the CSR files were committed is made again.)
        shutil.rmtree(data, ignore_errors=True)
        print(f"generating {size:,} certificates ({profile} profile) in {data} ...", flush=True)
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "generate.py"), "--profile", profile, str(size), data], check=True)
    return data


def manifest_files(manifests):
    return sorted(os.path.join(manifests, name) for name in os.listdir(manifests) if name.endswith((".yaml", ".yml")))


PYYAML = """import sys, yaml
for path in sys.argv[1:]:
    with open(path) as f:
        yaml.load(f, Loader=yaml.CSafeLoader)
"""


def warmer(tools, data):
    """Reads every CSR file, so that the page cache holds them when a measured run starts. The
    machine pages out what has been idle for a minute (DAMON), and PyYAML on 100,000
    certificates takes longer than that: without this, a run would measure the disk instead
    (100,000 cold CSR files take ~10 s to read; in CI they were just checked out, so warm)."""
    return lambda: subprocess.run([tools["read_files"], os.path.join(data, "csr")], capture_output=True, check=True)


def measure_floors(tools, data, manifests, files, runs):
    """The C libyaml loop over every manifest file, a bare read of every CSR file, and the
    in-process load against libyaml in the same process."""
    figures = {}
    figures["libyaml"], _, _, _ = measure([tools["libyaml_loop"]] + files, runs, lambda rc, out, err: rc == 0 and "events" in out)
    print(f"  C libyaml event loop         {figures['libyaml']:8.3f} s", flush=True)
    figures["read"], _, out, _ = measure([tools["read_files"], os.path.join(data, "csr")], runs, lambda rc, out, err: rc == 0 and "files" in out,
                                         before=warmer(tools, data))
    print(f"  C read of every CSR file     {figures['read']:8.3f} s   ({out.split(' bytes')[0]} bytes: open, fstat, read, close)", flush=True)
    _, _, out, _ = measure([os.path.join(tools["bin"], "certform-load-bench"), manifests, "--runs", str(runs)], 1,
                           lambda rc, out, err: rc == 0 and "ratio" in out)
    labels = ("libyaml events only", "certform load", "of which checks", "ratio load/libyaml")
    found = dict(re.findall(r"^\s+(" + "|".join(labels) + r")\s+([0-9.]+)", out, re.M))
    missing = [label for label in labels if label not in found]
    if missing:
        sys.exit(f"certform-load-bench printed no {', '.join(repr(label) for label in missing)} line: rebuild it (swift build -c release)")
    figures["load ratio"] = float(found["ratio load/libyaml"])
    print(f"  in-process libyaml events    {float(found['libyaml events only']):8.3f} s")
    print(f"  in-process certform load     {float(found['certform load']):8.3f} s   (into the validated model, no CSR checks)")
    print(f"    of which the checks after  {float(found['of which checks']):8.3f} s   (names defined twice, shared common names, CSR plumbing)")
    print(f"  load / libyaml               {figures['load ratio']:8.2f}     target <= 1.50", flush=True)
    return figures


def measure_plan(label, command, runs, size_bytes, env, warm):
    p_time, p_peak, out, err = measure(command, runs, lambda rc, out, err: rc == 0 and "Plan:" in out, env, before=warm)
    summary = [line for line in out.splitlines() if line.startswith("Plan:")][0]
    timings = [line for line in err.splitlines() if line.startswith("timings:")]
    print(f"  {label:<28} {p_time:8.3f} s   peak {mb(p_peak)} ({p_peak / size_bytes:4.1f}x manifest, target < 4)")
    for line in timings:  # the phases, then the CSR counts
        print(f"    {line}")
    print(f"    {summary}", flush=True)
    return p_time, p_peak


def run_size(profile, size, tools, args, env):
    """Every figure for one generated repository; returns them for the summary."""
    data = repository(profile, size)
    manifests = os.path.join(data, "manifests")
    files = manifest_files(manifests)
    size_bytes = sum(os.path.getsize(f) for f in files)
    state = os.path.join(data, "state", "orders.json")
    print(f"\n== {profile}, {size:,} certificates: {size_bytes / 1e6:.1f} MB of YAML in {len(files)} file{'s' if len(files) > 1 else ''} "
          f"({size_bytes / size:.0f} bytes an entry), {size:,} CSR files, state {os.path.getsize(state) / 1e6:.1f} MB", flush=True)
    row = {"profile": profile, "size": size, "bytes": size_bytes}
    row.update(measure_floors(tools, data, manifests, files, args.runs))

    pyyaml_runs = args.pyyaml_runs or (1 if size >= 100000 else args.runs)
    row["pyyaml"], py_peak, _, _ = measure([sys.executable, "-c", PYYAML] + files, pyyaml_runs, lambda rc, out, err: rc == 0)
    print(f"  PyYAML CSafeLoader load      {row['pyyaml']:8.3f} s   peak {mb(py_peak)} ({py_peak / size_bytes:4.1f}x manifest)", flush=True)

    validate = [os.path.join(tools["bin"], "certform"), "validate", "--manifests", manifests]
    warm = warmer(tools, data)
    row["validate"], v_peak, _, _ = measure(validate, args.runs, lambda rc, out, err: rc == 0, env, before=warm)
    print(f"  certform validate            {row['validate']:8.3f} s   peak {mb(v_peak)} ({v_peak / size_bytes:4.1f}x manifest)", flush=True)

    plan = [os.path.join(tools["bin"], "certform"), "plan", "--manifests", manifests, "--as-of", AS_OF]
    row["plan"], row["plan peak"] = measure_plan("certform plan", plan + ["--state", state], args.runs, size_bytes, env, warm)
    print(f"  PyYAML load / certform plan  {row['pyyaml'] / row['plan']:8.2f}     target >= 10", flush=True)
    if not args.no_cold:
        # The first plan after an import or an upgrade: no CSR verified yet, so every one is.
        cold = os.path.join(data, "state", "orders-cold.json")  # a state without digests
        row["cold"], _ = measure_plan("certform plan, no digests", plan + ["--state", cold], 1, size_bytes, env, warm)
    return row


def summary(rows):
    """The SPEC §9 ratios of every profile and size, side by side."""
    print("\n== summary (targets: load/libyaml <= 1.5, PyYAML/plan >= 10, growth <= 12 per x10, plan peak < 4x manifest)")
    print(f"  {'profile':<8} {'certs':>8} {'MB':>7} {'load/libyaml':>13} {'PyYAML/plan':>12} {'growth':>7} {'peak/MB':>8} {'validate':>9} {'plan':>8} {'no digests':>11}")
    previous = {}
    for row in rows:
        before = previous.get(row["profile"])
        growth = f"x{row['plan'] / before['plan']:.1f}" if before and row["size"] == 10 * before["size"] else ""
        print(f"  {row['profile']:<8} {row['size']:>8,} {row['bytes'] / 1e6:>7.1f} {row['load ratio']:>13.2f} {row['pyyaml'] / row['plan']:>12.2f} "
              f"{growth:>7} {row['plan peak'] / row['bytes']:>8.1f} {row['validate']:>8.2f}s {row['plan']:>7.2f}s"
              + (f" {row['cold']:>10.2f}s" if "cold" in row else ""))
        previous[row["profile"]] = row


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--profiles", default="large,lean", help="large (one manifest, ~690-byte entries) and/or lean (1,000 per file, ~390 bytes)")
    parser.add_argument("--sizes", default=os.environ.get("CERTFORM_BENCH_SIZES", "1000,10000,100000"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pyyaml-runs", type=int, default=None,
                        help="runs of PyYAML (default: --runs, but 1 at 100,000 and more, where one run takes minutes)")
    parser.add_argument("--no-cold", action="store_true", help="skip the plan against a state without digests (no CSR verified yet)")
    parser.add_argument("--no-apply", action="store_true", help="skip the apply benchmark")
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release"))
    args = parser.parse_args()
    for tool in ("certform", "certform-load-bench"):
        if not os.access(os.path.join(args.bin, tool), os.X_OK):
            sys.exit(f"{args.bin}/{tool} is missing: run 'swift build -c release' first")
    try:
        import yaml  # noqa: F401
        if not yaml.__with_libyaml__:
            sys.exit("PyYAML is installed without its C loader; install libyaml-dev and reinstall PyYAML")
    except ImportError:
        sys.exit("PyYAML is missing: pip install pyyaml (with libyaml-dev installed, for its C loader)")
    tools = {"bin": args.bin, "libyaml_loop": build_c("libyaml_loop", ["yaml-0.1"]), "read_files": build_c("read_files")}
    env = dict(os.environ, NO_COLOR="1", CERTFORM_TIMINGS="1")

    rows = []
    for profile in args.profiles.split(","):
        for size in [int(s) for s in args.sizes.split(",")]:
            rows.append(run_size(profile, size, tools, args, env))
    summary(rows)

    if not args.no_apply:
        print("\n== apply", flush=True)
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "apply_bench.py"), "--bin", args.bin], check=True)


if __name__ == "__main__":
    main()
