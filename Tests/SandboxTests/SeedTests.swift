import CertCentralAPI
import CertformTestSupport
import Dates
import Foundation
import JSON
@testable import Sandbox
import Testing
import X509

/// `POST /_sandbox/orders/seed`: large accounts in seconds, for refresh tests that count requests.
@Suite struct SeedTests {
    @Test func tenThousandOrdersAreReadInTenListRequests() async throws {
        try await Harness.withSandbox { client in
            // Ten requests of 1,000: each answers well inside the test client's 20 s read timeout
            // on a loaded machine (one of 10,000 once did not).
            let started = ContinuousClock.now
            var firsts: [Int] = [], lasts: [Int] = []
            for batch in 0..<10 {
                let reply = try await client.admin(.post, "orders/seed", json: ["count": 1_000, "common_name_prefix": .string("s\(batch)-"), "product": "ssl_dv_geotrust", "status": "issued"])
                #expect(reply.status == 200, "\(reply.text)")
                firsts.append(try #require(reply.json?["first_id"]?.intValue))
                lasts.append(try #require(reply.json?["last_id"]?.intValue))
            }
            let seeding = ContinuousClock.now - started
            let (first, last) = (firsts[0], lasts[9])
            #expect(zip(firsts.dropFirst(), lasts).allSatisfy { $0 == $1 + 1 }, "one run of ids")
            #expect(last - first == 9_999)
            #expect(seeding < .seconds(120), "seeding took \(seeding)")
            var ids: [Int] = []
            while true {
                let page = try await client.decodedList("limit=1000&offset=\(ids.count)")
                ids += page.orders.map(\.id)
                if page.orders.isEmpty || ids.count >= page.page.total { break }
            }
            #expect(ids == Array(first...last))
            let stats = try await client.stats()
            #expect(stats["requests_by_route"]?["list_orders"] == 10)
            #expect(stats["orders"] == 10_000 && stats["orders_seeded"] == 10_000 && stats["orders_created"] == 0)
        }
    }

    @Test func seededOrdersReadLikeOrdersPlacedThroughTheAPI() async throws {
        try await Harness.withSandbox { client in
            let csr = TestCSR.make(commonName: "s1.example.org")
            let reply = try await client.admin(.post, "orders/seed", json: ["count": 3, "common_name_prefix": "s", "domain": "example.org", "www": true, "csr": .string(csr), "age_days": 10])
            let first = try #require(reply.json?["first_id"]?.intValue)
            let today = await client.today()
            let item = try #require(try await client.decodedList().orders.first)
            #expect(item.status == .issued && item.certificate.commonName == "s1.example.org" && item.certificate.dnsNames == ["www.s1.example.org"])
            #expect(item.certificate.validTill == today.adding(days: -10 + 199).description)
            let info = try await client.decodedInfo(first)
            #expect(info.certificate.thumbprint?.count == 40 && info.certificate.csr == csr)
            #expect(info.certificate.validFrom == today.adding(days: -10).description)
            #expect(info.orderValidTill == Harness.date(today.adding(days: -10), years: 1).description)
            // The certificate is real: it carries the CSR's key and can be downloaded.
            let pem = try await client.call(.get, "/services/v2/certificate/\(try #require(info.certificate.id))/download/format/pem_all").text
            let leaf = try Certificate(pemEncoded: String(pem[..<pem.range(of: "-----END CERTIFICATE-----")!.upperBound]))
            #expect(leaf.publicKey == (try CertificateSigningRequest(pemEncoded: csr)).publicKey)
            // A seeded order renews, reissues and lists by thumbprint like any other.
            #expect(try await client.call(.get, "/services/v2/order/certificate/\(info.certificate.thumbprint!)").json?["id"]?.intValue == first)
            #expect(try await client.admin(.post, "orders/\(first)/renew").status == 201)
        }
    }

    @Test(arguments: ["pending", "needs_approval", "revoked"])
    func seedTakesOtherStatuses(status: String) async throws {
        try await Harness.withSandbox(Harness.configuration { $0.issueAfter = 3600 }) { client in
            let reply = try await client.admin(.post, "orders/seed", json: ["count": 2, "status": .string(status)])
            #expect(reply.status == 200, "\(reply.text)")
            #expect(try await client.decodedList("filters%5Bstatus%5D=\(status)").page.total == 2)
        }
    }

    static let refusals: [(JSONValue, String)] = [
        (["count": 0], "invalid_value:count"),
        (["count": 1, "status": "expired"], "invalid_value:status"),
        (["count": 1, "common_name_prefix": "bad name"], "invalid_value:common_name_prefix"),
        (["count": 1, "product": "ssl_ev_basic"], "invalid_value:product"),
        (["count": 1, "csr": "junk"], "csr_invalid_cannot_parse"),
        (["common_name_prefix": "s"], "missing_field:count"),
    ]

    @Test(arguments: refusals)
    func seedRefusesWhatDoesNotRead(body: JSONValue, code: String) async throws {
        try await Harness.withSandbox { client in
            let reply = try await client.admin(.post, "orders/seed", json: body)
            #expect(reply.status == 400 && reply.codes == [code], "\(reply.text)")
        }
    }
}
