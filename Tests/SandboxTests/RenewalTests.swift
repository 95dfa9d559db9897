import CertCentralAPI
import CertformTestSupport
import Dates
import Foundation
import JSON
@testable import Sandbox
import Testing

/// Renewals (reference §6): the renewed order says so in order info and in list items, and the
/// renewal gets the renewed order's unused days; the admin API renews as the console or
/// auto-renew would, without the client asking.
@Suite struct RenewalTests {
    static func renewal(of id: Int, _ body: JSONValue = Harness.minimal()) -> JSONValue {
        Harness.with(body, "renewal_of_order_id", .int(id))
    }

    @Test func renewalCarriesTheUnusedDaysAndMarksTheRenewedOrder() async throws {
        try await Harness.withSandbox { client in
            let first = try await client.order(Harness.minimal())
            let firstEnd = try #require(try await client.decodedInfo(first).orderValidTill.flatMap(CalendarDate.init))
            try await client.advance(days: 100)
            let today = await client.today()
            let second = try await client.order(Self.renewal(of: first))
            let renewal = try await client.decodedInfo(second)
            let unused = today.days(until: firstEnd)
            #expect(unused > 200)
            #expect(renewal.orderValidTill == Harness.date(today, years: 1).adding(days: unused).description)
            #expect(renewal.isRenewal == true)
            // The certificate is still capped; the credit lands on the order.
            #expect(renewal.certificate.validTill == today.adding(days: 199).description)
            let old = try await client.decodedInfo(first)
            #expect(old.isRenewed == true && old.renewedOrderID == second)
            let items = try await client.decodedList().orders
            let oldItem = try #require(items.first { $0.id == first })
            // A list item says is_renewed only: renewed_order_id is not among its documented fields.
            #expect(oldItem.isRenewed == true && oldItem.renewedOrderID == nil)
            let newItem = try #require(items.first { $0.id == second })
            #expect(newItem.isRenewed == false && newItem.renewedOrderID == nil)
        }
    }

    @Test func unnamedRenewalsSayRenewedWithoutTheRenewalsID() async throws {
        try await Harness.withSandbox { client in
            let first = try await client.order(Harness.minimal())
            let second = try await client.order(Self.renewal(of: first))
            let set = try await client.admin(.post, "faults", json: ["unnamed_renewals": true])
            #expect(set.status == 200 && set.json?["unnamed_renewals"] == true, "\(set.text)")
            let old = try await client.decodedInfo(first)
            #expect(old.isRenewed == true && old.renewedOrderID == 0)
            #expect(try await client.decodedInfo(second).isRenewal == true)
            _ = try await client.admin(.post, "faults", json: ["unnamed_renewals": false])
            #expect(try await client.decodedInfo(first).renewedOrderID == second)
        }
    }

    @Test func renewalOfAnEndedOrderGetsNoCredit() async throws {
        try await Harness.withSandbox { client in
            let first = try await client.order(Harness.minimal())
            try await client.advance(days: 400)
            let today = await client.today()
            let second = try await client.order(Self.renewal(of: first))
            #expect(try await client.decodedInfo(second).orderValidTill == Harness.date(today, years: 1).description)
        }
    }

    @Test func adminRenewRenewsLikeTheConsole() async throws {
        try await Harness.withSandbox { client in
            let body = Harness.with(Harness.minimal("shop.example.com", dnsNames: ["cart.example.com"]), "auto_renew", 1)
            let first = try await client.order(body)
            let before = try await client.decodedInfo(first)
            try await client.advance(days: 170)
            let today = await client.today()
            let reply = try await client.admin(.post, "orders/\(first)/renew")
            #expect(reply.status == 201, "\(reply.text)")
            let answer = try JSONValueDecoder().decode(OrderInfo.self, from: try #require(reply.json))
            #expect(answer.id != first && answer.isRenewal == true)
            #expect(answer.certificate.commonName == "shop.example.com" && answer.certificate.dnsNames == ["cart.example.com"])
            #expect(answer.certificate.csr == before.certificate.csr && answer.product?.nameID == before.product?.nameID)
            #expect(answer.autoRenew == 1)
            let credit = today.days(until: try #require(before.orderValidTill.flatMap(CalendarDate.init)))
            #expect(answer.orderValidTill == Harness.date(today, years: 1).adding(days: credit).description)
            let old = try await client.decodedInfo(first)
            #expect(old.isRenewed == true && old.renewedOrderID == answer.id)
            #expect(try await client.info(answer.id)["status"] == "issued")
            // Not a purchase by the client: orders_created counts what the API was asked for.
            let stats = try await client.stats()
            #expect(stats["orders_created"] == 1 && stats["admin_renewals"] == 1)
            let orders = try await client.admin(.get, "orders").json?["orders"]?.arrayValue ?? []
            #expect(orders.last?["renewal_of_order_id"]?.intValue == first)
        }
    }

    @Test func adminRenewKeepsACustomTermAsDays() async throws {
        try await Harness.withSandbox { client in
            let today = await client.today()
            let body = Harness.with(Harness.with(Harness.minimal(), "validity_years", nil), "custom_expiration_date",
                                    .string(today.adding(days: 300).description))
            let first = try await client.order(body)
            let reply = try await client.admin(.post, "orders/\(first)/renew")
            #expect(reply.status == 201, "\(reply.text)")
            #expect(reply.json?["order_valid_till"]?.stringValue == today.adding(days: 600).description)
        }
    }

    @Test func adminRenewRefusesWhatCannotBeRenewed() async throws {
        try await Harness.withSandbox(Harness.configuration { $0.issueAfter = 3600 }) { client in
            let pending = try await client.order(Harness.minimal())
            let early = try await client.admin(.post, "orders/\(pending)/renew")
            #expect(early.status == 400 && early.codes == ["invalid_order_status"])
            try await client.advance(days: 1)
            #expect(try await client.admin(.post, "orders/\(pending)/renew").status == 201)
            let twice = try await client.admin(.post, "orders/\(pending)/renew")
            #expect(twice.status == 400 && twice.codes == ["invalid_order_status"])
            #expect(try await client.admin(.post, "orders/999/renew").codes == ["not_found|order"])
            #expect(try await client.admin(.post, "orders/abc/renew").status == 404)
        }
    }
}
