import CertCentralAPI
import Dates
import Foundation
import JSON
@testable import Sandbox
import Testing

/// CertCentral's own reissues (issue 15, item 6): an issued Multi-year Plan order with
/// `auto_reissue: 1` gets a new certificate 30 days before the current one ends.
@Suite struct AutoReissueTests {
    static func multiYear(autoReissue: Int?) -> JSONValue {
        Harness.with(Harness.with(Harness.minimal(), "validity_years", 2), "auto_reissue", autoReissue.map(JSONValue.int))
    }

    @Test func multiYearOrderIsReissuedThirtyDaysBeforeItsCertificateEnds() async throws {
        try await Harness.withSandbox { client in
            let id = try await client.order(Self.multiYear(autoReissue: 1))
            let before = try await client.decodedInfo(id)
            #expect(before.autoReissue == 1)
            try await client.advance(days: 168)  // 31 days left
            let early = try await client.decodedInfo(id)
            #expect(early.certificate.thumbprint == before.certificate.thumbprint)
            try await client.advance(days: 1)  // 30 days left
            let today = await client.today()
            let after = try await client.decodedInfo(id)
            #expect(after.status == .issued)
            #expect(after.certificate.id != before.certificate.id)
            #expect(after.certificate.thumbprint != before.certificate.thumbprint)
            #expect(after.certificate.validFrom == today.description)
            #expect(after.certificate.validTill == today.adding(days: 199).description)
            #expect(after.certificate.commonName == before.certificate.commonName && after.certificate.csr == before.certificate.csr)
            #expect(after.orderValidTill == before.orderValidTill)
            #expect(after.requests?.first?.type == "reissue")
            // The replaced certificate can still be downloaded; the new one too.
            for certificate in [before.certificate.id, after.certificate.id] {
                let download = try await client.call(.get, "/services/v2/certificate/\(try #require(certificate))/download/format/pem_all")
                #expect(download.status == 200)
            }
            let stats = try await client.stats()
            #expect(stats["auto_reissues"] == 1 && stats["reissues"] == 0)
            // Once is enough: the new certificate is far from its end.
            #expect(try await client.decodedInfo(id).certificate.id == after.certificate.id)
        }
    }

    @Test(arguments: [0, nil] as [Int?])
    func withoutAutoReissueTheCertificateIsLeftToEnd(autoReissue: Int?) async throws {
        try await Harness.withSandbox { client in
            let id = try await client.order(Self.multiYear(autoReissue: autoReissue))
            let before = try await client.decodedInfo(id)
            #expect(before.autoReissue == 0)
            try await client.advance(days: 190)
            #expect(try await client.decodedInfo(id).certificate.id == before.certificate.id)
        }
    }

    /// A certificate that already reaches the order's end has nothing to be reissued into.
    @Test func orderEndingWithItsCertificateIsNotReissued() async throws {
        try await Harness.withSandbox { client in
            let body = Harness.with(Harness.with(Harness.with(Harness.minimal(), "validity_years", nil), "validity_days", 150), "auto_reissue", 1)
            let id = try await client.order(body)
            let before = try await client.decodedInfo(id)
            #expect(before.certificate.validTill == before.orderValidTill)
            try await client.advance(days: 140)
            #expect(try await client.decodedInfo(id).certificate.id == before.certificate.id)
        }
    }

    /// A list is a read too: the reissue shows in list items (new certificate id and end).
    @Test func listingAlsoBringsTheReissue() async throws {
        try await Harness.withSandbox { client in
            let id = try await client.order(Self.multiYear(autoReissue: 1))
            let before = try await client.decodedInfo(id)
            try await client.advance(days: 180)
            let item = try #require(try await client.decodedList().orders.first)
            #expect(item.certificate.id != before.certificate.id)
            #expect(item.certificate.validTill == (await client.today()).adding(days: 199).description)
        }
    }

    @Test func autoReissueTakesZeroOrOne() async throws {
        try await Harness.withSandbox { client in
            let reply = try await client.call(.post, "/services/v2/order/certificate/ssl_dv_geotrust", json: Self.multiYear(autoReissue: 2))
            #expect(reply.status == 400 && reply.codes == ["invalid_value:auto_reissue"])
        }
    }
}
