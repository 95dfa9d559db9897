import CertCentralAPI
import Dates
import JSON
import Manifests
@testable import Plans
import Testing

/// The order's term and the renewal flags go from the manifest to the request exactly as written:
/// `order_validity` as the API's object, `auto_reissue` and `auto_renew` as integers, nothing
/// invented when they are left out.
@Suite struct RequestBodyValidityTests {
    static let asOf = CalendarDate("2026-11-29")!

    /// The spec of one certificate `web` with the base keys and `lines`, read as a manifest (no
    /// CSR checks: the body is what is under test).
    static func spec(_ lines: [String]) throws -> CertificateSpec {
        let text = (["apiVersion: certform/v1", "certificates:", "  web:",
                     "    product: ssl_dv_geotrust", "    common_name: example.com", "    dcv_method: dns-txt-token", "    csr: x"]
                    + lines.map { "    " + $0 }).joined(separator: "\n") + "\n"
        let set = ManifestLoader(directory: ".", asOf: asOf, checksCSRs: false).load(text: text, file: "m.yaml")
        #expect(!set.hasErrors, "\(set.diagnostics.map(\.message))")
        return try #require(set.certificates.first)
    }

    static func body(_ lines: [String]) throws -> JSONValue {
        RequestBody.order(for: try spec(lines)).jsonValue
    }

    @Test(arguments: [
        ("order_validity: {years: 3}", JSONValue.object(["years": .int(3)])),
        ("order_validity: {days: 1095}", .object(["days": .int(1095)])),
        ("order_validity: {custom_expiration_date: 2029-11-29}", .object(["custom_expiration_date": .string("2029-11-29")])),
    ])
    func orderValidityGoesAsWritten(_ line: String, _ expected: JSONValue) throws {
        let body = try Self.body([line])
        #expect(body["order_validity"] == expected)
        #expect(body["validity_years"] == nil && body["validity_days"] == nil && body["custom_expiration_date"] == nil)
    }

    @Test func autoReissueAndAutoRenewGoAsWritten() throws {
        let on = try Self.body(["validity_years: 3", "auto_reissue: 1", "auto_renew: 0"])
        #expect(on["auto_reissue"] == .int(1))
        #expect(on["auto_renew"] == .int(0))
        #expect(on["validity_years"] == .int(3))
        let off = try Self.body(["validity_years: 3", "auto_reissue: 0"])
        #expect(off["auto_reissue"] == .int(0))
    }

    @Test func nothingIsInventedWhenTheKeysAreLeftOut() throws {
        let body = try Self.body(["validity_days: 199"])
        #expect(body["order_validity"] == nil && body["auto_reissue"] == nil && body["auto_renew"] == nil)
        #expect(body["validity_days"] == .int(199))
    }

    /// auto_reissue and order_validity are order settings: they change the settings digest, not
    /// the certificate's.
    @Test func theyAreOrderSettings() throws {
        let plain = try Self.spec(["validity_years: 3"])
        let reissuing = try Self.spec(["validity_years: 3", "auto_reissue: 1"])
        let nested = try Self.spec(["order_validity: {years: 3}"])
        #expect(SpecDigest.settings(of: plain) != SpecDigest.settings(of: reissuing))
        #expect(SpecDigest.settings(of: plain) != SpecDigest.settings(of: nested))
        #expect(SpecDigest.of(plain) == SpecDigest.of(reissuing))
        #expect(SpecDigest.of(plain) == SpecDigest.of(nested))
    }

    /// A saved plan's body reads back to the same request (the plan file round trip).
    @Test func theBodyReadsBackFromASavedPlan() throws {
        let order = RequestBody.order(for: try Self.spec(["order_validity: {days: 199}", "auto_reissue: 1"]))
        let read = try ChangeRequest(json: order.jsonValue, action: .create)
        #expect(read == .order(order))
    }
}
