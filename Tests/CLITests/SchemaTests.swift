import CertformTestSupport
import Foundation
import JSON
import Testing
import YAML

/// The editor schema agrees with `certform validate`: the shipped examples pass both, and on a
/// corpus of good and bad manifests the schema refuses only what certform refuses, and is weaker
/// only where JSON Schema cannot express a rule (CSR checks, defaults, cross-field domains, dates
/// relative to today). Runs Python's jsonschema, the validator editors' tooling is built on (from
/// the .venv that scripts/install-test-tools.sh makes). WorkflowSchemaTests checks the shipped
/// manifests with check-jsonschema too.
@Suite struct SchemaTests {
    static let schema = CLI.root + "/schema/certform-manifest.schema.json"
    static let corpus = CLI.root + "/Tests/Corpus/schema"
    static let files = ((try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()

    @Test func shippedExamplesValidate() throws {
        for file in ["example-com.yaml", "wildcard.yaml", "example-org.yaml"] {
            let text = try String(contentsOfFile: CLI.root + "/manifests/" + file, encoding: .utf8)
            let verdicts = try Self.schemaVerdicts(text)
            #expect(verdicts.allSatisfy { $0 == "valid" }, "\(file): \(verdicts)")
        }
    }

    @Test(arguments: files)
    func schemaAndValidateAgree(_ file: String) throws {
        let text = try String(contentsOfFile: Self.corpus + "/" + file, encoding: .utf8)
        let header = try #require(text.split(separator: "\n").first)
        let expectSchemaValid = header.contains("schema=valid")
        let expectCertformValid = header.contains("certform=valid")
        // Never stronger than certform: whatever certform accepts, the schema accepts.
        #expect(!(expectCertformValid && !expectSchemaValid), "\(file): the corpus itself expects the schema to be stronger")
        let verdicts = try Self.schemaVerdicts(text)
        let schemaValid = verdicts.allSatisfy { $0 == "valid" }
        #expect(schemaValid == expectSchemaValid, "\(file): schema says \(verdicts)")

        let dir = TemporaryDirectory()
        dir.write("csr/good.csr", TestCSR.make(commonName: "example.com", sans: ["example.com"]))
        dir.write("manifests/" + file, text)
        let result = try CLI.run(["validate", "--manifests", "manifests"], in: dir.path)
        #expect((result.status == 0) == expectCertformValid, "\(file): certform says \(result.stderr)")
    }

    /// Each document of `text`, typed as YAML 1.2's core schema (as editors read it), judged by
    /// the schema.
    static func schemaVerdicts(_ text: String) throws -> [String] {
        let documents = try YAMLParser.parse(text).documents.map(json)
        let dir = TemporaryDirectory()
        let path = dir.write("documents.json", JSONWriter.compact(.array(documents)))
        let python = TestTools.python
        let result = try Subprocess.run(python.path, python.prefix + [CLI.root + "/Tests/Corpus/schema_check.py", schema, path])
        guard result.status == 0 else {
            throw CLIError("schema_check.py failed (run `bash scripts/install-test-tools.sh`, which installs jsonschema into .venv): \(result.stderr)")
        }
        return result.stdout.split(separator: "\n").map(String.init)
    }

    static func json(_ node: YAMLNode) -> JSONValue {
        switch node.kind {
        case .mapping(let pairs):
            var object: [String: JSONValue] = [:]
            for pair in pairs { object[pair.key.scalarValue ?? ""] = json(pair.value) }
            return .object(object)
        case .sequence(let items):
            return .array(items.map(json))
        case .scalar(let value, _):
            if node.isExplicitString { return .string(value) }
            if node.isNull { return .null }
            if ["true", "True", "TRUE"].contains(value) { return .bool(true) }
            if ["false", "False", "FALSE"].contains(value) { return .bool(false) }
            if value.range(of: #"^[-+]?[0-9]+$"#, options: .regularExpression) != nil, let number = Int(value) { return .int(number) }
            if value.range(of: #"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$"#, options: .regularExpression) != nil, let number = Double(value) {
                return .double(number)
            }
            return .string(value)
        }
    }
}
