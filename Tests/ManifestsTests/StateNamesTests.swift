import CertCentralAPI
import CertformTestSupport
@testable import Manifests
import Synchronization
import Testing
@testable import YAML

/// `plan` hands the state's names to the loader once it has read the state (``StateNames``), and
/// a certificate whose names are its record's bytes then holds the record's block. Whenever the
/// names come — before the first file, in the middle of one, or after the last — every such
/// certificate ends up holding the record's block, and no certificate's names change.
@Suite struct StateNamesTests {
    /// More than one batch of entries (the parser hands them over 256 at a time).
    static let count = 600

    /// A manifest of `count` certificates `c0`, `c1`, … with one DNS name each.
    static let text: String = {
        var lines = ["apiVersion: certform/v1", "defaults:", "  product: ssl_dv_geotrust", "  validity_years: 1",
                     "  dcv_method: dns-txt-token", "certificates:"]
        for index in 0..<count {
            lines += ["  c\(index):", "    common_name: h\(index).example.com", "    dns_names: [a\(index).example.com]",
                      "    csr_file: ../csr/c\(index).csr"]
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    /// Records' names as a state holds them: the same bytes as the manifest's, in blocks of their
    /// own; `c1` has other names and `c2` has no record.
    static let records: [String: CertificateNames] = {
        var records: [String: CertificateNames] = [:]
        for index in 0..<count where index != 2 {
            records["c\(index)"] = CertificateNames(commonName: "h\(index).example.com", dnsNames: ["a\(index).example.com"])
        }
        records["c1"] = CertificateNames(commonName: "h1.example.com", dnsNames: ["b1.example.com"])
        return records
    }()

    static func provided() -> StateNames {
        let names = StateNames()
        names.provide { records[$0] }
        return names
    }

    /// Each certificate holds its record's block exactly when the bytes are the same, and its
    /// names are still the manifest's.
    static func expectShared(_ specs: [CertificateSpec], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(specs.count == count, sourceLocation: sourceLocation)
        for spec in specs {
            let index = Int(spec.name.dropFirst())!
            #expect(spec.commonName == "h\(index).example.com" && spec.dnsNames == ["a\(index).example.com"], sourceLocation: sourceLocation)
            let record = records[spec.name]
            let shares = record.map(spec.names.sharesBlock(with:)) ?? false
            #expect(shares == (index != 1 && index != 2), "\(spec.name)", sourceLocation: sourceLocation)
        }
    }

    @Test func certificatesHoldTheirRecordsBlockOnlyWhenTheBytesAreTheSame() {
        let result = ManifestLoader.read(bytes: Array(Self.text.utf8), file: "m.yaml", asOf: Kit.asOf, names: Self.provided())
        #expect(result.diagnostics.isEmpty)
        Self.expectShared(result.certificates)
        // Without the names, the same certificates, each with a block of its own.
        let alone = ManifestLoader.read(bytes: Array(Self.text.utf8), file: "m.yaml", asOf: Kit.asOf)
        #expect(alone.certificates.map(\.names) == result.certificates.map(\.names))
        #expect(!alone.certificates.contains { spec in Self.records[spec.name].map(spec.names.sharesBlock(with:)) ?? false })
    }

    /// The names come while the parser is at the 300th entry, after the first batch of 256 was
    /// handed over: the certificates decoded before them are given theirs when they come, on the
    /// caller's thread (where the first batch is decoded before, every time) and on a decoding
    /// thread.
    @Test(arguments: [false, true])
    func namesThatComeMidFileReachTheCertificatesBeforeThem(decodesOnThread: Bool) {
        let names = StateNames()
        let seen = Mutex(0)
        func counted(_ body: @escaping (Int, YAMLPair) -> Void) -> (Int, YAMLPair) -> Void {
            { document, pair in
                if seen.withLock({ $0 += 1; return $0 }) == 300 { names.provide { Self.records[$0] } }
                body(document, pair)
            }
        }
        let read = ManifestLoader.read(file: "m.yaml", asOf: Kit.asOf, decodesOnThread: decodesOnThread, names: names) { streaming throws(YAMLError) in
            var streaming = streaming
            streaming.entry = counted(streaming.entry)
            if let recorded = streaming.recorded {
                streaming.recorded = { document, entry in
                    if seen.withLock({ $0 += 1; return $0 }) == 300 { names.provide { Self.records[$0] } }
                    recorded(document, entry)
                }
            }
            return try YAMLParser.parse(Array(Self.text.utf8), streaming: streaming)
        }
        guard case .read(let specs, let diagnostics, _) = read else {
            Issue.record("the file was not read as a stream: \(read)")
            return
        }
        #expect(diagnostics.isEmpty && seen.withLock { $0 } == Self.count)
        Self.expectShared(specs)
    }

    /// Two documents, the names coming in the second: the first document's certificates, done
    /// before they came, are given theirs too.
    @Test(arguments: [false, true])
    func namesThatComeInALaterDocumentReachTheEarlierOnes(decodesOnThread: Bool) {
        let lines = Self.text.split(separator: "\n", omittingEmptySubsequences: false)
        let second = lines.firstIndex { $0 == "  c300:" }!
        let header = lines.prefix { $0 != "  c0:" }
        let text = (lines[..<second] + ["---"] + header + lines[second...]).joined(separator: "\n")
        let names = StateNames()
        let seen = Mutex(0)
        let read = ManifestLoader.read(file: "m.yaml", asOf: Kit.asOf, decodesOnThread: decodesOnThread, names: names) { streaming throws(YAMLError) in
            var streaming = streaming
            let entry = streaming.entry
            streaming.entry = { document, pair in
                if seen.withLock({ $0 += 1; return $0 }) == 450 { names.provide { Self.records[$0] } }
                entry(document, pair)
            }
            if let recorded = streaming.recorded {
                streaming.recorded = { document, entry in
                    if seen.withLock({ $0 += 1; return $0 }) == 450 { names.provide { Self.records[$0] } }
                    recorded(document, entry)
                }
            }
            return try YAMLParser.parse(Array(text.utf8), streaming: streaming)
        }
        guard case .read(let specs, let diagnostics, _) = read else {
            Issue.record("the file was not read as a stream: \(read)")
            return
        }
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        Self.expectShared(specs)
    }

    /// The names coming between a reader's look (`cameNow`) and the certificate it is making:
    /// that certificate is not given them yet, and the reader's next look still finds them new,
    /// so that it gives the certificates made before theirs. (Sharing once looked for the names
    /// itself: a reader that found them there was never told they had come, and kept the
    /// certificates made before with their own blocks, as a test here once caught.)
    @Test func namesComingBetweenTheLookAndTheCertificateAreStillNewToTheNextLook() {
        let names = StateNames()
        var sharing = NameSharing(names)
        let record = Self.records["c0"]!
        var spec = CertificateSpec(name: "c0", product: .sslDVGeoTrust, commonName: "h0.example.com",
                                   dnsNames: ["a0.example.com"], csr: "", dcvMethod: .dnsTXTToken)
        let before = sharing.cameNow()
        names.provide { Self.records[$0] }
        sharing.share(&spec)
        #expect(!before && !spec.names.sharesBlock(with: record))
        let cameNow = sharing.cameNow()
        sharing.share(&spec)
        let cameAgain = sharing.cameNow()
        #expect(cameNow && !cameAgain)
        #expect(spec.names.sharesBlock(with: record))
    }

    /// A file read again as one tree (`defaults` written after `certificates`) is given the names too.
    @Test func aFileReadAsOneTreeIsGivenTheNames() {
        let lines = Self.text.split(separator: "\n", omittingEmptySubsequences: false)
        let defaults = lines.firstIndex { $0 == "defaults:" }!, certificates = lines.firstIndex { $0 == "certificates:" }!
        let text = (lines[..<defaults] + lines[certificates...] + lines[defaults..<certificates]).joined(separator: "\n") + "\n"
        let result = ManifestLoader.read(bytes: Array(text.utf8), file: "m.yaml", asOf: Kit.asOf, names: Self.provided())
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        Self.expectShared(result.certificates)
    }

    /// Names that come after every file was read are given by the check, before the set is made.
    @Test func namesThatComeAfterTheReadAreGivenByTheCheck() throws {
        let dir = TemporaryDirectory()
        dir.write("manifests/m.yaml", Self.text)
        for index in 0..<Self.count { dir.write("csr/c\(index).csr", "not read") }
        var loader = ManifestLoader(directory: dir.path + "/manifests", asOf: Kit.asOf, checksCSRs: false, keepsCSRText: false)
        let names = StateNames()
        loader.stateNames = names
        let read = loader.read()
        #expect(read.certificates.joined().allSatisfy { spec in !(Self.records[spec.name].map(spec.names.sharesBlock(with:)) ?? false) })
        names.provide { Self.records[$0] }
        // Moved into the check, as `plan` does: a spec still held elsewhere keeps its own block.
        let set = loader.check(consume read)
        #expect(set.diagnostics.filter { $0.severity == .error }.isEmpty, "\(set.diagnostics)")
        Self.expectShared(set.certificates)
    }
}
