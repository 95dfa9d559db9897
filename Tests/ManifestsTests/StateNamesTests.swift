import CertCentralAPI
import Crypto
import Foundation
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

/// Many files read side by side (``ManifestLoader/readSideBySide(_:directory:asOf:names:hasher:fileRead:)``):
/// whenever the names come — before the first file, after some, after the last, or not at all —
/// every certificate of a file read before them is given them by the end of the read (not only
/// by the check), and the files' digest is the one they have read one by one.
@Suite struct SideBySideNamesTests {
    static let files = 12, perFile = StateNamesTests.count / 12

    /// `files` manifests of `perFile` certificates each: the certificates of ``StateNamesTests``.
    static func repository() -> TemporaryDirectory {
        let dir = TemporaryDirectory()
        let header = ["apiVersion: certform/v1", "defaults:", "  product: ssl_dv_geotrust", "  validity_years: 1",
                      "  dcv_method: dns-txt-token", "certificates:"]
        for file in 0..<files {
            var lines = header
            for index in file * perFile..<(file + 1) * perFile {
                lines += ["  c\(index):", "    common_name: h\(index).example.com", "    dns_names: [a\(index).example.com]",
                          "    csr_file: ../csr/c\(index).csr"]
            }
            dir.write("manifests/group-\(file < 10 ? "0" : "")\(file).yaml", lines.joined(separator: "\n") + "\n")
        }
        return dir
    }

    /// -1: before the first file; k: once k + 1 files are read; nil: never.
    @Test(arguments: [-1, 0, 3, 7, files - 1, nil] as [Int?])
    func everyFileReadBeforeTheNamesCameIsGivenThem(comingAfter: Int?) throws {
        let dir = Self.repository()
        let loader = ManifestLoader(directory: dir.path + "/manifests", asOf: Kit.asOf, checksCSRs: false, keepsCSRText: false)
        let listing = loader.listManifestFiles()
        try #require(listing.files.count == Self.files)
        let names = StateNames()
        if comingAfter == -1 { names.provide { StateNamesTests.records[$0] } }
        let read = Mutex(0)
        var hasher = SHA256()
        let result = ManifestLoader.readSideBySide(listing.files, directory: loader.directory, asOf: Kit.asOf, names: names, hasher: &hasher) {
            if read.withLock({ $0 += 1; return $0 }) == (comingAfter ?? -2) + 1 { names.provide { StateNamesTests.records[$0] } }
        }
        #expect(read.withLock { $0 } == Self.files)
        #expect(result.files.allSatisfy { $0.diagnostics.isEmpty })
        let specs = result.files.flatMap(\.certificates)
        if comingAfter == nil {
            #expect(result.namesDueFrom == 0)
            #expect(specs.count == StateNamesTests.count)
            #expect(specs.allSatisfy { spec in !(StateNamesTests.records[spec.name].map(spec.names.sharesBlock(with:)) ?? false) })
        } else {
            #expect(result.namesDueFrom == Self.files)
            StateNamesTests.expectShared(specs)
        }
        // The same digest as the files hashed one by one, in order.
        var alone = SHA256()
        for found in listing.files {
            ManifestLoader.update(&alone, with: Array(found.relative.utf8))
            ManifestLoader.update(&alone, with: Array(try Data(contentsOf: URL(fileURLWithPath: found.realPath))))
        }
        #expect(Array(hasher.finalize()) == Array(alone.finalize()))
    }

    /// The files read before the names came are given them by the first core to begin a file
    /// after they came, not at the end of the read (which gives the same names, but holds the
    /// files' own copies of them until then: the peak of a lean plan). Every certificate's names
    /// are looked up before the last file is read — those of a file read with the names by its
    /// reader, the others when they are given them.
    @Test(arguments: [0, 1, 4])
    func theFilesReadBeforeTheNamesCameAreGivenThemBeforeTheLastIsRead(comingAfter: Int) throws {
        let dir = Self.repository()
        let loader = ManifestLoader(directory: dir.path + "/manifests", asOf: Kit.asOf, checksCSRs: false, keepsCSRText: false)
        let listing = loader.listManifestFiles()
        try #require(listing.files.count == Self.files)
        let names = StateNames()
        let read = Mutex(0), filesReadAtLookUp = Mutex<[String: Int]>([:])
        var hasher = SHA256()
        let result = ManifestLoader.readSideBySide(listing.files, directory: loader.directory, asOf: Kit.asOf, names: names, hasher: &hasher) {
            guard read.withLock({ $0 += 1; return $0 }) == comingAfter + 1 else { return }
            names.provide { name in
                let filesRead = read.withLock { $0 }
                filesReadAtLookUp.withLock { $0[name] = max($0[name] ?? 0, filesRead) }
                return StateNamesTests.records[name]
            }
        }
        StateNamesTests.expectShared(result.files.flatMap(\.certificates))
        let lookedUp = filesReadAtLookUp.withLock { $0 }
        #expect(lookedUp.count == StateNamesTests.count)
        let late = lookedUp.filter { $0.value >= Self.files }.keys.sorted()
        #expect(late.isEmpty, "looked up only once every file was read: \(late.prefix(5))")
    }
}

/// The digest of files read side by side takes each file in order, whichever core adds it and
/// whenever; files that went in already or could not be read add nothing.
@Suite struct OrderedDigestTests {
    @Test(arguments: [1, 2, 8])
    func filesAddedOutOfOrderHashAsInOrder(window: Int) {
        let count = 200
        let parts: [(String, [UInt8]?)] = (0..<count).map { index in
            ("m\(index).yaml", index % 7 == 3 ? nil : Array(repeating: UInt8(index % 251), count: (index * 37) % 300))
        }
        var expected = SHA256()
        for (relative, bytes) in parts {
            guard let bytes else { continue }
            ManifestLoader.update(&expected, with: Array(relative.utf8))
            ManifestLoader.update(&expected, with: bytes)
        }
        let digest = ManifestLoader.OrderedDigest(SHA256(), window: window)
        let next = Mutex(0)
        // Taken in order, as the readers take files, and added after a wait of each one's own.
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            while true {
                let index = next.withLock { taken in
                    defer { taken += 1 }
                    return taken
                }
                guard index < count else { return }
                usleep(UInt32((index * 7919) % 5) * 100)
                digest.add(index, relative: parts[index].0, bytes: parts[index].1)
            }
        }
        #expect(Array(digest.finish().finalize()) == Array(expected.finalize()))
        // Never more waiting than the room, and the next file, which goes in whatever the room.
        #expect(digest.mostWaiting <= window + 1)
    }
}
