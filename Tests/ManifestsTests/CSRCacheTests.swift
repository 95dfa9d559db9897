import CertCentralAPI
import CertformTestSupport
import Crypto
import Dates
import Digests
import Foundation
@testable import Manifests
import Testing

/// A CSR whose bytes a state record vouches for (`csr_digest`, bound to the product, names and
/// spec digest it was verified with) is not verified again; anything else is, as before.
@Suite struct CSRCacheTests {
    static let asOf = CalendarDate("2026-11-29")!
    static let specDigest = "sha256:recorded-spec-digest"

    /// A repository with one certificate `web` (example.com, www.example.com) whose CSR is `csr/web.csr`.
    struct Repository {
        let dir = TemporaryDirectory()
        var manifests: String { dir.path + "/manifests" }

        init(csr: String, dnsNames: String = "[www.example.com]", extra: String = "") {
            try! FileManager.default.createDirectory(atPath: dir.path + "/.git", withIntermediateDirectories: true)
            dir.write("csr/web.csr", csr)
            dir.write("manifests/web.yaml", """
                apiVersion: certform/v1
                certificates:
                  web:
                    product: ssl_dv_geotrust
                    common_name: example.com
                    dns_names: \(dnsNames)
                    validity_years: 1
                    dcv_method: dns-txt-token
                    csr_file: ../csr/web.csr
                \(extra)
                """)
        }

        func load(recorded: RecordedCSRs? = nil, keepsCSRText: Bool = false) -> ManifestSet {
            let loader = ManifestLoader(directory: manifests, asOf: CSRCacheTests.asOf, keepsCSRText: keepsCSRText)
            return loader.check(loader.read(), recorded: recorded)
        }
    }

    /// What a record would hold after ordering `csr` for example.com and www.example.com.
    static func record(for csr: String, dnsNames: [String] = ["www.example.com"], specDigest: String = specDigest) -> RecordedCSR {
        let bytes = CSRBytesDigest(of: Array(csr.utf8))
        return RecordedCSR(csrDigest: CSRDigest.of(bytes, product: .sslDVGeoTrust, commonName: "example.com", dnsNames: dnsNames, specDigest: specDigest),
                           specDigest: specDigest)
    }

    static let names = ["example.com", "www.example.com"]

    @Test func aCSRWhoseBytesAreVouchedForIsNotVerifiedAgain() throws {
        let csr = Kit.csr(Self.names)
        let repo = Repository(csr: csr)
        let set = repo.load(recorded: RecordedCSRs { _ in Self.record(for: csr) })
        #expect(!set.hasErrors)
        let spec = try #require(set.certificates.first)
        #expect(spec.vouchedSpecDigest == Self.specDigest)
        #expect(spec.csrSummary == nil, "vouched for, so not parsed or verified")
        #expect(spec.csr.isEmpty, "no CSR text held")
        #expect(spec.csrBytesDigest == CSRBytesDigest(of: Array(csr.utf8)))
        #expect(spec.needsCSRResolution)
        // The same load without a record verifies it, and the manifests' digest is the same.
        let uncached = repo.load(keepsCSRText: true)
        #expect(uncached.certificates.first?.csrSummary != nil && uncached.certificates.first?.vouchedSpecDigest == nil)
        #expect(uncached.certificates.first?.csr == csr)
        #expect(set.digest == uncached.digest)
    }

    /// Vouched for from the names as held (their bytes, two DNS names in order) and as strings
    /// (written out of order): the same record vouches for both, and for neither once a name differs.
    @Test(arguments: ["[a.example.com, www.example.com]", "[www.example.com, a.example.com]"])
    func aRecordVouchesForTwoDNSNamesInEitherOrder(written: String) throws {
        let csr = Kit.csr(["example.com", "a.example.com", "www.example.com"])
        let recorded = Self.record(for: csr, dnsNames: ["a.example.com", "www.example.com"])
        let set = Repository(csr: csr, dnsNames: written).load(recorded: RecordedCSRs { _ in recorded })
        #expect(!set.hasErrors)
        #expect(try #require(set.certificates.first).vouchedSpecDigest == Self.specDigest)
        let other = Repository(csr: csr, dnsNames: "[a.example.com]").load(recorded: RecordedCSRs { _ in recorded })
        #expect(other.certificates.first?.vouchedSpecDigest == nil)
    }

    @Test func theRecordOfTheOldNameVouchesForARenamedCertificate() throws {
        let csr = Kit.csr(Self.names)
        let repo = Repository(csr: csr, extra: "    moved_from: old-web")
        let record = Self.record(for: csr)
        let set = repo.load(recorded: RecordedCSRs { $0 == "old-web" ? record : nil })
        #expect(!set.hasErrors)
        #expect(try #require(set.certificates.first).vouchedSpecDigest == Self.specDigest)
    }

    @Test func aTamperedCSRWithTheOldDigestRecordedIsStillCaught() {
        let csr = Kit.csr(Self.names)
        let repo = Repository(csr: csr)
        // The record vouches for the CSR as it was; the file now has one bit of its signature flipped.
        let tampered = TestCSR.tampered(commonName: "example.com")
        repo.dir.write("csr/web.csr", tampered)
        let set = repo.load(recorded: RecordedCSRs { _ in Self.record(for: csr) })
        #expect(Kit.errors(set) == ["9:15 csr_file '../csr/web.csr' of certificate 'web': the CSR's signature does not verify"])
        #expect(set.certificates.isEmpty)
    }

    @Test func aChangedCSRWithTheSameNamesIsVerifiedAndCarriesItsNewKey() throws {
        let old = Kit.csr(Self.names)
        let new = TestCSR.make(commonName: "example.com", sans: Self.names)
        #expect(old != new)
        let repo = Repository(csr: new)
        let set = repo.load(recorded: RecordedCSRs { _ in Self.record(for: old) })
        let spec = try #require(set.certificates.first)
        #expect(spec.vouchedSpecDigest == nil)
        let verified = try CSRInspector.inspect(pem: new, declaredNames: Self.names).get()
        let before = try CSRInspector.inspect(pem: old, declaredNames: Self.names).get()
        #expect(spec.csrSummary == verified)
        #expect(spec.csrSummary?.publicKeySHA256 != before.publicKeySHA256)
    }

    @Test func aRecordMadeForOtherNamesOrAnotherSpecDigestVouchesForNothing() {
        let csr = Kit.csr(Self.names)
        // The manifest now lists no DNS names: the CSR (which carries www.example.com) must be
        // checked against the names as they are, and fails.
        let fewer = Repository(csr: csr, dnsNames: "[]")
        let set = fewer.load(recorded: RecordedCSRs { _ in Self.record(for: csr) })
        #expect(Kit.errors(set) == ["9:15 csr_file '../csr/web.csr' of certificate 'web': the CSR carries 'www.example.com', which is not the common_name or in dns_names"])
        // A record whose spec digest is not the one its csr_digest was made with (a reissue that
        // did not update it, a hand edit) vouches for nothing either.
        let repo = Repository(csr: csr)
        let record = Self.record(for: csr)
        let stale = RecordedCSR(csrDigest: record.csrDigest.text, specDigest: "sha256:another")
        let checked = repo.load(recorded: RecordedCSRs { _ in stale })
        #expect(checked.certificates.first?.vouchedSpecDigest == nil)
        #expect(checked.certificates.first?.csrSummary != nil)
    }

    @Test func aVouchedCSRIsReadAgainAndVerifiedWhenARequestNeedsIt() throws {
        let csr = Kit.csr(Self.names)
        let repo = Repository(csr: csr)
        let set = repo.load(recorded: RecordedCSRs { _ in Self.record(for: csr) })
        let spec = try #require(set.certificates.first)
        let resolved = try set.resolveCSR(spec).get()
        #expect(resolved.csr == csr)
        #expect(resolved.csrSummary == (try CSRInspector.inspect(pem: csr, declaredNames: Self.names).get()))
        #expect(!resolved.needsCSRResolution)
        // A file that changed since it was read is refused, not sent.
        repo.dir.write("csr/web.csr", TestCSR.make(commonName: "example.com", sans: Self.names))
        #expect(throws: CSRFileError.self) { try set.resolveCSR(spec).get() }
        if case .failure(let failure) = set.resolveCSR(spec) {
            #expect(failure.reason == "csr_file '../csr/web.csr' of certificate 'web' changed while certform was reading it; plan again")
        }
    }

    @Test func aForgedDigestIsCaughtWhenTheCSRIsSent() throws {
        // The state is trusted as far as it goes: a record forged to vouch for a bad CSR hides it
        // from the load, but resolving it for a request verifies it.
        let tampered = TestCSR.tampered(commonName: "example.com")
        let repo = Repository(csr: tampered, dnsNames: "[]")
        let forged = RecordedCSR(csrDigest: CSRDigest.of(CSRBytesDigest(of: Array(tampered.utf8)), product: .sslDVGeoTrust,
                                                         commonName: "example.com", dnsNames: [], specDigest: Self.specDigest),
                                 specDigest: Self.specDigest)
        let set = repo.load(recorded: RecordedCSRs { _ in forged })
        let spec = try #require(set.certificates.first)
        #expect(spec.vouchedSpecDigest == Self.specDigest)
        guard case .failure(let failure) = set.resolveCSR(spec) else {
            Issue.record("a CSR whose signature does not verify was resolved")
            return
        }
        #expect(failure.reason == "csr_file '../csr/web.csr' of certificate 'web': the CSR's signature does not verify")
    }

    @Test func theDigestBindsTheBytesToTheProductNamesAndSpecDigest() {
        let bytes = CSRBytesDigest(of: Array("csr".utf8))
        let base = CSRDigest.of(bytes, product: .sslDVGeoTrust, commonName: "a.example", dnsNames: ["b.example", "c.example"], specDigest: "s")
        #expect(base.hasPrefix("sha256:") && base.count == 71)
        #expect(base == CSRDigest.of(bytes, product: .sslDVGeoTrust, commonName: "a.example", dnsNames: ["c.example", "b.example"], specDigest: "s"))
        #expect(base != CSRDigest.of(CSRBytesDigest(of: Array("csr\n".utf8)), product: .sslDVGeoTrust, commonName: "a.example", dnsNames: ["b.example", "c.example"], specDigest: "s"))
        #expect(base != CSRDigest.of(bytes, product: .sslDVRapidSSL, commonName: "a.example", dnsNames: ["b.example", "c.example"], specDigest: "s"))
        #expect(base != CSRDigest.of(bytes, product: .sslDVGeoTrust, commonName: "b.example", dnsNames: ["a.example", "c.example"], specDigest: "s"))
        #expect(base != CSRDigest.of(bytes, product: .sslDVGeoTrust, commonName: "a.example", dnsNames: ["b.example"], specDigest: "s"))
        #expect(base != CSRDigest.of(bytes, product: .sslDVGeoTrust, commonName: "a.example", dnsNames: ["b.example", "c.example"], specDigest: "t"))
        #expect(bytes.hex == "ee6a407b00a0303bf9ecda6ec4bfd99fda31095e")  // printf csr | git hash-object --stdin
        // The check without the text is the same comparison.
        #expect(CSRDigest.matches(base, bytes, product: .sslDVGeoTrust, commonName: "a.example", dnsNames: ["c.example", "b.example"], specDigest: "s"))
        #expect(!CSRDigest.matches(base, bytes, product: .sslDVGeoTrust, commonName: "a.example", dnsNames: ["b.example"], specDigest: "s"))
        #expect(!CSRDigest.matches("sha256:" + String(base.dropFirst(7).reversed()), bytes, product: .sslDVGeoTrust,
                                   commonName: "a.example", dnsNames: ["b.example", "c.example"], specDigest: "s"))
        // Only certform's own form matches: the same digits in uppercase are text written by hand.
        #expect(!CSRDigest.matches("sha256:" + base.dropFirst(7).uppercased(), bytes, product: .sslDVGeoTrust,
                                   commonName: "a.example", dnsNames: ["b.example", "c.example"], specDigest: "s"))
        // The text it digests, as bench/generate.py writes it too.
        let text = "csr_blob=\(bytes.hex)\nproduct=ssl_dv_geotrust\ncommon_name=a.example\ndns_names=b.example,c.example\nspec_digest=s\n"
        #expect(base == "sha256:" + CSRInspector.hex(SHA256.hash(data: Array(text.utf8))))
    }

    /// A plan matches a certificate's recorded digest from its names as held (bytes, sorted, when
    /// they are ASCII): the answer must be that of the names as strings, in every case.
    @Test(arguments: [
        ("a.example", ["b.example", "c.example"]),
        ("a.example", ["c.example", "b.example"]),
        ("a.example", []),
        ("a.example", ["b.example"]),
        ("z.example", ["a-b.example", "a.example", "a.example.com"]),
        ("caf\u{E9}.example", ["b.example"]),
        ("a.example", ["cafe\u{301}.example", "b.example"]),
        // Names in order and out of it: their bytes are sorted as their strings sort.
        ("z.example", ["a.example", "a.example"]),
        ("z.example", ["a.example", "a.example.com", "b"]),
        ("z.example", ["a.example.com", "a.example"]),
        ("z.example", ["a-b.example", "a.example"]),
        ("z.example", ["a.example", "a-b.example"]),
        ("z.example", ["a.example", "caf\u{E9}.example"]),
        ("z.example", ["api0-2.example", "admin1-2.example", "static2-2.example", "mail3-2.example"]),
        ("z.example", ["c.example", "b.example", "a.example", "b.example"]),
        ("z.example", [String(repeating: "y", count: 130) + ".example", "B.example", "a\u{1}.example"]),
        // More than the kilobyte put together on the stack: made the long way.
        ("a.example", (10..<40).map { "host\($0)-" + String(repeating: "x", count: 50) + ".example" }),
    ])
    func matchingFromHeldNamesIsMatchingFromStrings(commonName: String, dnsNames: [String]) {
        let bytes = CSRBytesDigest(of: Array("csr".utf8))
        let names = CertificateNames(commonName: commonName, dnsNames: dnsNames)
        let recorded = RecordDigest(CSRDigest.of(bytes, product: .sslDVGeoTrust, commonName: commonName, dnsNames: dnsNames, specDigest: "s"))
        var spec = "s", other = "t"
        #expect(spec.withUTF8 { CSRDigest.matches(recorded, bytes, product: .sslDVGeoTrust, names: names, specDigest: $0) })
        #expect(!other.withUTF8 { CSRDigest.matches(recorded, bytes, product: .sslDVGeoTrust, names: names, specDigest: $0) })
        #expect(!spec.withUTF8 { CSRDigest.matches(recorded, bytes, product: .sslDVRapidSSL, names: names, specDigest: $0) })
        // Other names: one more, one fewer, the common name swapped with a DNS name.
        let others = [CertificateNames(commonName: commonName, dnsNames: dnsNames + ["zz.example"]),
                      CertificateNames(commonName: commonName, dnsNames: Array(dnsNames.dropLast())),
                      CertificateNames(commonName: dnsNames.first ?? "x.example", dnsNames: [commonName] + dnsNames.dropFirst())]
        for names in others where names != CertificateNames(commonName: commonName, dnsNames: dnsNames) {
            let expected = CSRDigest.matches(recorded, bytes, product: .sslDVGeoTrust, commonName: names.commonName, dnsNames: names.dnsNames, specDigest: "s")
            #expect(spec.withUTF8 { CSRDigest.matches(recorded, bytes, product: .sslDVGeoTrust, names: names, specDigest: $0) } == expected)
            #expect(!expected)
        }
    }
}
