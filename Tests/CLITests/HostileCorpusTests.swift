import CertformTestSupport
import Foundation
import JSON
import Testing

/// SPEC §1: everything in a pull request is untrusted. Each case under `Tests/Corpus/hostile/` is a
/// small repository (manifests, CSRs, state, saved plans) with an optional `setup.sh` (for what
/// git cannot hold: symlinks to /proc, FIFOs) and an `expected.json` naming the commands to run
/// and what each must do. Every run, whatever the case, must also: print no byte of the secrets in
/// its environment, no raw control byte, no line starting with `::` that certform did not write,
/// stay under a fixed size, and — when a sandbox is up — send it nothing that costs or changes.
@Suite(.serialized) struct HostileCorpusTests {
    static let root = CLI.root + "/Tests/Corpus/hostile"
    /// Secrets a CI job holds; none may appear in any output.
    static let canary = "c4n4ry-" + UUID().uuidString
    static let outputLimit = 256 * 1024

    static var cases: [String] {
        let enumerator = FileManager.default.enumerator(atPath: root)
        var found: [String] = []
        while let path = enumerator?.nextObject() as? String {
            if path.hasSuffix("/expected.json") || path == "expected.json" {
                found.append(String(path.dropLast("/expected.json".count)))
            }
        }
        return found.sorted()
    }

    @Test func theCorpusHoldsEnoughCases() {
        #expect(Self.cases.count >= 25, "\(Self.cases.count) cases")
    }

    @Test(arguments: cases)
    func hostileInputIsHandled(_ name: String) throws {
        let expected = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: "\(Self.root)/\(name)/expected.json"))))
        let (directory, repo) = try Self.copy(name)
        defer { withExtendedLifetime(directory) {} }
        let sandbox = expected["sandbox"]?.boolValue == true ? try SandboxProcess() : nil
        let runs = expected["runs"]?.arrayValue ?? [expected]
        for run in runs {
            try check(run, in: repo, sandbox: sandbox, label: name)
        }
        if let sandbox {
            let stats = try JSONParser.parse(try sandbox.stats())
            #expect(stats["orders_created"]?.intValue == 0, "\(name): an order was placed")
            #expect(stats["reissues"]?.intValue == 0, "\(name): a reissue was requested")
        }
    }

    /// Copies the case into a fresh directory (with a `.git`, so that it is a repository root)
    /// and runs its `setup.sh` there.
    static func copy(_ name: String) throws -> (TemporaryDirectory, String) {
        let temporary = TemporaryDirectory()
        let directory = temporary.path + "/repo"
        let copy = try Subprocess.run("/bin/cp", ["-R", "\(root)/\(name)", directory])
        guard copy.status == 0 else { throw CLIError("cp failed: \(copy.stderr)") }
        try FileManager.default.createDirectory(atPath: directory + "/.git", withIntermediateDirectories: true)
        if FileManager.default.fileExists(atPath: directory + "/setup.sh") {
            let setup = try Subprocess.run("/bin/bash", ["setup.sh"], in: directory, environment: ["CERTFORM_BIN": CLI.binary("certform")])
            guard setup.status == 0 else { throw CLIError("setup.sh failed: \(setup.stdout)\(setup.stderr)") }
        }
        return (temporary, directory)
    }

    func check(_ run: JSONValue, in repo: String, sandbox: SandboxProcess?, label: String) throws {
        let arguments = (run["command"]?.arrayValue ?? []).compactMap(\.stringValue)
        var environment = ["DIGICERT_API_KEY": Self.canary, "CERTFORM_SECRET_CANARY": Self.canary, "PGPASSWORD": Self.canary]
        if let sandbox {
            environment["CERTFORM_ENDPOINT"] = sandbox.apiBase
            environment["DIGICERT_API_KEY"] = "sandbox-key"
        }
        for (key, value) in run["env"]?.objectValue ?? [:] {
            environment[key] = value.stringValue?.replacingOccurrences(of: "{canary}", with: Self.canary)
        }
        let result = try CLI.run(arguments, in: repo, environment: environment)
        let context = "\(label) \(arguments.joined(separator: " ")):\nstdout: \(result.stdout.prefix(2000))\nstderr: \(result.stderr.prefix(2000))"
        #expect(Int(result.status) == run["exit"]?.intValue, "\(context)")
        for fragment in run["stdout_contains"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            #expect(result.stdout.contains(fragment), "missing '\(fragment)' — \(context)")
        }
        for fragment in run["stderr_contains"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            #expect(result.stderr.contains(fragment), "missing '\(fragment)' — \(context)")
        }
        for secret in run["output_excludes"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "'\(secret)' was printed — \(context)")
        }
        if run["stdout_json"]?.boolValue == true {
            #expect((try? JSONParser.parse(result.stdout)) != nil, "standard output is not JSON — \(context)")
        }
        for output in [result.stdout, result.stderr] {
            Self.expectInert(output, context: context)
        }
    }

    /// The rules every output keeps, whatever the input.
    static func expectInert(_ output: String, context: String) {
        #expect(!output.contains(canary), "a secret was printed — \(context)")
        #expect(output.utf8.count < outputLimit, "\(output.utf8.count) bytes — \(context)")
        let control = output.unicodeScalars.first { scalar in
            (scalar.value < 0x20 && scalar != "\n" && scalar != "\t") || (0x7F...0x9F).contains(scalar.value)
        }
        #expect(control == nil, "a raw control character U+\(String(control?.value ?? 0, radix: 16)) — \(context)")
        // certform writes exactly `::error file=PATH,line=N,col=N::MESSAGE` (or without the
        // position), with `:` and `,` in PATH encoded: anything else starting with `::` is forged.
        let own = try! Regex(#"^::(error|warning) file=[^:,]*(,line=[0-9]+,col=[0-9]+)?::"#)
        for line in output.split(separator: "\n") where line.hasPrefix("::") {
            #expect(line.prefixMatch(of: own) != nil, "a workflow command certform did not write: \(line) — \(context)")
        }
    }
}
