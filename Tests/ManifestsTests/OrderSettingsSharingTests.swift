import CertCentralAPI
import CertformTestSupport
@testable import Manifests
import Testing

/// Certificates with equal order settings share one copy of them (most come from `defaults`);
/// sharing must never let one certificate's settings show in another's.
@Suite struct OrderSettingsSharingTests {
    static let manifest = """
        apiVersion: certform/v1
        x-contacts:
          ops: &ops {first_name: Ana, last_name: Garcia, telephone: 555-0100, email: ops@example.com}
        defaults:
          product: ssl_dv_geotrust
          validity_years: 1
          dcv_method: dns-txt-token
          comments: Managed by certform
          technical_contact: *ops
        certificates:
          a:
            common_name: a.example.com
            csr_file: a.csr
          b:
            common_name: b.example.com
            csr_file: b.csr
          own-comment:
            common_name: c.example.com
            csr_file: c.csr
            comments: Team C
          same-comment:
            common_name: d.example.com
            csr_file: d.csr
            comments: Team C
          inline-contact:
            common_name: e.example.com
            csr_file: e.csr
            technical_contact: {first_name: Ana, last_name: Garcia, telephone: 555-0100, email: ops@example.com}
          other-contact:
            common_name: f.example.com
            csr_file: f.csr
            technical_contact: {first_name: Lee, last_name: Chen, telephone: 555-0101, email: lee@example.com}

        """

    static func specs() -> [String: CertificateSpec] {
        let result = ManifestLoader.read(bytes: Array(manifest.utf8), file: "m.yaml", asOf: Kit.asOf)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.certificates.allSatisfy { $0.isValid })
        return Dictionary(uniqueKeysWithValues: result.certificates.map { ($0.spec.name, $0.spec) })
    }

    @Test func equalSettingsAreOneCopyAndDifferentOnesAreNot() throws {
        let specs = Self.specs()
        let a = try #require(specs["a"]), b = try #require(specs["b"])
        #expect(a.settingsIdentity == b.settingsIdentity)
        #expect(a.comments == "Managed by certform" && a.technicalContact?.email == "ops@example.com" && a.validityYears == 1)

        let own = try #require(specs["own-comment"]), same = try #require(specs["same-comment"])
        #expect(own.settingsIdentity != a.settingsIdentity)
        #expect(own.comments == "Team C")
        #expect(own.settingsIdentity == same.settingsIdentity, "equal by value, though written twice")

        // A contact written inline that equals the anchored one gives equal settings: one copy.
        let inline = try #require(specs["inline-contact"]), other = try #require(specs["other-contact"])
        #expect(inline.settings == a.settings && inline.settingsIdentity == a.settingsIdentity)
        #expect(other.settingsIdentity != a.settingsIdentity)
        #expect(other.technicalContact?.email == "lee@example.com")
    }

    @Test func changingOneCertificatesSettingsLeavesTheOthersAlone() throws {
        let specs = Self.specs()
        var a = try #require(specs["a"])
        let b = try #require(specs["b"])
        #expect(a.settingsIdentity == b.settingsIdentity)

        a.comments = "changed"
        #expect(a.comments == "changed")
        #expect(b.comments == "Managed by certform")
        #expect(a.settingsIdentity != b.settingsIdentity)

        var whole = b.settings
        whole.locale = "de"
        var c = b
        c.settings = whole
        #expect(c.locale == "de" && b.locale == nil)
        #expect(c.settingsIdentity != b.settingsIdentity)
    }
}
