import CertCentralAPI
import Digests
@testable import Manifests
import Testing
import YAML

/// A spec holds its fields by reference and copies them when changed while shared: a copy must
/// behave as a value, whichever field is changed and whichever of the two holders changes it.
@Suite struct SpecSharingTests {
    static func spec() -> CertificateSpec {
        var spec = CertificateSpec(name: "web", file: "manifests/a.yaml", location: SourceLocation(line: 3, column: 3),
                                   product: .sslDVGeoTrust, commonName: "web.example.com", dnsNames: ["www.example.com"],
                                   csr: "PEM", dcvMethod: .dnsTXTToken, validityYears: 1, renewBeforeDays: 30)
        spec.csrFile = "csr/web.csr"
        spec.csrLocation = SourceLocation(line: 5, column: 5)
        spec.organizationUnits = ["Ops"]
        spec.serverPlatformID = 45
        spec.movedFrom = "old-web"
        spec.comments = "shared"
        return spec
    }

    /// One change to every field a spec has, each applied to one copy.
    static let changes: [(String, @Sendable (inout CertificateSpec) -> Void)] = [
        ("name", { $0.name = "other" }),
        ("file", { $0.file = "manifests/b.yaml" }),
        ("location", { $0.location = SourceLocation(line: 9, column: 1) }),
        ("product", { $0.product = .sslDVRapidSSL }),
        ("commonName", { $0.commonName = "other.example.com" }),
        ("dnsNames", { $0.dnsNames?.append("api.example.com") }),
        ("dnsNames left out", { $0.dnsNames = nil }),
        ("dnsNames written empty", { $0.dnsNames = [] }),
        ("csr", { $0.csr = "" }),
        ("csrFile", { $0.csrFile = nil }),
        ("csrFile's directory", { $0.csrFile = "keys/web.csr" }),
        ("csrFile's name", { $0.csrFile = "csr/web2.csr" }),
        ("csrBytesDigest", { $0.csrBytesDigest = CSRBytesDigest(of: Array("other".utf8)) }),
        ("vouchedSpecDigest", { $0.vouchedSpecDigest = "sha256:" + String(repeating: "ab", count: 32) }),
        ("csrLocation", { $0.csrLocation = nil }),
        ("csrLocation moved", { $0.csrLocation = SourceLocation(line: 6, column: 5) }),
        ("organizationUnits", { $0.organizationUnits = nil }),
        ("serverPlatformID", { $0.serverPlatformID = 2 }),
        ("settings", { $0.comments = "own" }),
        ("renewBeforeDays", { $0.renewBeforeDays = 45 }),
        ("movedFrom", { $0.movedFrom = nil }),
        ("movedFrom renamed", { $0.movedFrom = "older-web" }),
        ("csrSummary", { $0.csrSummary = CSRSummary(publicKeySHA256: "00", names: ["web.example.com"], keyDescription: "RSA 2048") }),
        ("isValid", { $0.isValid = false }),
    ]

    /// Everything a spec says, as text: two specs print alike only when every field is alike.
    static func text(_ spec: CertificateSpec) -> String {
        "\(spec.name) \(spec.file) \(spec.location) \(spec.product) \(spec.commonName) \(String(describing: spec.dnsNames)) "
            + "\(spec.csr) \(String(describing: spec.csrFile)) \(String(describing: spec.csrBytesDigest)) "
            + "\(String(describing: spec.vouchedSpecDigest)) \(String(describing: spec.csrLocation)) "
            + "\(String(describing: spec.organizationUnits)) \(String(describing: spec.serverPlatformID)) "
            + "\(String(describing: spec.comments)) \(spec.renewBeforeDays) \(String(describing: spec.movedFrom)) "
            + "\(String(describing: spec.csrSummary)) \(spec.isValid)"
    }

    @Test(arguments: changes.indices)
    func changingACopyLeavesTheOriginal(_ index: Int) {
        let (field, change) = Self.changes[index]
        let original = Self.spec()
        let before = Self.text(original)
        var copy = original
        change(&copy)
        #expect(Self.text(original) == before, "changing \(field) of a copy changed the original")
        #expect(Self.text(copy) != before, "the change to \(field) did not take")
    }

    @Test(arguments: changes.indices)
    func changingTheOriginalLeavesACopy(_ index: Int) {
        let (field, change) = Self.changes[index]
        var original = Self.spec()
        let copy = original
        let before = Self.text(copy)
        change(&original)
        #expect(Self.text(copy) == before, "changing \(field) of the original changed its copy")
        #expect(Self.text(original) != before, "the change to \(field) did not take")
    }

    /// Specs in an array are changed in place, one by one, as the loader fills in CSR outcomes;
    /// a copy of the array taken before keeps every spec as it was.
    @Test func anArrayCopyKeepsItsSpecs() {
        var specs = (0..<100).map { index -> CertificateSpec in
            var spec = Self.spec()
            spec.name = "web-\(index)"
            return spec
        }
        let kept = specs
        for index in specs.indices where index % 2 == 0 {
            specs[index].isValid = false
            specs[index].renewBeforeDays = index
        }
        #expect(kept.allSatisfy { $0.isValid && $0.renewBeforeDays == 30 })
        #expect(specs.indices.allSatisfy { specs[$0].isValid == ($0 % 2 == 1) })
        #expect(specs.indices.filter { $0 % 2 == 0 }.allSatisfy { specs[$0].renewBeforeDays == $0 })
    }

    /// A spec holds its names in one block of bytes (``CertificateNames``): each reads back as
    /// written, `dns_names` left out stays apart from `dns_names: []`, and changing one name
    /// keeps the others.
    @Test func namesReadBackAsWrittenAndLeftOutIsNotEmpty() {
        var spec = Self.spec()
        #expect(spec.commonName == "web.example.com" && spec.dnsNames == ["www.example.com"])
        #expect(spec.names == CertificateNames(commonName: "web.example.com", dnsNames: ["www.example.com"]))
        spec.commonName = "other.example.com"
        #expect(spec.commonName == "other.example.com" && spec.dnsNames == ["www.example.com"])
        spec.dnsNames = nil
        #expect(spec.commonName == "other.example.com" && spec.dnsNames == nil && spec.allNames == ["other.example.com"])
        spec.dnsNames = []
        #expect(spec.dnsNames == [] && spec.names == CertificateNames(commonName: "other.example.com", dnsNames: []))
        (spec.commonName, spec.dnsNames) = ("a.example.com", ["c.example.com", "b.example.com"])
        #expect(spec.commonName == "a.example.com" && spec.dnsNames == ["c.example.com", "b.example.com"])
        #expect(spec.allNames == ["a.example.com", "c.example.com", "b.example.com"])
        spec.dnsNames = nil
        #expect(spec.dnsNames == nil && spec.commonName == "a.example.com")
        let unlisted = CertificateSpec(name: "x", product: .sslDVGeoTrust, commonName: "x.example.com", csr: "", dcvMethod: .dnsTXTToken)
        #expect(unlisted.dnsNames == nil && unlisted.allNames == ["x.example.com"])
    }

    /// `csr_file` is held as a directory shared with the certificates around it and a name:
    /// whatever is written reads back as written, and changing the manifest's path keeps it.
    /// Compared as bytes: Swift's `==` would hold a normalized spelling equal.
    @Test(arguments: ["../csr/web.csr", "web.csr", "/etc/ssl/web.csr", "csr/", "a/b/c/a-name-longer-than-fifteen-bytes.csr",
                      "d\u{E9}j\u{E0}/vu.csr", "dej\u{301}a/vu.csr", "csr/\u{301}x.csr", "\u{301}/x", "./x", "", "//"])
    func aCSRFileReadsBackAsWritten(path: String) {
        var spec = Self.spec()
        spec.csrFile = path
        spec.csr = ""
        #expect(spec.csrFile.map { Array($0.utf8) } == Array(path.utf8) && spec.needsCSRResolution)
        spec.file = "manifests/moved.yaml"
        #expect(spec.csrFile.map { Array($0.utf8) } == Array(path.utf8) && spec.file == "manifests/moved.yaml")
        spec.csrFile = nil
        #expect(spec.csrFile == nil && spec.file == "manifests/moved.yaml" && !spec.needsCSRResolution)
    }

    /// The certificates of a file whose CSRs are in one directory hold one origin; another
    /// directory starts another.
    @Test func certificatesReadOneAfterAnotherShareTheirOrigin() {
        var lines = ["apiVersion: certform/v1", "defaults:", "  product: ssl_dv_geotrust", "  dcv_method: dns-txt-token", "certificates:"]
        // The last name starts with a combining mark, which joins the `/` before it into one
        // character: the name is still cut at the byte after the `/`.
        // Then names without a directory, a directory below the last, and one whose name
        // starts with the last's.
        let paths = ["../csr/c0.csr", "../csr/c1.csr", "../csr/c2.csr", "../keys/c3.csr", "../keys/\u{301}c4.csr",
                     "c5.csr", "c6.csr", "../keys/sub/c7.csr", "../keys/c8.csr", "../keysX/c9.csr"]
        for (index, path) in paths.enumerated() {
            lines += ["  c\(index):", "    common_name: h\(index).example.com", "    csr_file: \"\(path)\""]
        }
        let specs = ManifestLoader.read(bytes: Array(lines.joined(separator: "\n").utf8), file: "m.yaml", asOf: Kit.asOf).certificates
        #expect(specs.map { $0.csrFile.map { Array($0.utf8) } } == paths.map { Array($0.utf8) })
        let origins = specs.map { ObjectIdentifier($0.storage.fields.origin) }
        #expect(origins[0] == origins[1] && origins[1] == origins[2] && origins[3] == origins[4] && origins[2] != origins[3])
        #expect(origins[5] == origins[6] && Set(origins[4...9]).count == 5)
        #expect(specs[8].storage.fields.origin.csrDirectory == "../keys/" && specs[6].storage.fields.origin.csrDirectory == "")
    }

    /// What certificates share is compared byte for byte: canonically equivalent spellings
    /// (`é` composed and decomposed), which Swift's `==` holds equal, are each kept as written.
    @Test func certificatesShareOnlyTheSameBytes() {
        let (composed, decomposed) = ("caf\u{E9}", "cafe\u{301}")
        var lines = ["apiVersion: certform/v1", "defaults:", "  product: ssl_dv_geotrust", "  dcv_method: dns-txt-token", "certificates:"]
        for (index, spelling) in [composed, decomposed, decomposed].enumerated() {
            lines += ["  c\(index):", "    common_name: h\(index).example.com", "    csr_file: ../\(spelling)/c\(index).csr",
                      "    organization_units: [\(spelling)]"]
        }
        let specs = ManifestLoader.read(bytes: Array(lines.joined(separator: "\n").utf8), file: "m.yaml", asOf: Kit.asOf).certificates
        let written = [composed, decomposed, decomposed]
        #expect(specs.map { Array($0.csrFile!.utf8) } == written.enumerated().map { Array("../\($1)/c\($0).csr".utf8) })
        #expect(specs.map { $0.organizationUnits!.map { Array($0.utf8) } } == written.map { [Array($0.utf8)] })
        #expect(specs[1].storage.fields.origin === specs[2].storage.fields.origin && specs[0].storage.fields.origin !== specs[1].storage.fields.origin)
    }

    /// The fields few certificates write (organization units, server platform, moved_from) are
    /// held behind one reference, and a spec without them holds none: each reads back as set,
    /// alone or together, and clearing them all leaves a spec that prints as one that never had
    /// them.
    @Test func rareFieldsReadBackAsSetAndClearedLeaveNone() {
        var spec = CertificateSpec(name: "web", product: .sslDVGeoTrust, commonName: "web.example.com", csr: "PEM", dcvMethod: .dnsTXTToken)
        let plain = Self.text(spec)
        #expect(spec.organizationUnits == nil && spec.serverPlatformID == nil && spec.movedFrom == nil && spec.csrLocation == nil)
        spec.serverPlatformID = 45
        #expect(spec.serverPlatformID == 45 && spec.organizationUnits == nil && spec.movedFrom == nil)
        spec.movedFrom = "old"
        spec.organizationUnits = ["Ops"]
        #expect(spec.serverPlatformID == 45 && spec.organizationUnits == ["Ops"] && spec.movedFrom == "old")
        spec.serverPlatformID = nil
        #expect(spec.serverPlatformID == nil && spec.organizationUnits == ["Ops"] && spec.movedFrom == "old")
        (spec.organizationUnits, spec.movedFrom) = (nil, nil)
        #expect(Self.text(spec) == plain)
        spec.csrLocation = SourceLocation(line: 1, column: 1)
        #expect(spec.csrLocation == SourceLocation(line: 1, column: 1))
        spec.csrLocation = nil
        #expect(Self.text(spec) == plain)
        spec.renewBeforeDays = 365
        #expect(spec.renewBeforeDays == 365)
        // 169 bytes; they took 233 before they were laid out (a spec's storage, once per
        // certificate: 6 MB at 100,000), and 177 before the manifest's path and the CSR's
        // directory went behind one shared reference.
        #expect(MemoryLayout<CertificateSpec.Fields>.size <= 169, "\(MemoryLayout<CertificateSpec.Fields>.size)")
    }
}
