import CertCentralAPI
import CertformTestSupport
import Foundation
import Testing

/// Rules about the code itself that review alone would not keep (CONTRIBUTING.md).
@Suite struct RepositoryRulesTests {
    static let sources = CLI.root + "/Sources"

    /// Every Swift file under `Sources/` but the wire contract, with its text.
    static func sourceFiles(excluding excluded: String) throws -> [(String, String)] {
        let enumerator = FileManager.default.enumerator(atPath: sources)
        var files: [(String, String)] = []
        while let relative = enumerator?.nextObject() as? String {
            guard relative.hasSuffix(".swift"), !relative.hasPrefix(excluded + "/") else { continue }
            files.append((relative, try String(contentsOfFile: sources + "/" + relative, encoding: .utf8)))
        }
        return files
    }

    @Test func noFunctionIsLongerThanSixtyLines() throws {
        let result = try Subprocess.run("/usr/bin/env", ["python3", "scripts/check-function-length.py", "--limit", "60"], in: CLI.root)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    /// A string inside an interpolation hides its parentheses and braces from the count, which
    /// otherwise ran one function into the next.
    @Test func theLengthCheckReadsStringsInsideInterpolations() throws {
        let folder = TemporaryDirectory()
        folder.write("Sources/Sample.swift", #"""
            func first(_ flag: Bool) -> String {
                var text = ""
                if flag { text = "a \(flag ? " (b)" : "")" }
                return text
            }

            func second() -> Int {
                1
            }

            func third(_ flag: Bool) -> String {
                let text = "\(String(flag) + " }")"
                return text
            }
            """#)
        let result = try Subprocess.run("/usr/bin/env", ["python3", CLI.root + "/scripts/check-function-length.py", "--limit", "1", "--list", "5",
                                                         folder.path + "/Sources"])
        #expect(result.stdout.contains("first is 5 lines"), "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("second is 3 lines"), "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("third is 4 lines"), "\(result.stdout)\(result.stderr)")
    }

    /// Products, statuses and actions are spelled once, in CertCentralAPI; everywhere else they
    /// are the enums, so that a typo is a compile error and a new case is found by the compiler.
    @Test func theVocabularyIsSpelledOnlyInTheWireContract() throws {
        let words = Product.allCases.map(\.rawValue) + Action.allCases.map(\.rawValue)
            + OrderStatus.allKnown.map(\.rawValue) + [DCVMethod.dnsTXTToken, .dnsCNAMEToken, .httpToken].map(\.rawValue)
        var found: [String] = []
        for (file, text) in try Self.sourceFiles(excluding: "CertCentralAPI") {
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                // `?? "none"` is the English word for a missing value, not the action.
                for word in words where line.replacingOccurrences(of: "?? \"none\"", with: "").contains("\"\(word)\"") {
                    found.append("Sources/\(file):\(number + 1): \"\(word)\"")
                }
            }
        }
        #expect(found.isEmpty, "string literals of the wire vocabulary outside CertCentralAPI:\n\(found.joined(separator: "\n"))")
    }

    /// The sandbox answers with the wire contract's types, encoded, never JSON built by hand.
    @Test func theSandboxBuildsNoResponseJSONByHand() throws {
        var found: [String] = []
        for (file, text) in try Self.sourceFiles(excluding: "CertCentralAPI") where file.hasPrefix("Sandbox/") {
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.contains(".json(") && (line.contains(", [") || line.contains(", .object(")) {
                found.append("Sources/\(file):\(number + 1)")
            }
        }
        #expect(found.isEmpty, "hand-built replies:\n\(found.joined(separator: "\n"))")
    }
}
