import CertCentralAPI
import Foundation
@testable import Apply
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
}
