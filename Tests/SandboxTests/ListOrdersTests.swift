import CertCentralAPI
import Dates
import Foundation
import JSON
@testable import Sandbox
import Testing
import X509

/// List orders as refresh reads a whole account (reference §2): sorted, paged without dropping or
/// repeating an order, filtered; and `dns_names` as the documented examples show it.
@Suite struct ListOrdersTests {
    @Test func sortsByIdByDefaultAndByTheKeysAsked() async throws {
        try await Harness.withSandbox { client in
            var ids: [Int] = []
            for name in ["b.example.com", "a.example.com", "c.example.com"] {
                ids.append(try await client.order(Harness.minimal(name)))
                try await client.advance(days: 1)
            }
            #expect(try await client.decodedList().orders.map(\.id) == ids)
            #expect(try await client.decodedList("sort=id").orders.map(\.id) == ids)
            #expect(try await client.decodedList("sort=-id").orders.map(\.id) == ids.reversed())
            #expect(try await client.decodedList("sort=date_created").orders.map(\.id) == ids)
            #expect(try await client.decodedList("sort=-date_created").orders.map(\.id) == ids.reversed())
            #expect(try await client.decodedList("sort=common_name").orders.map(\.certificate.commonName) == ["a.example.com", "b.example.com", "c.example.com"])
            let dates = try await client.decodedList("sort=date_created").orders.compactMap(\.dateCreated)
            #expect(dates == dates.sorted() && Set(dates).count == 3)
        }
    }

    @Test(arguments: [("sort=price", "invalid_value:sort"), ("sort=id,-nothing", "invalid_value:sort"),
                      ("offset=-1", "invalid_value:offset"), ("limit=many", "invalid_value:limit")])
    func queryValuesThatDoNotReadAre400(query: String, code: String) async throws {
        try await Harness.withSandbox { client in
            let reply = try await client.list(query)
            #expect(reply.status == 400 && reply.codes == [code], "\(query): \(reply.text)")
        }
    }

    @Test func pagesDropAndRepeatNothing() async throws {
        try await Harness.withSandbox { client in
            var ids: [Int] = []
            for index in 0..<25 { ids.append(try await client.order(Harness.minimal("n\(index).example.com"))) }
            for sort in ["id", "-id"] {
                var seen: [Int] = []
                var offset = 0
                while true {
                    let page = try await client.decodedList("sort=\(sort)&limit=7&offset=\(offset)")
                    #expect(page.page.total == 25 && page.page.limit == 7 && page.page.offset == offset)
                    if page.orders.isEmpty { break }
                    seen += page.orders.map(\.id)
                    offset += page.orders.count
                }
                #expect(seen == (sort == "id" ? ids : ids.reversed()), "\(sort)")
            }
        }
    }

    @Test func limitIsAtMostAThousand() async throws {
        try await Harness.withSandbox { client in
            _ = try await client.order(Harness.minimal())
            #expect(try await client.decodedList("limit=5000").page.limit == 1000)
            #expect(try await client.decodedList().page.limit == 1000)
        }
    }

    @Test func filtersByCommonNameAndStatusTogether() async throws {
        try await Harness.withSandbox(Harness.configuration { $0.issueAfter = 3600 }) { client in
            let older = try await client.order(Harness.minimal("a.example.com"))
            try await client.advance(days: 1)
            let newer = try await client.order(Harness.minimal("a.example.com"))
            _ = try await client.order(Harness.minimal("b.example.com"))
            let issued = try await client.decodedList("filters%5Bcommon_name%5D=a.example.com&filters%5Bstatus%5D=issued")
            #expect(issued.orders.map(\.id) == [older])
            let waiting = try await client.decodedList("filters%5Bcommon_name%5D=a.example.com&filters%5Bstatus%5D=pending")
            #expect(waiting.orders.map(\.id) == [newer])
        }
    }

    /// The documented examples list in `dns_names` the names besides the common name, even when the
    /// request repeated the common name there; the certificate carries each name once.
    @Test func dnsNamesLeaveOutTheCommonName() async throws {
        try await Harness.withSandbox { client in
            let id = try await client.order(Harness.minimal("shop.example.com", dnsNames: ["shop.example.com", "cart.example.com"]))
            let info = try await client.info(id)
            #expect(info["certificate"]?["dns_names"] == ["cart.example.com"])
            #expect(try await client.list().json?["orders"]?.arrayValue?.first?["certificate"]?["dns_names"] == ["cart.example.com"])
            let plain = try await client.order(Harness.minimal("solo.example.com"))
            #expect(try await client.info(plain)["certificate"]?["dns_names"] == [])
            let certificateID = try #require(info["certificate"]?["id"]?.intValue)
            let pem = try await client.call(.get, "/services/v2/certificate/\(certificateID)/download/format/pem_all").text
            let leaf = try Certificate(pemEncoded: String(pem[..<pem.range(of: "-----END CERTIFICATE-----")!.upperBound]))
            let names = try leaf.extensions.subjectAlternativeNames?.compactMap { name -> String? in
                if case .dnsName(let dns) = name { return dns }
                return nil
            }
            #expect(names == ["shop.example.com", "cart.example.com"])
        }
    }
}
