// Measures, in one process and on the same files, how long certform takes to load a manifests
// directory into the validated model (CSR checks left out: SPEC §9 "Loading") against the floor
// for any libyaml-backed loader: a bare loop over `yaml_parser_parse` that reads every event and
// keeps nothing. Runs alternate so that a noisy neighbour slows both; the medians are compared.
//
// usage: certform-load-bench MANIFESTS_DIR [--runs N] [--profile tree|load|csr]
import CYAML
import Dates
import Foundation
import Manifests
import YAML

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// The bytes of the file at `path`, or a stop with a message.
func contents(of path: String) -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    return [UInt8](data)
}

/// Reads `path` and runs libyaml's parser over it, discarding each event. Returns the event count.
func libyamlEvents(path: String) -> Int {
    let bytes = contents(of: path)
    var parser = yaml_parser_t()
    var event = yaml_event_t()
    yaml_parser_initialize(&parser)
    defer { yaml_parser_delete(&parser) }
    var count = 0
    bytes.withUnsafeBufferPointer { buffer in
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else { fail("libyaml cannot parse \(path); certform validate says where") }
            let done = event.type == YAML_STREAM_END_EVENT
            yaml_event_delete(&event)
            count += 1
            if done { break }
        }
    }
    return count
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

let usage = """
    usage: certform-load-bench MANIFESTS_DIR [--runs N] [--profile tree|load|csr]

    Times, in one process, a bare libyaml event loop over every manifest in MANIFESTS_DIR, the
    same files made into YAML nodes, and certform's load into the validated model (CSR checks
    left out), N runs each (5 by default), alternating; prints the medians and the SPEC §9 ratio
    load/libyaml. With --profile, runs only that phase N times and prints nothing, for a
    profiler: tree (YAML nodes), load (the model), csr (every CSR under MANIFESTS_DIR/../csr
    checked on one core). See BENCHMARKS.md.

    """

/// Stops with `message` on standard error and status 1 (64 for a usage error).
func fail(_ message: String, status: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("certform-load-bench: \(message)\n".utf8))
    exit(status)
}

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
    print(usage, terminator: "")
    exit(0)
}
var runs = 5
if let index = arguments.firstIndex(of: "--runs") {
    guard index + 1 < arguments.count, let value = Int(arguments[index + 1]), value > 0 else { fail("--runs takes a number of runs, 1 or more", status: 64) }
    runs = value
    arguments.removeSubrange(index...index + 1)
}
// `--profile tree|load|csr` runs only that phase, for a profiler (perf, callgrind) to look at.
var profile: String?
if let index = arguments.firstIndex(of: "--profile") {
    guard index + 1 < arguments.count, ["tree", "load", "csr"].contains(arguments[index + 1]) else { fail("--profile takes tree, load or csr", status: 64) }
    profile = arguments[index + 1]
    arguments.removeSubrange(index...index + 1)
}
guard arguments.count == 1, let directory = arguments.first, !directory.hasPrefix("-") else {
    FileHandle.standardError.write(Data(usage.utf8))
    exit(64)
}
var isDirectory: ObjCBool = false
guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
    fail("\(directory) is not a directory of manifests", status: 64)
}
let files = (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? [])
    .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { "\(directory)/\($0)" }
let bytes = files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
let asOf = CalendarDate(year: 2026, month: 12, day: 1)!

if let profile {
    // Every run's model is kept until the end, so that a profile of the load does not show it freed.
    var kept: [ManifestSet] = []
    for _ in 0..<runs {
        if profile == "csr" {
            // Every CSR of the generated repository, checked on one core: `csr/` holds them
            // directly (large) or a directory per manifest (lean).
            let csrDirectory = directory + "/../csr"
            let names = (FileManager.default.enumerator(atPath: csrDirectory)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".csr") }
            if names.isEmpty { fail("--profile csr found no .csr file under \(csrDirectory)", status: 64) }
            for name in names {
                _ = CSRInspector.inspect(pem: String(decoding: contents(of: "\(csrDirectory)/\(name)"), as: UTF8.self), declaredNames: [])
            }
        } else if profile == "tree" {
            for file in files { _ = try? YAMLParser.parse(contents(of: file)) }
        } else {
            kept.append(ManifestLoader(directory: directory, asOf: asOf, checksCSRs: false, readsCSRFiles: false).load())
        }
    }
    withExtendedLifetime(kept) { exit(0) }
}

var libyamlTimes: [Double] = [], treeTimes: [Double] = [], loadTimes: [Double] = [], checkTimes: [Double] = []
var events = 0, certificates = 0
for _ in 0..<runs {
    libyamlTimes.append(seconds { events = files.reduce(0) { $0 + libyamlEvents(path: $1) } })
    treeTimes.append(seconds {
        for file in files {
            _ = try? YAMLParser.parse(contents(of: file))
        }
    })
    // The model is kept until the clock stops: freeing it is not part of loading.
    var set: ManifestSet?
    // `load()` is `check(read())`: the two are timed apart, the checks after the read being one
    // thread's work until they spread over every core.
    var checkTime = 0.0
    loadTimes.append(seconds {
        let loader = ManifestLoader(directory: directory, asOf: asOf, checksCSRs: false, readsCSRFiles: false)
        // Handed over, not copied: a copy held here would make `check` copy the specs it changes.
        var read: ReadManifests? = loader.read()
        checkTime = seconds { set = loader.check(read.take()!) }
    })
    checkTimes.append(checkTime)
    // Counted, not printed: `certform validate` shows them, escaped for a terminal.
    if set!.hasErrors { fail("the manifests have \(set!.diagnostics.count) problem\(set!.diagnostics.count == 1 ? "" : "s"): run 'certform validate --manifests \(directory)' to see them") }
    certificates = set!.certificates.count
    set = nil
}
let floor = median(libyamlTimes), tree = median(treeTimes), load = median(loadTimes), check = median(checkTimes)
print(String(format: "load: %d certificates, %.1f MB of YAML, %d events, median of %d runs", certificates, Double(bytes) / 1e6, events, runs))
print(String(format: "  libyaml events only    %8.3f s", floor))
print(String(format: "  YAML nodes only        %8.3f s   (events into located nodes, no model)", tree))
print(String(format: "  certform load          %8.3f s   (no CSR checks)", load))
print(String(format: "    of which checks      %8.3f s   (after every manifest is read)", check))
print(String(format: "  ratio load/libyaml     %8.2f     (target <= 1.50)", load / floor))
