import CertCentralAPI
import CertformTestSupport
import Crypto
import Dates
import Foundation
@testable import Manifests
import Testing
import YAML

@Suite struct ManifestLoaderTests {
    @Test func stringFieldsKeepScalarsAsWritten() throws {
        let fields = Kit.fields(adding: [
            "locale: no",
            "custom_fields: [{metadata_id: 12, value: 0012}, {metadata_id: 13, value: 1e3}]",
            "technical_contact: {first_name: Jim, last_name: Smith, telephone: 555-555-5555, email: jim@example.com}",
            "comments: 2026-12-01",
        ])
        let set = Kit.load(Kit.text(fields))
        #expect(Kit.errors(set).isEmpty, "\(Kit.errors(set))")
        let spec = try #require(set.certificates.first)
        #expect(spec.locale == "no")
        #expect(spec.customFields?.map(\.value) == ["0012", "1e3"])
        #expect(spec.customFields?.map(\.metadataID) == [12, 13])
        #expect(spec.technicalContact?.telephone == "555-555-5555")
        #expect(spec.comments == "2026-12-01")
    }

    /// A spec's names as the loader packs them (``CertificateNames``): dns_names as written, in
    /// order, `dns_names: []` apart from dns_names left out, and the same bytes a state record
    /// holds for the same names (what a plan compares).
    @Test(arguments: [
        ("dns_names: [b.example.com, a.example.com]", ["b.example.com", "a.example.com"] as [String]?),
        ("dns_names: []", [] as [String]?),
        (nil, nil as [String]?),
    ])
    func namesAreReadAsWritten(line: String?, expected: [String]?) throws {
        let fields = Kit.fields(replacing: "common_name", with: "common_name: www.example.com", adding: line.map { [$0] } ?? [])
        let set = Kit.load(Kit.text(fields, csrNames: ["www.example.com"] + (expected ?? [])))
        #expect(Kit.errors(set).isEmpty, "\(Kit.errors(set))")
        let spec = try #require(set.certificates.first)
        #expect(spec.commonName == "www.example.com" && spec.dnsNames == expected)
        #expect(spec.allNames == ["www.example.com"] + (expected ?? []))
        #expect(spec.names.hasSameBytes(as: CertificateNames(commonName: "www.example.com", dnsNames: expected ?? [])))
    }

    @Test func defaultsApplyKeyByKeyAndMappingsAreReplacedWhole() throws {
        let csr = TestCSR.indented(Kit.csr(["a.example.com"]), by: 6)
        let text = """
        apiVersion: certform/v1
        defaults:
          product: ssl_dv_rapidssl
          validity_years: 2
          dcv_method: dns-txt-token
          technical_contact: {first_name: Jim, last_name: Smith, telephone: "1", job_title: Admin, email: jim@example.com}
        certificates:
          a:
            common_name: a.example.com
            validity_years: 1
            technical_contact: {first_name: Ann, last_name: Lee, telephone: "2", email: ann@example.com}
            csr: |
        \(csr)
        """
        let set = Kit.load(text)
        #expect(Kit.errors(set).isEmpty, "\(Kit.errors(set))")
        let spec = try #require(set.certificates.first)
        #expect(spec.product == .sslDVRapidSSL)
        #expect(spec.validityYears == 1)
        #expect(spec.technicalContact == TechnicalContact(firstName: "Ann", lastName: "Lee", telephone: "2", jobTitle: nil, email: "ann@example.com"))
    }

    @Test func nullInACertificateUnsetsADefault() throws {
        let csr = TestCSR.indented(Kit.csr(["a.example.com"]), by: 6)
        let text = """
        apiVersion: certform/v1
        defaults: {product: ssl_dv_geotrust, validity_years: 1, dcv_method: email, comments: default note}
        certificates:
          a:
            common_name: a.example.com
            comments: ~
            csr: |
        \(csr)
        """
        let spec = try #require(Kit.load(text).certificates.first)
        #expect(spec.comments == nil)
    }

    @Test func errorsInDefaultsAreReportedOnce() {
        let text = """
        apiVersion: certform/v1
        defaults: {product: ssl_dv_geotrust, validity_years: 5, dcv_method: email}
        certificates:
          a: {common_name: a.example.com, csr: x}
          b: {common_name: b.example.com, csr: x}
        """
        let errors = Kit.errors(Kit.load(text)).filter { $0.contains("validity_years") }
        #expect(errors == ["2:54 validity_years of 'defaults' must be 1, 2 or 3 (an order lasts at most three years), found 5"])
    }

    @Test func anchorsAndMergeKeysInManifests() throws {
        let csr = TestCSR.indented(Kit.csr(["a.example.com"]), by: 6)
        let text = """
        apiVersion: certform/v1
        x-base: &base {product: ssl_dv_geotrust, validity_years: 1, dcv_method: dns-txt-token}
        x-extra: &extra {skip_approval: true, validity_years: 2}
        certificates:
          a:
            <<: [*base, *extra]
            common_name: a.example.com
            csr: |
        \(csr)
        """
        let set = Kit.load(text)
        #expect(Kit.errors(set).isEmpty, "\(Kit.errors(set))")
        let spec = try #require(set.certificates.first)
        #expect(spec.validityYears == 1)  // the earlier merged mapping wins
        #expect(spec.skipApproval == true)
    }

    @Test func apiVersionIsRequiredInEveryDocument() {
        let text = "apiVersion: certform/v1\ncertificates: {}\n---\ncertificates: {}\n---\napiVersion: certform/v2\n"
        #expect(Kit.errors(Kit.load(text)) == [
            "4:1 missing 'apiVersion: certform/v1' in this document",
            "6:13 unsupported apiVersion 'certform/v2'; this certform reads 'certform/v1'",
        ])
    }

    @Test func unknownTopLevelKeysButXKeysAreIgnored() {
        let text = "apiVersion: certform/v1\nx-anything: {a: 1}\ncertificate: {}\n"
        #expect(Kit.errors(Kit.load(text)) == [
            "3:1 unknown top-level key 'certificate'; did you mean 'certificates'?; top-level keys are apiVersion, defaults, certificates and x-…",
        ])
    }

    @Test func documentThatIsNotAMapping() {
        #expect(Kit.errors(Kit.load("- a\n- b\n")) == ["1:1 a manifest document must be a mapping with 'apiVersion' and 'certificates', found a list"])
    }

    @Test func duplicateKeyInAManifest() {
        let text = Kit.text(Kit.fields(adding: ["product: ssl_dv_rapidssl"]))
        #expect(Kit.errors(Kit.load(text)).contains("8:5 duplicate key 'product' (first defined at line 4, column 5)"))
    }

    @Test func syntaxErrorIsLocated() {
        let set = Kit.load("apiVersion: certform/v1\ncertificates:\n  a: [unclosed\n")
        #expect(set.hasErrors)
        #expect(set.diagnostics.first?.location != nil)
    }

    @Test(arguments: [
        (TestCSR.Key.rsa2048, nil),
        (TestCSR.Key.p256, nil),
        (TestCSR.Key.p384, nil),
        (TestCSR.Key.rsa1024, "the CSR's key is RSA of fewer than 2048 bits"),
        (TestCSR.Key.p521, "the CSR's key is ECDSA P-521"),
    ] as [(TestCSR.Key, String?)])
    func csrKeyTypes(key: TestCSR.Key, expected: String?) {
        let pem = TestCSR.make(commonName: "example.com", sans: ["example.com"], key: key)
        let result = CSRInspector.inspect(pem: pem, declaredNames: ["example.com"])
        switch (result, expected) {
        case (.success(let summary), nil):
            #expect(summary.names == ["example.com"])
            #expect(summary.publicKeySHA256.count == 64)
        case (.failure(let failure), .some(let fragment)):
            #expect(failure.description.contains(fragment), "\(failure)")
        default:
            Issue.record("unexpected \(result) for \(key)")
        }
    }

    @Test func csrThatDoesNotParse() {
        let set = Kit.load(Kit.text(Kit.fields(adding: ["csr: not a csr"])))
        #expect(Kit.errors(set) == ["8:10 csr of certificate 'web': the CSR does not parse: not a PEM 'CERTIFICATE REQUEST' block"])
    }

    @Test func csrWithBadSignature() {
        let result = CSRInspector.inspect(pem: TestCSR.tampered(commonName: "example.com"), declaredNames: ["example.com"])
        #expect(result == .failure(.badSignature))
    }

    @Test func samePublicKeyAndNamesGiveTheSameSummary() {
        let key = Certificate_PrivateKeyFactory.p256()
        let a = TestCSR.make(commonName: "example.com", sans: ["example.com"], privateKey: key)
        let b = TestCSR.make(commonName: "example.com", sans: ["example.com"], privateKey: key)
        let sa = try? CSRInspector.inspect(pem: a, declaredNames: ["example.com"]).get()
        let sb = try? CSRInspector.inspect(pem: b, declaredNames: ["example.com"]).get()
        #expect(sa != nil && sa == sb)
        let other = try? CSRInspector.inspect(pem: Kit.csr(["example.com"]), declaredNames: ["example.com"]).get()
        #expect(other?.publicKeySHA256 != sa?.publicKeySHA256)
    }

    @Test func diagnosticRenderingShowsLineAndCaret() {
        let diagnostic = Diagnostic.error("unknown key 'dns_name' in certificate 'example-com'; did you mean 'dns_names'?", file: "manifests/web.yaml", at: .init(line: 2, column: 7))
        var renderer = DiagnosticRenderer { _ in "certificates:\n      dns_name: [sub.example.com]\n" }
        #expect(renderer.text(diagnostic) == """
        manifests/web.yaml:2:7: error: unknown key 'dns_name' in certificate 'example-com'; did you mean 'dns_names'?
            2 |       dns_name: [sub.example.com]
              |       ^
        """)
        #expect(DiagnosticRenderer.annotation(diagnostic) == "::error file=manifests/web.yaml,line=2,col=7::unknown key 'dns_name' in certificate 'example-com'; did you mean 'dns_names'?")
    }
}

/// Directory loading: files, CSR files, names across files.
@Suite struct ManifestDirectoryTests {
    let asOf = CalendarDate("2026-11-29")!

    func manifest(_ name: String, commonName: String, csrFile: String = "../csr/a.csr") -> String {
        """
        apiVersion: certform/v1
        certificates:
          \(name):
            product: ssl_dv_geotrust
            common_name: \(commonName)
            validity_years: 1
            dcv_method: dns-txt-token
            csr_file: \(csrFile)
        """
    }

    @Test func readsFilesRecursivelyInPathOrderWithCSRFiles() throws {
        let dir = TemporaryDirectory()
        dir.write("csr/a.csr", TestCSR.make(commonName: "a.example.com", sans: ["a.example.com"]))
        dir.write("csr/b.csr", TestCSR.make(commonName: "b.example.com"))
        dir.write("manifests/z.yaml", manifest("z", commonName: "a.example.com"))
        dir.write("manifests/team/b.yml", manifest("b", commonName: "b.example.com", csrFile: "../../csr/b.csr"))
        dir.write("manifests/notes.txt", "not a manifest")
        let set = ManifestLoader(directory: dir.path + "/manifests", asOf: asOf).load()
        #expect(set.diagnostics.isEmpty, "\(set.diagnostics)")
        #expect(set.files == [dir.path + "/manifests/team/b.yml", dir.path + "/manifests/z.yaml"])
        #expect(set.certificates.map(\.name) == ["b", "z"])
        #expect(set.certificates.first?.csrFile == "../../csr/b.csr")
        #expect(set.digest.hasPrefix("sha256:"))
    }

    @Test func digestChangesWhenACSRFileChanges() {
        let dir = TemporaryDirectory()
        dir.write("csr/a.csr", TestCSR.make(commonName: "a.example.com"))
        dir.write("manifests/a.yaml", manifest("a", commonName: "a.example.com"))
        let loader = ManifestLoader(directory: dir.path + "/manifests", asOf: asOf)
        let first = loader.load().digest
        #expect(loader.load().digest == first)
        dir.write("csr/a.csr", TestCSR.make(commonName: "a.example.com"))
        #expect(loader.load().digest != first)
    }

    /// The manifests' digest, worked out here from its definition: each manifest's path and
    /// bytes, then, manifest by manifest and in their certificates' order, the first naming of
    /// each csr_file (as written) with its blob id, every part after its length. A CSR file named
    /// twice in one manifest counts once there, and again in another manifest that names it.
    @Test func theDigestIsOfEachManifestThenEachCSRFileOncePerManifest() throws {
        let dir = TemporaryDirectory()
        dir.write("csr/a.csr", TestCSR.make(commonName: "a.example.com"))
        dir.write("csr/b.csr", TestCSR.make(commonName: "b.example.com"))
        let one = manifest("a1", commonName: "a.example.com") + "\n" + manifest("a2", commonName: "a.example.com").split(separator: "\n").dropFirst(2).joined(separator: "\n")
            + "\n" + manifest("b1", commonName: "b.example.com", csrFile: "../csr/b.csr").split(separator: "\n").dropFirst(2).joined(separator: "\n")
            + "\n" + manifest("b2", commonName: "b.example.com", csrFile: "../csr/./b.csr").split(separator: "\n").dropFirst(2).joined(separator: "\n") + "\n"
        let two = manifest("z", commonName: "a.example.com") + "\n"
        dir.write("manifests/one.yaml", one)
        dir.write("manifests/two.yaml", two)
        let set = ManifestLoader(directory: dir.path + "/manifests", asOf: asOf).load()
        #expect(set.certificates.map(\.name) == ["a1", "a2", "b1", "b2", "z"], "\(set.diagnostics)")
        var expected = SHA256()
        func add(_ bytes: [UInt8]) {
            withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { expected.update(bufferPointer: $0) }
            expected.update(data: bytes)
        }
        func blob(_ path: String) -> [UInt8] {
            Array(CSRBytesDigest(of: FileManager.default.contents(atPath: dir.path + "/" + path)!).hex.utf8)
        }
        for (name, text) in [("one.yaml", one), ("two.yaml", two)] {
            add(Array(name.utf8))
            add(Array(text.utf8))
        }
        // Each manifest by its path in the manifests directory, as the manifests are hashed.
        let (first, second) = ("one.yaml", "two.yaml")
        for (file, written, path) in [(first, "../csr/a.csr", "csr/a.csr"), (first, "../csr/b.csr", "csr/b.csr"),
                                      (first, "../csr/./b.csr", "csr/b.csr"), (second, "../csr/a.csr", "csr/a.csr")] {
            add(Array(file.utf8))
            add(Array(written.utf8))
            add(blob(path))
        }
        #expect(set.digest == "sha256:" + expected.finalize().map { String(format: "%02x", $0) }.joined())
    }

    /// The digest is of the files, not of how `--manifests` spells their directory: a plan saved
    /// with one spelling is not stale when applied with another. Another CSR still gives
    /// another digest.
    @Test func theDigestIsTheSameHoweverTheDirectoryIsSpelled() throws {
        let dir = TemporaryDirectory()
        dir.write("csr/a.csr", TestCSR.make(commonName: "a.example.com"))
        dir.write("manifests/one.yaml", manifest("a", commonName: "a.example.com") + "\n")
        dir.write("manifests/sub/two.yaml", manifest("b", commonName: "a.example.com", csrFile: "../../csr/a.csr") + "\n")
        func digest(_ directory: String) -> String {
            let set = ManifestLoader(directory: directory, asOf: asOf).load()
            #expect(set.certificates.count == 2, "\(directory): \(set.diagnostics)")
            #expect(set.csrCounts.read == 2, "\(directory): both CSR files in the digest")
            return set.digest
        }
        let plain = digest(dir.path + "/manifests")
        for spelling in [dir.path + "/manifests/", dir.path + "/./manifests", dir.path + "/csr/../manifests", dir.path + "//manifests"] {
            #expect(digest(spelling) == plain, "\(spelling)")
        }
        dir.write("csr/a.csr", TestCSR.make(commonName: "a.example.com"))
        #expect(digest(dir.path + "/./manifests") != plain, "another CSR, another digest")
    }

    /// A manifest's path within the directory, from the path diagnostics show (``ManifestLoader/shownPath(_:directory:)``
    /// undone) for every way the directory may be written; a path outside it is kept whole.
    @Test(arguments: [
        (".", "web.yaml"), ("manifests", "web.yaml"), ("./manifests", "sub/web.yaml"), ("manifests/", "web.yaml"),
        ("/", "web.yaml"), ("/repo/manifests", "t\u{E9}am/web.yaml"), ("/repo/m", "web.yaml"), ("m/.", "web.yaml"),
    ])
    func aManifestsPathInItsDirectoryIsTheShownPathUndone(directory: String, relative: String) {
        #expect(ManifestLoader.pathInDirectory(ManifestLoader.shownPath(relative, directory: directory), directory: directory) == relative)
    }

    @Test func aPathOutsideTheDirectoryIsKeptWhole() {
        for (shown, directory) in [("/repo/manifests2/web.yaml", "/repo/manifests"), ("m.yaml", "manifests"), ("manifests", "manifests"),
                                   ("manifests/", "manifests")] {
            #expect(ManifestLoader.pathInDirectory(shown, directory: directory) == shown, "\(shown)")
        }
    }

    /// The same definition over more CSR files than one batch of CSR checks (4,096), a csr_file
    /// named again in a later batch (counted once), and one written without a directory.
    @Test func theDigestCoversCSRFilesAcrossBatches() throws {
        let dir = TemporaryDirectory()
        var text = "apiVersion: certform/v1\ncertificates:\n"
        var named: [String] = []
        for index in 0..<4_100 {
            let written = index == 4_099 ? "../csr/n0.csr" : index == 4_098 ? "bare.csr" : "../csr/n\(index).csr"
            if index < 4_098 { dir.write("csr/n\(index).csr", "csr \(index)\n") } else if index == 4_098 { dir.write("manifests/bare.csr", "bare\n") }
            text += "  c\(index):\n    product: ssl_dv_geotrust\n    common_name: c\(index).example.com\n    validity_years: 1\n"
                + "    dcv_method: dns-txt-token\n    csr_file: \(written)\n"
            named.append(written)
        }
        dir.write("manifests/all.yaml", text)
        let set = ManifestLoader(directory: dir.path + "/manifests", asOf: asOf, checksCSRs: false).load()
        #expect(set.certificates.count == 4_100, "\(set.diagnostics.prefix(3))")
        var expected = SHA256()
        func add(_ bytes: [UInt8]) {
            withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { expected.update(bufferPointer: $0) }
            expected.update(data: bytes)
        }
        add(Array("all.yaml".utf8))
        add(Array(text.utf8))
        let file = "all.yaml"
        for written in named.dropLast() {
            let path = dir.path + (written == "bare.csr" ? "/manifests/bare.csr" : "/" + written.dropFirst(3))
            add(Array(file.utf8))
            add(Array(written.utf8))
            add(Array(CSRBytesDigest(of: FileManager.default.contents(atPath: path)!).hex.utf8))
        }
        #expect(set.digest == "sha256:" + expected.finalize().map { String(format: "%02x", $0) }.joined())
    }

    @Test func missingCSRFile() {
        let dir = TemporaryDirectory()
        let path = dir.write("manifests/a.yaml", manifest("a", commonName: "a.example.com", csrFile: "../csr/missing.csr"))
        let set = ManifestLoader(directory: dir.path + "/manifests", asOf: asOf).load()
        #expect(set.diagnostics.map(\.headline) == ["\(path):8:15: error: cannot read csr_file '../csr/missing.csr' of certificate 'a': '\(dir.path)/csr/missing.csr' does not exist"])
    }

    @Test func nameDefinedTwiceNamesBothPlaces() {
        let dir = TemporaryDirectory()
        dir.write("csr/a.csr", TestCSR.make(commonName: "a.example.com"))
        let first = dir.write("manifests/1.yaml", manifest("same", commonName: "a.example.com"))
        let second = dir.write("manifests/2.yaml", manifest("same", commonName: "a.example.com"))
        let set = ManifestLoader(directory: dir.path + "/manifests", asOf: asOf).load()
        #expect(set.diagnostics.filter { $0.severity == .error }.map(\.headline) == [
            "\(first):3:3: error: certificate 'same' is defined twice: also at \(second):3:3",
            "\(second):3:3: error: certificate 'same' is defined twice: also at \(first):3:3",
        ])
        #expect(set.certificates.isEmpty)
    }

    /// Among thousands, each certificate whose common name an earlier one has is named with the
    /// first that had it, in the order the certificates come.
    @Test func sharedCommonNamesAmongThousandsNameTheFirstHolder() {
        let specs = (0..<5_000).map { index in
            CertificateSpec(name: "c\(index)", product: .sslDVGeoTrust, commonName: "n\(index % 1_700 * 7 % 1_700).example.com",
                            csr: "", dcvMethod: .dnsTXTToken)
        }
        var diagnostics: [Diagnostic] = []
        ManifestLoader.warnAboutSharedCommonNames(in: specs, diagnostics: &diagnostics)
        var first: [String: String] = [:]
        var expected: [String] = []
        for spec in specs {
            if let other = first[spec.commonName] {
                expected.append("certificates '\(other)' and '\(spec.name)' both have common_name '\(spec.commonName)' (a likely duplicate purchase)")
            } else {
                first[spec.commonName] = spec.name
            }
        }
        #expect(expected.count == 3_300)
        #expect(diagnostics.map(\.message) == expected)
    }

    /// Repeated keys are found as a dictionary of first places finds them, whether the hashes are
    /// worked out on every core (10,000 keys) or on this thread (500), and when different keys
    /// share a hash (one of 256 here: only `equal` tells them apart then).
    @Test(arguments: [(10_000, false), (10_000, true), (500, false), (500, true)])
    func repeatedKeysAreThoseADictionaryFinds(count: Int, collides: Bool) {
        let keys = (0..<count).map { "k\($0 * 7 % (count * 2 / 3))" }
        var found: [[Int]] = []
        RepeatedKeys.forEach(count: count, hash: { collides ? (keys[$0].hashValue & 0xFF) * 127 : keys[$0].hashValue }, equal: { keys[$0] == keys[$1] }) {
            found.append([$0, $1])
        }
        var first: [String: Int] = [:], expected: [[Int]] = []
        for (position, key) in keys.enumerated() {
            if let earlier = first[key] { expected.append([position, earlier]) } else { first[key] = position }
        }
        #expect(!expected.isEmpty)
        #expect(found == expected)
    }

    /// Among thousands in several files, each name defined again is reported at both places, in
    /// the order the certificates come, as a dictionary of first places reports them (files
    /// without certificates among them: a position is found in its file by where each file starts).
    @Test func namesDefinedTwiceAmongThousandsAreReportedAtBothPlaces() {
        var parts = (0..<7).map { part in
            (0..<700).map { index in
                CertificateSpec(name: "c\((part * 700 + index) * 13 % 3_000)", file: "m\(part).yaml",
                                location: YAML.SourceLocation(line: index + 1, column: 3), product: .sslDVGeoTrust,
                                commonName: "a.example.com", csr: "", dcvMethod: .dnsTXTToken)
            }
        }
        parts.insert([], at: 0)
        parts.insert([], at: 4)
        parts.append([])
        var diagnostics: [Diagnostic] = []
        let duplicated = ManifestLoader.duplicateNames(in: parts, diagnostics: &diagnostics)
        var first: [String: CertificateSpec] = [:]
        var expected: [String] = []
        for spec in parts.joined() {
            guard let other = first[spec.name] else { first[spec.name] = spec; continue }
            expected.append("\(spec.file):\(spec.location): certificate '\(spec.name)' is defined twice: also at \(other.file):\(other.location)")
            expected.append("\(other.file):\(other.location): certificate '\(spec.name)' is defined twice: also at \(spec.file):\(spec.location)")
        }
        #expect(duplicated.count == 1_900 && expected.count == 3_800)
        #expect(diagnostics.map { "\($0.file):\($0.location.map(String.init(describing:)) ?? ""): \($0.message)" } == expected)
    }

    @Test func sameCommonNameIsAWarning() {
        let dir = TemporaryDirectory()
        dir.write("csr/a.csr", TestCSR.make(commonName: "a.example.com"))
        dir.write("manifests/1.yaml", manifest("one", commonName: "a.example.com"))
        let second = dir.write("manifests/2.yaml", manifest("two", commonName: "a.example.com"))
        let set = ManifestLoader(directory: dir.path + "/manifests", asOf: asOf).load()
        #expect(!set.hasErrors)
        #expect(set.diagnostics.map(\.headline) == ["\(second):3:3: warning: certificates 'one' and 'two' both have common_name 'a.example.com' (a likely duplicate purchase)"])
        #expect(set.certificates.count == 2)
    }

    /// The checks after the read take each file's names, common names, validity and order as
    /// its reader worked them out (``CheckKeys``): read side by side or one by one, certificates
    /// read with an error or whose CSR cannot be read are left out before common names are
    /// compared (a shared one is reported between the valid ones only, across the left-out ones),
    /// and names out of order — within a file, or only from one file to the next — come out sorted.
    @Test(arguments: [true, false], [["x", "m", "n"], ["m", "n", "x"]])
    func theChecksAfterTheReadFollowEachFilesKeys(sideBySide: Bool, firstFile: [String]) {
        let checks = ChecksAfterTheRead()
        checks.write("1.yaml", firstFile.map { checks.entry($0) })
        let second = checks.write("2.yaml", [checks.entry("b", product: "nope"), checks.entry("d", csr: "missing"), checks.entry("e"), checks.entry("f")])
        checks.write("3.yaml", [checks.entry("a")])
        let set = checks.load(sideBySide: sideBySide)
        #expect(set.certificates.map(\.name) == ["a", "e", "f", "m", "n", "x"])
        #expect(set.diagnostics.filter { $0.severity == .warning }.map(\.headline) == [
            "\(second):15:3: warning: certificates 'm' and 'e' both have common_name 'shared.example.com' (a likely duplicate purchase)",
        ])
        #expect(set.diagnostics.filter { $0.severity == .error }.count == 2)
    }

    /// Each way a certificate becomes invalid leaves it out on its own — read with an error, or a
    /// CSR file that cannot be read — and the shared common name after it is still reported.
    @Test(arguments: [true, false], [false, true])
    func eachKindOfInvalidCertificateIsLeftOutAlone(sideBySide: Bool, readWithAnError: Bool) {
        let checks = ChecksAfterTheRead()
        checks.write("1.yaml", [checks.entry("m")])
        let invalid = readWithAnError ? checks.entry("d", product: "nope") : checks.entry("d", csr: "missing")
        let second = checks.write("2.yaml", [invalid, checks.entry("e")])
        let set = checks.load(sideBySide: sideBySide)
        #expect(set.certificates.map(\.name) == ["e", "m"])
        #expect(set.diagnostics.filter { $0.severity == .warning }.map(\.headline) == [
            "\(second):9:3: warning: certificates 'm' and 'e' both have common_name 'shared.example.com' (a likely duplicate purchase)",
        ])
        #expect(set.diagnostics.filter { $0.severity == .error }.count == 1)
    }

    /// Names out of order within one file come out sorted when the files themselves follow each
    /// other in order.
    @Test(arguments: [true, false])
    func namesOutOfOrderWithinAFileComeOutSorted(sideBySide: Bool) {
        let checks = ChecksAfterTheRead()
        checks.write("1.yaml", [checks.entry("c"), checks.entry("b")])
        checks.write("2.yaml", [checks.entry("d")])
        let set = checks.load(sideBySide: sideBySide)
        #expect(set.diagnostics.isEmpty, "\(set.diagnostics)")
        #expect(set.certificates.map(\.name) == ["b", "c", "d"])
    }

    /// Manifests for the checks after the read: entries `m`, `d` and `e` share a common name;
    /// each entry has a CSR file of its own unless told otherwise.
    struct ChecksAfterTheRead {
        let dir = TemporaryDirectory()
        let commonNames = ["m": "shared.example.com", "d": "shared.example.com", "e": "shared.example.com"]

        func entry(_ name: String, product: String = "ssl_dv_geotrust", csr: String? = nil) -> String {
            let commonName = commonNames[name] ?? "\(name).example.com"
            if csr == nil { dir.write("csr/\(name).csr", TestCSR.make(commonName: commonName)) }
            return """
              \(name):
                product: \(product)
                common_name: \(commonName)
                validity_years: 1
                dcv_method: dns-txt-token
                csr_file: ../csr/\(csr ?? name).csr

            """
        }

        @discardableResult
        func write(_ file: String, _ entries: [String]) -> String {
            dir.write("manifests/" + file, "apiVersion: certform/v1\ncertificates:\n" + entries.joined())
        }

        func load(sideBySide: Bool) -> ManifestSet {
            let loader = ManifestLoader(directory: dir.path + "/manifests", asOf: CalendarDate("2026-11-29")!)
            return loader.check(loader.read(sideBySide: sideBySide))
        }
    }

    /// CSRs are checked a batch at a time, and each batch's outcomes counted, hashed and reported
    /// on a queue of their own beside the next batch's inspection. With batches of 7 — several per
    /// file, cut anywhere, the queue behind by any number — the set is the one that batches of
    /// 4,096 give: certificates, messages, digest and counts. CSR files that cannot be read, that
    /// name another certificate's names, and one named by many certificates of a manifest (hashed
    /// once there) are among them.
    @Test(arguments: [true, false])
    func csrBatchesOfAnySizeGiveTheSameSet(sideBySide: Bool) throws {
        let checks = ChecksAfterTheRead()
        let first = (0..<150).map { index in
            checks.entry("c\(index)", csr: index % 23 == 5 ? "missing\(index)" : index % 31 == 7 ? "c0" : nil)
        }
        checks.write("1.yaml", first)
        checks.write("2.yaml", (150..<190).map { checks.entry("c\($0)") })
        checks.write("3.yaml", [checks.entry("z")])
        func load(batch: Int) -> ManifestSet {
            var loader = ManifestLoader(directory: checks.dir.path + "/manifests", asOf: CalendarDate("2026-11-29")!)
            loader.csrBatch = batch
            return loader.check(loader.read(sideBySide: sideBySide))
        }
        let whole = load(batch: ManifestLoader.csrBatchSize), small = load(batch: 7)
        let missing = (0..<150).filter { $0 % 23 == 5 }.count, others = (0..<150).filter { $0 % 23 != 5 && $0 % 31 == 7 }.count
        #expect(whole.diagnostics.filter { $0.severity == .error }.count == missing + others)
        #expect(whole.certificates.count == 191 - missing - others)
        #expect(small.digest == whole.digest)
        #expect(small.certificates.map { "\($0)" } == whole.certificates.map { "\($0)" })
        #expect(small.diagnostics.map(\.headline) == whole.diagnostics.map(\.headline))
        #expect("\(small.csrCounts)" == "\(whole.csrCounts)")
        #expect(whole.csrCounts.read == 191 - missing)
    }

    /// What a file's reader works out for the checks after the read, on this thread (a file of a
    /// few certificates) and on every core (5,000), is what each spec says.
    @Test(arguments: [7, 5_000])
    func checkKeysAreWhatEachSpecSays(count: Int) {
        let specs = (0..<count).map { index in
            var spec = CertificateSpec(name: "c\(index % 3 == 2 && index > count / 2 ? index - 2 : index)", product: .sslDVGeoTrust,
                                       commonName: "n\(index % 5).example.com", csr: "", dcvMethod: .dnsTXTToken)
            spec.isValid = index % 4 != 1
            return spec
        }
        let keys = CheckKeys(of: specs)
        #expect(keys.names == specs.map { UInt32(truncatingIfNeeded: $0.name.hashValue) })
        #expect(keys.commonNames == specs.map { UInt32(truncatingIfNeeded: $0.names.commonNameBytesHash) })
        #expect(keys.invalid == specs.count { !$0.isValid } && keys.invalid > 0)
        #expect(keys.inOrder == specs.indices.dropFirst().allSatisfy { specs[$0 - 1].name < specs[$0].name })
        #expect(!keys.inOrder)
        let ordered = CheckKeys(of: specs.sorted { $0.name < $1.name }.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
        #expect(ordered.inOrder)
    }

    @Test func emptyFileIsAWarning() {
        let dir = TemporaryDirectory()
        let path = dir.write("manifests/empty.yaml", "")
        let set = ManifestLoader(directory: dir.path + "/manifests", asOf: asOf).load()
        #expect(set.diagnostics.map(\.headline) == ["\(path): warning: this file holds no YAML documents"])
        #expect(!set.hasErrors)
    }

    @Test func directoryWithoutManifestsIsAnError() {
        let dir = TemporaryDirectory()
        dir.write("manifests/readme.txt", "x")
        let set = ManifestLoader(directory: dir.path + "/manifests", asOf: asOf).load()
        #expect(set.diagnostics.map(\.message) == ["no manifest files (*.yaml, *.yml) in this directory"])
        #expect(set.hasErrors)
        let missing = ManifestLoader(directory: dir.path + "/nowhere", asOf: asOf).load()
        #expect(missing.diagnostics.first?.message.contains("does not exist") == true)
    }

    @Test func fileThatIsNotUTF8() {
        let dir = TemporaryDirectory()
        let path = dir.write("manifests/latin1.yaml", Data([0x61, 0x3A, 0x20, 0x63, 0x61, 0x66, 0xE9, 0x0A]))
        let set = ManifestLoader(directory: dir.path + "/manifests", asOf: asOf).load()
        #expect(set.hasErrors)
        #expect(set.diagnostics.first?.file == path)
        #expect(set.diagnostics.first?.message.contains("UTF-8") == true)
        #expect(set.diagnostics.first?.location != nil)
    }
}
