import CertCentralAPI
import Foundation
@testable import Apply
import Dates
import Plans
import States
import Testing

/// The record of an email-validated order keeps the `dcv_emails` it was placed with, so that
/// `certform dcv` names the addresses DigiCert writes to without reading the manifests.
@Suite struct DCVEmailsRecordTests {
    static let scopes = [DCVEmail(dnsName: "example.com", emailDomain: "example.com", email: "it@example.com"),
                         DCVEmail(dnsName: "www.example.com", emailDomain: "example.com")]

    @Test func theEntriesRoundTripThroughTheStateFile() throws {
        var record = StateRecord(orderID: 7, product: .sslDVGeoTrust, commonName: "example.com", dnsNames: ["www.example.com"], status: .pending)
        record.dcvEmails = Self.scopes
        var state = State()
        state.lineage = "00000000-0000-4000-8000-000000000000"
        state.certificates["web"] = record
        let read = try #require(try State(json: state.json).certificates["web"])
        #expect(read.dcvEmails == Self.scopes)
        #expect(read.json["dcv_emails"]?.arrayValue?.first?["email"] == "it@example.com")
        var cleared = read
        cleared.dcvEmails = []
        #expect(cleared.json["dcv_emails"] == nil, "no entries, no field")
    }

    @Test func anEntryThatDoesNotReadIsLeftOut() throws {
        var record = StateRecord(orderID: 7, product: .sslDVGeoTrust, commonName: "example.com", dnsNames: [], status: .pending)
        record.extra[StateRecord.dcvEmailsKey] = [["dns_name": "example.com"], ["dns_name": "example.com", "email_domain": "example.com"], "text"]
        #expect(record.dcvEmails == [DCVEmail(dnsName: "example.com", emailDomain: "example.com")])
    }

    @Test func aNewOrderNeverKeepsThePreviousOrdersEntries() {
        var previous = StateRecord(orderID: 7, product: .sslDVGeoTrust, commonName: "example.com", dnsNames: [], status: .issued)
        previous.dcvEmails = Self.scopes
        let change = Change(name: "web", action: .renew, reasons: [], product: .sslDVGeoTrust,
                            commonName: "example.com", dnsNames: [], orderID: 7)
        let renewed = OrderRecords.placed(change, orderID: 8, certificateID: nil, dcvRandomValue: nil, previous: previous, at: Date())
        #expect(renewed.dcvEmails.isEmpty)
        #expect(renewed.renewalOfOrderID == 7)
    }

    /// The intent written before an order is sent keeps its dcv_emails, so that an order adopted
    /// from it in a later run (after a kill, SPEC §5.2 step 7) says where DigiCert writes.
    @Test func theIntentKeepsTheEntriesTheOrderIsSentWith() throws {
        var change = try #require(ApplyHarness.changes([ApplyHarness.spec("web")]).first)
        var body = try #require(change.request?.order)
        body.dcvEmails = Self.scopes
        change.request = .order(body)
        let intent = Applier.intent(for: change, request: try #require(change.request), at: Date())
        #expect(intent.dcvEmails == Self.scopes)
        var state = State()
        state.lineage = "00000000-0000-4000-8000-000000000000"
        state.intents = [intent]
        #expect(try State(json: state.json).intents.first?.dcvEmails == Self.scopes)
        let plain = try #require(ApplyHarness.changes([ApplyHarness.spec("api")]).first)
        let none = Applier.intent(for: plain, request: try #require(plain.request), at: Date())
        #expect(none.json["dcv_emails"] == nil, "no entries, no field")
    }

    @Test func anOrderAdoptedFromALeftoverIntentKeepsItsEntries() async throws {
        try await ApplyHarness.withSandbox { client, _ in
            let change = try #require(ApplyHarness.changes([ApplyHarness.spec("web")]).first)
            let request = try #require(change.request?.order)
            _ = try await client.placeOrder(product: .sslDVGeoTrust, body: request)
            var intent = Applier.intent(for: change, request: .order(request), at: Date().addingTimeInterval(-60))
            intent.dcvEmails = Self.scopes
            var state = State()
            state.intents = [intent]
            let backend = FakeBackend(state)
            _ = await Applier(client: client, writer: StateWriter(state: state, store: backend)).resolveLeftoverIntents()
            let record = try #require(await backend.stored.certificates["web"])
            #expect(record.dcvEmails == Self.scopes)
        }
    }

    @Test func aResolvedIntentTakesItsEntriesAndAReissueKeepsItsOrders() {
        var previous = StateRecord(orderID: 7, product: .sslDVGeoTrust, commonName: "example.com", dnsNames: [], status: .issued)
        previous.dcvEmails = [DCVEmail(dnsName: "example.com", emailDomain: "example.com", email: "old@example.com")]
        var intent = Intent(id: "i-1", name: "web", action: .renew, createdAt: Timestamp.format(Date()), requestDigest: "sha256:x",
                            commonName: "example.com", product: .sslDVGeoTrust)
        intent.dcvEmails = Self.scopes
        #expect(OrderRecords.resolved(intent, orderID: 8, previous: previous).dcvEmails == Self.scopes)
        intent.action = .reissue
        #expect(OrderRecords.resolved(intent, orderID: 7, previous: previous).dcvEmails == previous.dcvEmails)
    }
}
