import CertformTestSupport
import Foundation
import Testing

@Suite struct ValidateCommandTests {
    @Test func shippedExamplesAreValid() throws {
        let result = try CLI.run(["validate"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("7 certificates in 3 files: 0 errors, 0 warnings"))
    }

    @Test func jsonFormatListsDiagnosticsAsData() throws {
        let dir = TemporaryDirectory()
        dir.write("manifests/web.yaml", "apiVersion: certform/v1\ncertificates:\n  web:\n    dns_name: [a.example.com]\n")
        let result = try CLI.run(["validate", "--manifests", "manifests", "--format", "json"], in: dir.path)
        #expect(result.status == 1)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let diagnostics = try #require(json?["diagnostics"] as? [[String: Any]])
        let first = try #require(diagnostics.first)
        #expect(first["file"] as? String == "manifests/web.yaml")
        #expect(first["line"] as? Int == 3)
        #expect(first["column"] as? Int == 3)
        #expect(first["severity"] as? String == "error")
        #expect(diagnostics.contains { ($0["message"] as? String)?.contains("did you mean 'dns_names'?") == true && $0["line"] as? Int == 4 && $0["column"] as? Int == 5 })
        #expect(json?["certificates"] as? Int == 0)
    }

    @Test func githubAnnotationsWhenRunInActions() throws {
        let dir = TemporaryDirectory()
        dir.write("manifests/web.yaml", "apiVersion: certform/v1\ncertificates:\n  web:\n    dns_name: [a.example.com]\n")
        let result = try CLI.run(["validate", "--manifests", "manifests"], in: dir.path, environment: ["GITHUB_ACTIONS": "true"])
        #expect(result.status == 1)
        // Annotations go to standard error, so that JSON on standard output always parses.
        #expect(result.stderr.contains("::error file=manifests/web.yaml,line=4,col=5::unknown key 'dns_name' in certificate 'web'; did you mean 'dns_names'?"))
        #expect(!result.stdout.contains("::error"))
        #expect(result.stderr.contains("manifests/web.yaml:4:5: error: unknown key 'dns_name'"))
        #expect(result.stderr.contains("    4 |     dns_name: [a.example.com]\n      |     ^"))
    }

    @Test func manifestsFromTheEnvironment() throws {
        let dir = TemporaryDirectory()
        dir.write("elsewhere/web.yaml", "apiVersion: certform/v1\ncertificates: {}\n")
        let result = try CLI.run(["validate"], in: dir.path, environment: ["CERTFORM_MANIFESTS": "elsewhere"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("0 certificates in 1 file"))
    }

    @Test func usageErrorExits64() throws {
        let result = try CLI.run(["validate", "--format", "yaml"])
        #expect(result.status == 64)
    }

    /// Every file of the broken corpus exits 1 with the located message its `.expect` names, and
    /// never crashes.
    @Test(arguments: BrokenCorpus.files)
    func brokenManifest(_ name: String) throws {
        let dir = TemporaryDirectory()
        dir.write("csr/good.csr", BrokenCorpus.goodCSR)
        let source = BrokenCorpus.directory + "/" + name
        dir.write("manifests/" + name, try Data(contentsOf: URL(fileURLWithPath: source)))
        let expectation = try String(contentsOfFile: source.replacingOccurrences(of: ".yaml", with: ".expect"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let space = try #require(expectation.firstIndex(of: " "))
        let position = String(expectation[..<space]), fragment = String(expectation[expectation.index(after: space)...])
        let result = try CLI.run(["validate", "--manifests", "manifests"], in: dir.path)
        #expect(result.status == 1, "\(name): \(result.stderr)")
        let headline = "manifests/\(name):\(position): error: "
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix(headline) && $0.contains(fragment) },
                "\(name): expected '\(headline)…\(fragment)' in:\n\(result.stderr)")
    }
}

enum BrokenCorpus {
    static let directory = CLI.root + "/Tests/Corpus/broken"
    static let files: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
        .filter { $0.hasSuffix(".yaml") }.sorted()
    static let goodCSR = TestCSR.make(commonName: "example.com", sans: ["example.com"])
}
