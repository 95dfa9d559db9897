import Apply
import CertCentral
import CertCentralAPI
import Dates
import Foundation
import Plans
@testable import Sandbox
import States
import Testing

/// SPEC §5 "A look before buying": one read before each paid order.
@Suite struct LookBeforeBuyingTests {
    @Test func aRenewalMadeElsewhereIsAdoptedNotBoughtAgain() async throws {
        try await ApplyHarness.withSandbox { client, store in
            // An order, issued and recorded, then renewed outside certform (the console).
            let spec = ApplyHarness.spec("web")
            let first = try #require(ApplyHarness.changes([spec]).first?.request?.order)
            let placed = try await client.placeOrder(product: .sslDVGeoTrust, body: first)
            let info = try await client.orderInfo(placed.id)  // issued at the first read
            var renewal = first
            renewal.renewalOfOrderID = placed.id
            let elsewhere = try await client.placeOrder(product: .sslDVGeoTrust, body: renewal)
            var state = State()
            var record = OrderRecords.imported(info, expected: .sslDVGeoTrust)
            record.validTill = CalendarDateShim.daysFromNow(5)
            record.orderValidTill = record.validTill
            state.certificates["web"] = record
            let changes = ApplyHarness.changes([spec], state: state)
            #expect(changes.first?.action == .renew)
            let backend = FakeBackend(state)
            let outcomes = await Applier(client: client, writer: StateWriter(state: state, store: backend)).apply(changes, concurrency: 1) { _ in }
            guard case .renewedElsewhere(let orderID) = try #require(outcomes.first).kind else {
                Issue.record("expected the renewal to be adopted, got \(outcomes)")
                return
            }
            #expect(orderID == elsewhere.id)
            #expect(await store.currentStats().ordersCreated == 2)  // the first order and the one renewed elsewhere, no third
            let adopted = try #require(await backend.stored.certificates["web"])
            #expect(adopted.orderID == elsewhere.id)
            #expect(adopted.extra["renewed_outside"] == true)
            #expect(adopted.history.last?["order_id"]?.intValue == placed.id)
        }
    }

    @Test func aCreateForNamesCertCentralAlreadyHoldsIsBlocked() async throws {
        try await ApplyHarness.withSandbox { client, store in
            let spec = ApplyHarness.spec("web")
            // The state was lost after an earlier apply placed the order.
            let earlier = try await client.placeOrder(product: .sslDVGeoTrust, body: try #require(ApplyHarness.changes([spec]).first?.request?.order))
            let backend = FakeBackend()
            let outcomes = await Applier(client: client, writer: StateWriter(state: State(), store: backend))
                .apply(ApplyHarness.changes([spec]), concurrency: 1) { _ in }
            guard case .blocked(let reason) = try #require(outcomes.first).kind else {
                Issue.record("expected blocked, got \(outcomes)")
                return
            }
            #expect(reason.contains("certform import web \(earlier.id)"))
            #expect(await store.currentStats().ordersCreated == 1)
            #expect(await backend.stored.intents.isEmpty)
        }
    }

    @Test func aFreeReissueDoesNotLook() async throws {
        try await ApplyHarness.withSandbox { client, store in
            let spec = ApplyHarness.spec("web")
            let placed = try await client.placeOrder(product: .sslDVGeoTrust, body: try #require(ApplyHarness.changes([spec]).first?.request?.order))
            let info = try await client.orderInfo(placed.id)
            var state = State()
            var record = OrderRecords.imported(info, expected: .sslDVGeoTrust)
            record.validTill = CalendarDateShim.daysFromNow(5)
            record.orderValidTill = CalendarDateShim.daysFromNow(300)
            state.certificates["web"] = record
            let changes = ApplyHarness.changes([spec], state: state)
            #expect(changes.first?.action == .reissue)
            let before = await store.currentStats().requests
            let outcomes = await Applier(client: client, writer: StateWriter(state: state, store: FakeBackend(state))).apply(changes, concurrency: 1) { _ in }
            #expect(outcomes.allSatisfy { $0.succeeded })
            #expect(await store.currentStats().requests - before == 1)  // the reissue alone
        }
    }
}

enum CalendarDateShim {
    static func daysFromNow(_ days: Int) -> Dates.CalendarDate { Dates.CalendarDate(Date()).adding(days: days) }
}

/// A renewal made outside certform is adopted only with the record's names and product: an order
/// in another product (OV, EV), or one whose product CertCentral does not name, is not this
/// certificate's, and recording it as DV would hide it.
@Suite struct RenewalAdoptionTests {
    static func renewal(product: String?) throws -> OrderInfo {
        let productJSON = product.map { #", "product": {"name_id": "\#($0)", "name": "x"}"# } ?? ""
        let json = #"{"id": 200, "status": "issued", "certificate": {"common_name": "api.example.com", "dns_names": ["api.example.com"]}\#(productJSON)}"#
        return try JSONDecoder().decode(OrderInfo.self, from: Data(json.utf8))
    }

    @Test func onlyTheSameProductIsAdopted() throws {
        let record = StateRecord(orderID: 100, product: .sslDVGeoTrust, commonName: "api.example.com", dnsNames: [], status: .issued)
        #expect(OrderRecords.adoptingRenewal(record, renewal: try Self.renewal(product: "ssl_dv_geotrust"))?.orderID == 200)
        for product in ["ssl_ev_basic", "ssl_dv_rapidssl", "", nil] as [String?] {
            #expect(OrderRecords.adoptingRenewal(record, renewal: try Self.renewal(product: product)) == nil, "\(String(describing: product))")
        }
    }
}
