import CertformTestSupport
import Foundation
import Testing
import YAML

/// The tools the suite runs that are not Swift, from the virtual environment that
/// `scripts/install-test-tools.sh` makes at `.venv` (`.ci/run` runs it). A missing tool fails the
/// test that needs it; nothing is skipped.
enum TestTools {
    static func path(_ name: String) throws -> String {
        let inVenv = CLI.root + "/.venv/bin/" + name
        if FileManager.default.isExecutableFile(atPath: inVenv) { return inVenv }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw CLIError("\(name) is missing: run `bash scripts/install-test-tools.sh` (as .ci/run does), which installs it into .venv")
    }

    static func run(_ name: String, _ arguments: [String], in directory: String = CLI.root,
                    environment: [String: String] = [:]) throws -> Subprocess.Result {
        try Subprocess.run(try path(name), arguments, in: directory, environment: environment)
    }

    /// The python3 that has the suite's Python packages (jsonschema): the virtual environment's
    /// when there is one, else the one on PATH.
    static var python: (path: String, prefix: [String]) {
        let inVenv = CLI.root + "/.venv/bin/python3"
        return FileManager.default.isExecutableFile(atPath: inVenv) ? (inVenv, []) : ("/usr/bin/env", ["python3"])
    }

    /// Runs `git` in the repository.
    static func git(_ arguments: [String]) throws -> String {
        let result = try Subprocess.run("/usr/bin/env", ["git"] + arguments, in: CLI.root)
        guard result.status == 0 else { throw CLIError("git \(arguments.joined(separator: " ")) failed: \(result.stderr)") }
        return result.stdout
    }
}

/// A published schema that a kind of YAML file we ship is checked against, with check-jsonschema:
/// the GitHub and GitLab schemas that editors and CI use (carried offline by check-jsonschema), and
/// our own manifest schema.
enum ShippedSchema: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case githubWorkflow = "vendor.github-workflows"
    case githubAction = "vendor.github-actions"
    case gitlabCI = "vendor.gitlab-ci"
    case manifest

    var testDescription: String { rawValue }

    /// The schema for a file, by where it is (relative to the root); nil when none covers it.
    static func of(_ path: String) -> ShippedSchema? {
        let name = (path as NSString).lastPathComponent
        if name == "action.yml" || name == "action.yaml" { return .githubAction }
        if path.hasPrefix(".github/workflows/") || path.hasPrefix("examples/github/") { return .githubWorkflow }
        if name.hasSuffix(".gitlab-ci.yml") { return .gitlabCI }
        if path.hasPrefix("manifests/") { return .manifest }
        return nil
    }

    var arguments: [String] {
        self == .manifest ? ["--schemafile", CLI.root + "/schema/certform-manifest.schema.json"] : ["--builtin-schema", rawValue]
    }
}

/// What check-jsonschema said about some files.
struct SchemaReport: CustomStringConvertible {
    var status: Int32
    var errorPaths: [String]
    var text: String
    var passed: Bool { status == 0 && errorPaths.isEmpty }
    var description: String { "check-jsonschema exited \(status): \(text)" }
}

/// Every YAML file we ship (everything git tracks or would track, outside Tests/) is valid against
/// the schema for its kind, and a broken copy of each kind is refused.
@Suite struct WorkflowSchemaTests {
    static let corpus = CLI.root + "/Tests/Corpus/ci-broken"
    static let brokenCopies = ((try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? [])
        .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted()

    @Test func everyShippedYAMLFileHasASchema() throws {
        let files = try Self.shippedYAMLFiles()
        let uncovered = files.filter { ShippedSchema.of($0) == nil }
        #expect(uncovered.isEmpty, "YAML files that no schema checks (add them to ShippedSchema.of): \(uncovered)")
        for expected in ["action.yml", ".github/workflows/release.yml", "examples/github/certform-plan.yml",
                         "examples/github/certform-apply.yml", "examples/github/certform-refresh.yml",
                         "examples/gitlab/.gitlab-ci.yml", "manifests/example-com.yaml", "manifests/example-org.yaml"] {
            #expect(files.contains(expected), "\(expected) is not among the shipped YAML files: \(files)")
        }
    }

    @Test(arguments: ShippedSchema.allCases)
    func shippedFilesAreValid(_ schema: ShippedSchema) throws {
        let files = try Self.shippedYAMLFiles().filter { ShippedSchema.of($0) == schema }
        #expect(!files.isEmpty, "no shipped file for \(schema)")
        let report = try Self.check(files, schema)
        #expect(report.passed, "\(files): \(report)")
    }

    @Test(arguments: brokenCopies)
    func aBrokenCopyIsRefused(_ file: String) throws {
        let text = try String(contentsOfFile: Self.corpus + "/" + file, encoding: .utf8)
        // The second line names the schema and where the error must be: `# schema: NAME  error-at: $.path`.
        let header = text.split(separator: "\n").dropFirst().first.map(String.init) ?? ""
        let words = header.split(separator: " ").map(String.init)
        let schemaName = try #require(words.firstIndex(of: "schema:").map { words[$0 + 1] }, "\(file): no schema in its header")
        let errorAt = try #require(words.firstIndex(of: "error-at:").map { words[$0 + 1] }, "\(file): no error-at in its header")
        let schema = try #require(ShippedSchema(rawValue: schemaName), "\(file): unknown schema \(schemaName)")
        let report = try Self.check([Self.corpus + "/" + file], schema)
        #expect(!report.passed, "\(file) passed its schema")
        #expect(report.errorPaths.contains { $0.hasPrefix(errorAt) }, "\(file): no error at \(errorAt): \(report)")
    }

    @Test func theBrokenCopiesCoverEverySchema() throws {
        for schema in ShippedSchema.allCases {
            let named = try Self.brokenCopies.filter { file in
                try String(contentsOfFile: Self.corpus + "/" + file, encoding: .utf8).contains("# schema: \(schema.rawValue) ")
            }
            #expect(!named.isEmpty, "no broken copy is checked against \(schema)")
        }
    }

    /// The YAML files git tracks or would track (untracked ones not ignored), outside Tests/.
    static func shippedYAMLFiles() throws -> [String] {
        try TestTools.git(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
            .split(separator: "\0").map(String.init)
            .filter { ($0.hasSuffix(".yml") || $0.hasSuffix(".yaml")) && !$0.hasPrefix("Tests/") }
            .filter { FileManager.default.fileExists(atPath: CLI.root + "/" + $0) }
            .sorted()
    }

    /// Runs check-jsonschema on `files` (relative to the root, or absolute). Manifests may hold
    /// several documents, which check-jsonschema does not read: each document is checked alone.
    static func check(_ files: [String], _ schema: ShippedSchema) throws -> SchemaReport {
        let scratch = TemporaryDirectory()
        let paths = schema == .manifest ? try documentFiles(files, into: scratch) : files
        let result = try TestTools.run("check-jsonschema", ["--output-format", "JSON"] + schema.arguments + paths)
        let json = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        guard let json, json["status"] is String else {
            throw CLIError("check-jsonschema gave no JSON report (exit \(result.status)): \(result.stdout) \(result.stderr)")
        }
        let errors = (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        let parseErrors = (json["parse_errors"] as? [[String: Any]] ?? []).map { _ in "(parse error)" }
        return SchemaReport(status: result.status, errorPaths: errors + parseErrors, text: result.stdout + result.stderr)
    }

    /// The documents of multi-document YAML files, one file each in `directory`. YAML allows the
    /// `---` and `...` markers only at the start of a line, so splitting there is exact; text
    /// before the first marker that holds only comments is no document.
    static func documentFiles(_ files: [String], into directory: TemporaryDirectory) throws -> [String] {
        var written: [String] = []
        for file in files {
            let text = try String(contentsOfFile: file.hasPrefix("/") ? file : CLI.root + "/" + file, encoding: .utf8)
            var documents: [[Substring]] = [[]]
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line == "---" || line.hasPrefix("--- ") {
                    documents.append(line == "---" ? [] : [line.dropFirst(4)])
                } else if line == "..." || line.hasPrefix("... ") {
                    documents.append([])
                } else {
                    documents[documents.count - 1].append(line)
                }
            }
            let real = documents.filter { lines in
                lines.contains { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
            }
            let base = file.replacingOccurrences(of: "/", with: "_")
            for (index, lines) in real.enumerated() {
                written.append(directory.write("\(base).document-\(index + 1).yaml", lines.joined(separator: "\n") + "\n"))
            }
        }
        return written
    }
}

/// The GitHub Action (action.yml) as a runner runs it: its run steps with the shell GitHub uses
/// (`bash --noprofile --norc -eo pipefail`), and the examples' use of it.
@Suite struct ActionTests {
    static let exampleAsOf = "2026-12-01T00:00:00Z"

    @Test func theRunStepReportsThePlansExitCodeAndPaidOrders() throws {
        let repo = try Self.exampleRepository()
        let args = "--format markdown\n--detailed-exitcode --as-of \(Self.exampleAsOf)"   // several lines, as YAML allows
        let runner = TemporaryDirectory()
        let run = try Self.runStep("Run certform", in: repo.path, runner: runner, environment: ["COMMAND": "plan", "ARGS": args])
        #expect(run.result.status == 0, "exit 2 (changes) is a success for plan: \(run.result.stdout)\(run.result.stderr)")
        #expect(run.outputs["exitcode"] == "2")
        #expect(run.outputs["paid-orders"] == "2", "the example plan places 2 paid orders: \(run.outputs)")
        let direct = try CLI.run(["plan", "--format", "markdown", "--detailed-exitcode", "--as-of", Self.exampleAsOf], in: repo.path)
        let outputFile = try #require(run.outputs["output-file"])
        #expect(try String(contentsOfFile: outputFile, encoding: .utf8) == direct.stdout)
        #expect(run.result.stdout.contains(direct.stdout), "the plan is also printed to the log")
    }

    @Test func aFailingCommandFailsTheStepAndStillReportsItsExitCode() throws {
        let repo = try Self.exampleRepository()
        repo.write("manifests/broken.yaml", "apiVersion: certform/v1\ncertificates: [not, a, mapping]\n")
        let runner = TemporaryDirectory()
        let run = try Self.runStep("Run certform", in: repo.path, runner: runner, environment: ["COMMAND": "validate", "ARGS": ""])
        #expect(run.result.status == 1)
        #expect(run.outputs["exitcode"] == "1")
        #expect(run.outputs["paid-orders"] == "")
        #expect(run.result.stdout.contains("::error::certform validate exited with status 1"))

        let usage = try Self.runStep("Run certform", in: repo.path, runner: TemporaryDirectory(), environment: ["COMMAND": "plan", "ARGS": "--no-such-flag"])
        #expect(usage.result.status == 64)
        #expect(usage.outputs["exitcode"] == "64")
    }

    /// Inputs reach the scripts through `env:`, never pasted into them, so an input cannot
    /// inject shell code; and every run step names its shell.
    @Test func runStepsTakeInputsFromTheEnvironmentOnly() throws {
        let steps = try Self.actionSteps()
        #expect(steps.count >= 4)
        for step in steps where lookup(step, "run") != nil {
            let name = lookup(step, "name")?.scalarValue ?? "?"
            let script = lookup(step, "run")?.scalarValue ?? ""
            #expect(script.range(of: "${{") == nil, "\(name): an expression inside a script")
            #expect(lookup(step, "shell")?.scalarValue == "bash", "\(name): no shell: bash")
        }
    }

    /// The examples call the action with commands and flags that exist (ExamplesTests checks the
    /// `run:` lines).
    @Test func theExamplesCallTheActionWithRealCommandsAndFlags() throws {
        var checked = 0
        for file in ExamplesTests.workflowFiles where file.hasPrefix("examples/github/") {
            for step in try Self.workflowSteps(file) {
                guard lookup(step, "uses")?.scalarValue?.hasPrefix("certform/certform@") == true,
                      let command = lookup(lookup(step, "with"), "command")?.scalarValue else { continue }
                let args = lookup(lookup(step, "with"), "args")?.scalarValue ?? ""
                let words = (command + " " + args).split(whereSeparator: \.isWhitespace).map(String.init)
                let problems = try Invocation(words: words).problems()
                #expect(problems.isEmpty, "\(file): \(problems)")
                checked += 1
            }
        }
        #expect(checked >= 2, "the examples should run plan through the action")
    }

    /// VERSION is the one place the version is written; everything else agrees with it.
    @Test func oneVersionEverywhere() throws {
        let version = try String(contentsOfFile: CLI.root + "/VERSION", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(version.range(of: #"^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$"#, options: .regularExpression) != nil)
        let buildInfo = try String(contentsOfFile: CLI.root + "/Sources/certform/Support/BuildInfo.swift", encoding: .utf8)
        #expect(buildInfo.contains("static let version = \"\(version)\""))
        #expect(try CLI.run(["--version"]).stdout == "\(version) (commit unknown)\n", "a plain swift build")
        let action = try Self.parse("action.yml")
        #expect(lookup(lookup(lookup(action, "inputs"), "version"), "default")?.scalarValue == version)
        let notes = try Subprocess.run("/bin/bash", [CLI.root + "/scripts/changelog-section.sh", version])
        #expect(notes.status == 0 && !notes.stdout.isEmpty, "CHANGELOG.md has no section for \(version): \(notes.stderr)")
        for file in ExamplesTests.workflowFiles where file.hasPrefix("examples/github/") {
            let uses = try Self.workflowSteps(file).compactMap { lookup($0, "uses")?.scalarValue }.filter { $0.hasPrefix("certform/certform@") }
            #expect(!uses.isEmpty && uses.allSatisfy { $0 == "certform/certform@v\(version)" }, "\(file): \(uses)")
        }
        let gitlab = try Self.parse("examples/gitlab/.gitlab-ci.yml")
        #expect(lookup(lookup(gitlab, "variables"), "CERTFORM_VERSION")?.scalarValue == version)
    }

    // MARK: - helpers

    /// A copy of the shipped example: manifests, CSRs and state.
    static func exampleRepository() throws -> TemporaryDirectory {
        let repo = TemporaryDirectory()
        for folder in ["manifests", "csr", "state"] {
            try FileManager.default.copyItem(atPath: CLI.root + "/" + folder, toPath: repo.path + "/" + folder)
        }
        return repo
    }

    /// Runs one of action.yml's run steps as the runner does, with the debug build as certform,
    /// and returns what it wrote to GITHUB_OUTPUT.
    /// `runner` plays the runner's temporary folder: what the step leaves there lives as long as it.
    static func runStep(_ name: String, in directory: String, runner: TemporaryDirectory, environment: [String: String]) throws
        -> (result: Subprocess.Result, outputs: [String: String]) {
        let step = try #require(try actionSteps().first { lookup($0, "name")?.scalarValue == name }, "no step \(name)")
        let script = try #require(lookup(step, "run")?.scalarValue)
        let outputPath = runner.write("github-output", "")
        try FileManager.default.createDirectory(atPath: runner.path + "/temp", withIntermediateDirectories: true)
        let scriptPath = runner.write("step.sh", script)
        var env = environment
        env["CERTFORM"] = CLI.binary("certform")
        env["RUNNER_TEMP"] = runner.path + "/temp"
        env["GITHUB_OUTPUT"] = outputPath
        let result = try Subprocess.run("/bin/bash", ["--noprofile", "--norc", "-eo", "pipefail", scriptPath], in: directory, environment: env)
        var outputs: [String: String] = [:]
        for line in try String(contentsOfFile: outputPath, encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            outputs[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return (result, outputs)
    }

    static func parse(_ file: String) throws -> YAMLNode {
        let parsed = try YAMLParser.parse(try String(contentsOfFile: CLI.root + "/" + file, encoding: .utf8))
        #expect(parsed.problems.isEmpty, "\(file): \(parsed.problems)")
        return try #require(parsed.documents.first)
    }

    static func actionSteps() throws -> [YAMLNode] {
        items(lookup(lookup(try parse("action.yml"), "runs"), "steps"))
    }

    static func workflowSteps(_ file: String) throws -> [YAMLNode] {
        guard case .mapping(let jobs)? = lookup(try parse(file), "jobs")?.kind else { return [] }
        return jobs.flatMap { items(lookup($0.value, "steps")) }
    }
}

/// The value under `key` in a YAML mapping.
fileprivate func lookup(_ node: YAMLNode?, _ key: String) -> YAMLNode? {
    guard case .mapping(let pairs)? = node?.kind else { return nil }
    return pairs.first { $0.key.scalarValue == key }?.value
}

/// The items of a YAML sequence (none for anything else).
fileprivate func items(_ node: YAMLNode?) -> [YAMLNode] {
    guard case .sequence(let items)? = node?.kind else { return [] }
    return items
}
