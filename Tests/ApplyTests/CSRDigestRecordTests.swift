import CertCentralAPI
import Foundation
@testable import Apply
import Plans
import States
import Testing

/// The record apply writes carries the plan's `csr_digest`, so that the next plan need not
/// verify that CSR again; a reissue replaces it with the new CSR's.
@Suite struct CSRDigestRecordTests {
    static func change(_ action: Action, csrDigest: String) -> Change {
        var change = Change(name: "web", action: action, reasons: [], product: .sslDVGeoTrust,
                            commonName: "example.com", dnsNames: ["www.example.com"], orderID: action == .create ? nil : 1001)
        change.specDigest = "sha256:spec-" + csrDigest
        change.settingsDigest = "sha256:settings"
        change.csrDigest = csrDigest
        return change
    }

    @Test func aPlacedOrderRecordsTheCSRDigestWithItsSpecDigest() {
        let record = OrderRecords.placed(Self.change(.create, csrDigest: "sha256:one"), orderID: 1001, certificateID: nil,
                                         dcvRandomValue: nil, previous: nil, at: Date())
        #expect(record.csrDigest == "sha256:one" && record.specDigest == "sha256:spec-sha256:one")
        #expect(record.json["csr_digest"]?.stringValue == "sha256:one")
    }

    @Test func aReissueReplacesTheCSRDigest() {
        let placed = OrderRecords.placed(Self.change(.create, csrDigest: "sha256:one"), orderID: 1001, certificateID: nil,
                                         dcvRandomValue: nil, previous: nil, at: Date())
        let reissued = OrderRecords.reissued(Self.change(.reissue, csrDigest: "sha256:two"), previous: placed, at: Date())
        #expect(reissued.csrDigest == "sha256:two" && reissued.specDigest == "sha256:spec-sha256:two")
    }

    @Test func theFieldRoundTripsThroughTheStateFile() throws {
        var record = StateRecord(orderID: 7, product: .sslDVGeoTrust, commonName: "example.com", dnsNames: [], status: .issued)
        record.csrDigest = "sha256:abc"
        var state = State()
        state.lineage = "00000000-0000-4000-8000-000000000000"
        state.certificates["web"] = record
        let read = try State(json: state.json)
        #expect(read.certificates["web"]?.csrDigest == "sha256:abc")
        #expect(read.certificates["web"]?.extra["csr_digest"] == nil, "a known field, not an extra one")
    }
}
