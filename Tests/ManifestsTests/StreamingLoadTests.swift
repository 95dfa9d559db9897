import CertformTestSupport
import Dates
import Foundation
@testable import Manifests
import Testing
import YAML

/// The loader decodes the entries of `certificates` while libyaml is still parsing, on a second
/// thread. These tests hold it to the same answers as reading each file as one tree.
@Suite struct StreamingLoadTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Specs and diagnostics, in a form that compares every field.
    static func summary(_ result: (certificates: [CertificateSpec], diagnostics: [Diagnostic])) -> [String] {
        result.certificates.map { "\($0.isValid) \($0)" } + result.diagnostics.sorted().map { "\($0)" }
    }

    static func sameAsWholeTree(_ bytes: [UInt8], file: String) {
        let streamed = ManifestLoader.read(bytes: bytes, file: file, asOf: Kit.asOf)
        let whole = ManifestLoader.readWhole(bytes: bytes, file: file, asOf: Kit.asOf)
        #expect(summary(streamed) == summary(whole), "\(file)")
    }

    @Test func everyShippedAndCorpusManifestReadsAsAWholeTreeDoes() throws {
        var files: [String] = []
        for folder in ["manifests", "Tests/Corpus/broken", "Tests/Corpus/schema"] {
            let directory = Self.root.appendingPathComponent(folder).path
            for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                files.append("\(directory)/\(name)")
            }
        }
        #expect(files.count > 60)
        for file in files {
            let bytes = try #require(FileManager.default.contents(atPath: file))
            Self.sameAsWholeTree([UInt8](bytes), file: file)
        }
    }

    /// The keys the decoder works out as it makes each certificate (``CheckKeys``) are those of
    /// the certificates the file comes to — on the decoding thread or inline — for every shipped
    /// and corpus manifest, and for one whose names are out of order and some entries invalid;
    /// when the certificates are not just the decoder's (two documents), none are handed over.
    @Test(arguments: [true, false])
    func theDecodersKeysAreThoseOfTheCertificates(decodesOnThread: Bool) throws {
        var texts: [(String, [UInt8])] = []
        for folder in ["manifests", "Tests/Corpus/broken", "Tests/Corpus/schema"] {
            let directory = Self.root.appendingPathComponent(folder).path
            for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                texts.append((name, [UInt8](try #require(FileManager.default.contents(atPath: "\(directory)/\(name)")))))
            }
        }
        let entries = (0..<300).map { index in
            "  c\(index * 7 % 300):\n    common_name: n\(index % 40).example.com\n    product: \(index % 9 == 4 ? "nope" : "ssl_dv_geotrust")\n"
        }
        let document = "apiVersion: certform/v1\ndefaults: {validity_years: 1, dcv_method: dns-txt-token, csr: x}\ncertificates:\n"
        texts.append(("generated.yaml", Array((document + entries.joined()).utf8)))
        texts.append(("two.yaml", Array((document + entries[..<150].joined() + "---\n" + document + entries[150...].joined()).utf8)))
        var handedOver = 0
        for (name, bytes) in texts {
            let read = ManifestLoader.readWithKeys(bytes: bytes, file: name, asOf: Kit.asOf, decodesOnThread: decodesOnThread, names: nil)
            guard let keys = read.keys else { continue }
            handedOver += 1
            #expect(keys == CheckKeys(of: read.certificates), "\(name)")
            if name == "generated.yaml" { #expect(!keys.inOrder && keys.invalid > 0 && keys.names.count == 300) }
        }
        #expect(handedOver > 20)
        #expect(ManifestLoader.readWithKeys(bytes: texts.last!.1, file: "two.yaml", asOf: Kit.asOf, decodesOnThread: decodesOnThread, names: nil).keys == nil)
    }

    @Test func aSpecPrintsWithItsSettings() throws {
        // `locale` is one of the settings held apart (OrderSettings.Rare): it must print too, or
        // the comparisons above would not see it.
        let text = "apiVersion: certform/v1\ncertificates:\n  a: {product: ssl_dv_geotrust, common_name: a.example.com, csr_file: a.csr, dcv_method: email, validity_years: 2, comments: seen in tests, locale: de}\n"
        let spec = try #require(ManifestLoader.read(bytes: Array(text.utf8), file: "a.yaml", asOf: Kit.asOf).certificates.first)
        let printed = "\(spec)"
        #expect(printed.contains("comments: Optional(\"seen in tests\")") && printed.contains("validityYears: Optional(2)"), "\(printed)")
        #expect(printed.contains("locale: Optional(\"de\")"), "\(printed)")
        var summarized = spec
        summarized.csrSummary = CSRSummary(publicKeySHA256: "k", names: ["a.example.com"], keyDescription: "ECDSA P-256")
        #expect("\(summarized)".contains("keyDescription: \"ECDSA P-256\""), "\(summarized)")
    }

    /// A key of `certificates` written twice in two Unicode spellings (é as one character, then as
    /// e and a combining accent) is one key written twice, streamed as in a whole tree.
    @Test func aNameWrittenTwiceInTwoUnicodeSpellingsIsADuplicateKeyStreamedOrWhole() {
        let text = "apiVersion: certform/v1\ncertificates:\n  \"caf\u{E9}\": {product: ssl_dv_geotrust, common_name: a.example.com, csr: x, dcv_method: email}\n  \"cafe\u{301}\": {product: ssl_dv_geotrust, common_name: b.example.com, csr: x, dcv_method: email}\n"
        Self.sameAsWholeTree(Array(text.utf8), file: "unicode.yaml")
        let streamed = ManifestLoader.read(bytes: Array(text.utf8), file: "unicode.yaml", asOf: Kit.asOf)
        #expect(streamed.diagnostics.contains { $0.message.hasPrefix("duplicate key") }, "\(streamed.diagnostics)")
    }

    /// Many files are read side by side, each on one core; one large file alone, with its entries
    /// decoded on a second thread. Either way gives the same certificates, diagnostics and digest.
    @Test(arguments: ["manifests", "Tests/Corpus/broken", "Tests/Corpus/schema"])
    func filesReadSideBySideGiveTheAnswerOfFilesReadOneByOne(_ folder: String) throws {
        let loader = ManifestLoader(directory: Self.root.appendingPathComponent(folder).path, asOf: Kit.asOf)
        let sideBySide = loader.check(loader.read(sideBySide: true)), oneByOne = loader.check(loader.read(sideBySide: false))
        #expect(sideBySide.files.count > 1)
        #expect(sideBySide.files == oneByOne.files)
        #expect(sideBySide.digest == oneByOne.digest)
        #expect(sideBySide.certificates.map { "\($0)" } == oneByOne.certificates.map { "\($0)" })
        #expect(sideBySide.diagnostics.map { "\($0)" } == oneByOne.diagnostics.map { "\($0)" })
        #expect(!sideBySide.certificates.isEmpty || !sideBySide.diagnostics.isEmpty)
    }

    @Test func manyCertificatesAcrossBatchesAndDocumentsKeepTheirOrder() throws {
        // More entries than one batch (256), and than the queue to the decoding thread holds
        // (4 batches: the parser waits for room), in three documents, defaults in the second.
        var lines: [String] = []
        for document in 0..<3 {
            if document > 0 { lines.append("---") }
            lines += ["apiVersion: certform/v1"]
            if document == 1 { lines += ["defaults:", "  product: ssl_dv_rapidssl", "  validity_years: 2"] }
            lines += ["certificates:"]
            let count = document == 2 ? 2_500 : 300
            for index in 0..<count {
                lines += ["  c\(document)-\(String(format: "%04d", index)):", "    common_name: h\(index).d\(document).example.com",
                          "    csr_file: x.csr", "    dcv_method: dns-txt-token"]
                if document != 1 { lines += ["    product: ssl_dv_geotrust", "    validity_years: 1"] }
                // Now and then an anchor and a tag, in buffers that later entries are recorded in.
                if index % 97 == 0 { lines += ["    comments: !!str &n\(index) note \(index)"] }
            }
        }
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        Self.sameAsWholeTree(bytes, file: "many.yaml")
        let result = ManifestLoader.read(bytes: bytes, file: "many.yaml", asOf: Kit.asOf)
        #expect(result.certificates.count == 3_100)
        #expect(result.certificates.map(\.name) == [300, 300, 2_500].enumerated().flatMap { d, count in (0..<count).map { "c\(d)-\(String(format: "%04d", $0))" } })
        #expect(result.certificates.allSatisfy { $0.isValid })
        #expect(result.certificates[300].product == .sslDVRapidSSL && result.certificates[300].validityYears == 2)
        #expect(result.certificates[97].comments == "note 97")
        // Decoded on the parsing thread, as a file read alongside others is: the same.
        let inline = ManifestLoader.read(bytes: bytes, file: "many.yaml", asOf: Kit.asOf, decodesOnThread: false)
        #expect(inline.certificates.map { "\($0)" } == result.certificates.map { "\($0)" })
        #expect(inline.diagnostics.map { "\($0)" } == result.diagnostics.map { "\($0)" })
    }

    @Test func defaultsWrittenAfterCertificatesStillApply() throws {
        let text = """
            apiVersion: certform/v1
            certificates:
              web:
                common_name: example.com
                csr_file: web.csr
            defaults:
              product: ssl_dv_geotrust
              validity_years: 1
              dcv_method: dns-txt-token
            """
        let result = ManifestLoader.read(bytes: Array(text.utf8), file: "late.yaml", asOf: Kit.asOf)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let entry = try #require(result.certificates.first)
        let spec = entry
        #expect(entry.isValid)
        #expect(spec.product == .sslDVGeoTrust && spec.validityYears == 1 && spec.dcvMethod == .dnsTXTToken)
    }

    /// On a second thread the parser records each entry and the decoding thread makes it into a
    /// tree: anchors across entries, an anchor that sends the file to be read again whole, and an
    /// error inside an entry before a syntax error later on read as one tree reads them.
    @Test(arguments: [
        "x-contacts:\n  a: &ops {first_name: Jim, last_name: Smith, telephone: '1', email: a@example.com}\n",
        "x-later: *ops\n",
        "x-later: *inner\n",
    ])
    func recordedEntriesReadAsOneTree(_ tail: String) {
        let text = """
            apiVersion: certform/v1
            x-contacts:
              a: &ops {first_name: Ana, last_name: Garcia, telephone: '2', email: b@example.com}
            defaults: {product: ssl_dv_geotrust, validity_years: 1, dcv_method: dns-txt-token}
            certificates:
              one: {common_name: one.example.com, csr: x, technical_contact: *ops, dns_names: &inner [a.one.example.com]}
              two: {common_name: two.example.com, csr: x, dns_names: *inner, colour: blue}
              one: {common_name: again.example.com, csr: x}

            """ + tail
        Self.sameAsWholeTree(Array(text.utf8), file: "recorded.yaml")
        let broken = "apiVersion: certform/v1\ncertificates:\n  one: {csr: x}\n  two: {b: *missing}\n  three: [unclosed\n"
        Self.sameAsWholeTree(Array(broken.utf8), file: "broken.yaml")
        for other in ["apiVersion: certform/v1\ncertificates:\n  one: {x: {<<: 1}, y: [unclosed\n",
                      "apiVersion: certform/v1\ncertificates:\n  one: {<<: 1}\n  two: [unclosed\n",
                      "<<: 1\ncertificates:\n  one: *nope\n",
                      "l0: &a [x, x, x, x, x, x, x, x, x, x]\nl1: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                        + "l2: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nl3: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                        + "l4: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\ncertificates:\n  one: [*e, *e, *e, *e, *e, *e, *e]\n"
                        + "x-after: [*e, *e, *e, *e, *e, *e, *e]\n",
                      String(repeating: "certificates:\n  a: {k0: &a [x, x, x, x, x, x, x, x, x, x], "
                        + "kb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a], kc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b], "
                        + "kd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c], ke: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d], "
                        + "big: [*e, *e, *e, *e, *e, *e, *e]}\n---\n", count: 3)] {
            Self.sameAsWholeTree(Array(other.utf8), file: "other.yaml")
        }
        #expect(ManifestLoader.read(bytes: Array(broken.utf8), file: "broken.yaml", asOf: Kit.asOf).diagnostics.map(\.message) == ["unknown alias '*missing'"])
    }

    @Test func aSecondCertificatesKeyIsADuplicateAndAddsNothing() throws {
        let text = """
            apiVersion: certform/v1
            defaults: {product: ssl_dv_geotrust, validity_years: 1, dcv_method: dns-txt-token, csr_file: a.csr}
            certificates:
              one: {common_name: one.example.com}
            certificates:
              two: {common_name: two.example.com}
            """
        let result = ManifestLoader.read(bytes: Array(text.utf8), file: "dup.yaml", asOf: Kit.asOf)
        #expect(result.certificates.map(\.name) == ["one"])
        #expect(result.diagnostics.map(\.message).contains { $0.hasPrefix("duplicate key 'certificates'") })
        #expect(result.diagnostics.first { $0.message.hasPrefix("duplicate key") }?.location == SourceLocation(line: 5, column: 1))
    }

    @Test func entriesOfADocumentCertformDoesNotReadAreDropped() throws {
        let text = """
            apiVersion: certform/v9
            certificates:
              web: {common_name: NOT-A-NAME}
            """
        let result = ManifestLoader.read(bytes: Array(text.utf8), file: "v9.yaml", asOf: Kit.asOf)
        #expect(result.certificates.isEmpty)
        #expect(result.diagnostics.map(\.message) == ["unsupported apiVersion 'certform/v9'; this certform reads 'certform/v1'"])
    }

    @Test func parserStreamsEntriesAndLeavesTheMappingEmptyInPlace() throws {
        let text = """
            base: &base {a: 1}
            certificates:
              x: {b: 2}
              <<: {m: 3, x: 9}
              y: *base
            other: {c: 4}
            """
        var begun: [(Int, [String])] = []
        var entries: [String] = []
        let file = try YAMLParser.parse(Array(text.utf8), streaming: YAMLStreaming(
            key: "certificates",
            begin: { document, before in begun.append((document, before.compactMap(\.key.scalarValue))) },
            entry: { _, pair in entries.append(pair.key.scalarValue ?? "?") }))
        #expect(begun.count == 1 && begun[0].0 == 0 && begun[0].1 == ["base"])
        #expect(entries == ["x", "y", "m"])  // explicit keys first, then merged ones not already present
        guard case .mapping(let root) = file.documents[0].kind,
              let certificates = root.first(where: { $0.key.scalarValue == "certificates" }),
              case .mapping(let kept) = certificates.value.kind else {
            Issue.record("no certificates mapping in \(file.documents)")
            return
        }
        #expect(kept.isEmpty)
        #expect(certificates.value.location == SourceLocation(line: 3, column: 3))
        #expect(root.map { $0.key.scalarValue } == ["base", "certificates", "other"])
    }

    @Test func anAnchoredCertificatesMappingIsNotStreamed() throws {
        let text = "certificates: &all\n  x: 1\ncopy: *all\n"
        var entries = 0
        let file = try YAMLParser.parse(Array(text.utf8), streaming: YAMLStreaming(
            key: "certificates", begin: { _, _ in }, entry: { _, _ in entries += 1 }))
        #expect(entries == 0)
        guard case .mapping(let root) = file.documents[0].kind, case .mapping(let kept) = root[1].value.kind else {
            Issue.record("unexpected tree")
            return
        }
        #expect(kept.count == 1)
    }

    @Test func keyOrdinalsFollowTheDeclarationOrder() {
        #expect(CertificateKey.allCases.map(\.ordinal) == Array(0..<CertificateKey.allCases.count))
    }
}
