import CertCentralAPI
import Foundation
@testable import Apply
import Plans
import States
import Testing

/// What an intent carries so that the next run can settle it: a renamed certificate's intent
/// names the old name, whose record the request concerns until it succeeds.
@Suite struct IntentRecordTests {
    @Test func aRenamedCertificatesIntentNamesItsOldRecord() throws {
        var change = try #require(ApplyHarness.changes([ApplyHarness.spec("web")]).first)
        change.movedFrom = "old-web"
        for (action, expected) in [(Action.reissue, "old-web"), (.renew, "old-web"), (.create, nil)] as [(Action, String?)] {
            change.action = action
            let intent = Applier.intent(for: change, request: try #require(change.request), at: Date())
            #expect(intent.extra["moved_from"]?.stringValue == expected, "\(action)")
        }
        change.action = .reissue
        let intent = Applier.intent(for: change, request: try #require(change.request), at: Date())
        var state = State()
        state.lineage = "00000000-0000-4000-8000-000000000000"
        state.intents = [intent]
        let old = StateRecord(orderID: 7, product: .sslDVGeoTrust, commonName: "web.example.com", dnsNames: [], status: .issued)
        state.certificates["old-web"] = old
        let read = try State(json: state.json)
        let (previous, movedFrom) = Applier.previous(of: try #require(read.intents.first), in: read)
        #expect(previous == old && movedFrom == "old-web")
        // Once the new name has a record of its own, that is the one.
        state.certificates["web"] = StateRecord(orderID: 8, product: .sslDVGeoTrust, commonName: "web.example.com", dnsNames: [], status: .issued)
        #expect(Applier.previous(of: intent, in: state).0?.orderID == 8 && Applier.previous(of: intent, in: state).1 == nil)
    }
}
