import CertformTestSupport
import Foundation
import Testing
import YAML

/// The CI examples and the README only use commands and flags that exist: every `certform`
/// invocation in them is checked against the real binary's help.
@Suite struct ExamplesTests {
    static let workflowFiles = [
        "examples/github/certform-plan.yml", "examples/github/certform-apply.yml",
        "examples/github/certform-refresh.yml", "examples/gitlab/.gitlab-ci.yml",
    ]

    @Test(arguments: workflowFiles)
    func workflowParsesAndUsesRealFlags(_ file: String) throws {
        let text = try String(contentsOfFile: CLI.root + "/" + file, encoding: .utf8)
        let parsed = try YAMLParser.parse(text)
        #expect(parsed.problems.isEmpty, "\(parsed.problems)")
        #expect(parsed.documents.count == 1)
        var scripts: [String] = []
        Self.collectScalars(parsed.documents[0], into: &scripts)
        let invocations = scripts.flatMap(Invocation.find)
        #expect(!invocations.isEmpty, "no certform invocation found in \(file)")
        for invocation in invocations {
            let problems = try invocation.problems()
            #expect(problems.isEmpty, "\(file): \(problems)")
        }
    }

    @Test func readmeUsesRealCommandsAndFlags() throws {
        let text = try String(contentsOfFile: CLI.root + "/README.md", encoding: .utf8)
        var lines: [String] = []
        var inCode = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inCode.toggle(); continue }
            if inCode { lines.append(String(line)) }
            if line.hasPrefix("### `certform") { lines.append(String(line.dropFirst(5).filter { $0 != "`" })) }
        }
        let invocations = lines.flatMap(Invocation.find)
        #expect(invocations.count >= 10)
        for invocation in invocations {
            let problems = try invocation.problems()
            #expect(problems.isEmpty, "README: \(problems)")
        }
    }

    /// The checker itself catches a flag or a command that does not exist.
    @Test func theCheckerCatchesInventions() throws {
        #expect(Invocation.find(in: "run: certform plan --bogus-flag > plan.md").map(\.words) == [["plan", "--bogus-flag"]])
        #expect(try Invocation(words: ["plan", "--bogus-flag"]).problems() == ["certform plan --bogus-flag: --bogus-flag is not a flag of 'certform plan'"])
        #expect(try Invocation(words: ["deploy", "--now"]).problems().first == "certform deploy --now: 'deploy' is not a certform command")
        #expect(try Invocation(words: ["state", "forget", "old", "--lock-timeout", "5s"]).problems().isEmpty)
    }

    static func collectScalars(_ node: YAMLNode, into out: inout [String]) {
        switch node.kind {
        case .scalar(let value, _): out.append(value)
        case .sequence(let items): for item in items { collectScalars(item, into: &out) }
        case .mapping(let pairs): for pair in pairs { collectScalars(pair.value, into: &out) }
        }
    }
}

/// One `certform …` command line found in a text.
struct Invocation: CustomStringConvertible {
    var words: [String]
    var description: String { "certform " + words.joined(separator: " ") }

    static func find(in text: String) -> [Invocation] {
        var found: [Invocation] = []
        for line in text.split(separator: "\n") {
            var rest = Substring(line)
            while let range = rest.range(of: "certform ") {
                let before = rest[..<range.lowerBound].last
                rest = rest[range.upperBound...]
                guard before == nil || " ;&|(/$".contains(before!) else { continue }
                // The command ends at a redirection, a pipe, a chain or a comment.
                let end = rest.firstIndex { ">|&;#)".contains($0) } ?? rest.endIndex
                let words = rest[..<end].split(separator: " ").map(String.init)
                guard let first = words.first, first.first?.isLetter == true, first == first.lowercased() else { continue }
                found.append(Invocation(words: words))
            }
        }
        return found
    }

    /// What is wrong with it: a command path that does not exist, or a `--flag` missing from that
    /// command's help. Empty when it is a real command line.
    func problems() throws -> [String] {
        var path: [String] = []
        for word in words where !word.hasPrefix("-") {
            if Self.isSubcommand(path + [word]) { path.append(word) } else { break }
        }
        guard !path.isEmpty else { return ["\(self): '\(words.first ?? "")' is not a certform command"] }
        let help = try Self.help(path)
        var problems: [String] = []
        for word in words where word.hasPrefix("--") {
            let flag = String(word.prefix { $0 != "=" })
            if !(help.contains(flag + " ") || help.contains(flag + "\n") || help.contains(flag + ",")) {
                problems.append("\(self): \(flag) is not a flag of 'certform \(path.joined(separator: " "))'")
            }
        }
        return problems
    }

    nonisolated(unsafe) static var helpCache: [String: String] = [:]
    static let lock = NSLock()

    static func help(_ path: [String]) throws -> String {
        let key = path.joined(separator: " ")
        lock.lock()
        defer { lock.unlock() }
        if let cached = helpCache[key] { return cached }
        let result = try CLI.run(path + ["--help"])
        let text = result.status == 0 ? result.stdout : ""
        helpCache[key] = text
        return text
    }

    static func isSubcommand(_ path: [String]) -> Bool {
        guard let help = try? help(path) else { return false }
        return help.contains("USAGE: certform \(path.joined(separator: " "))")
    }
}
