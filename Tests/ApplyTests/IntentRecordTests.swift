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

/// `--concurrency` comes from the command line: a limit far above the work is the work's size,
/// not a loop of that many launches (`--concurrency 9223372036854775807` ran for minutes).
@Suite struct BoundedConcurrencyTests {
    @Test func aHugeLimitRunsEachItemOnce() async {
        let results = await runBounded([1, 2, 3], limit: Int.max, body: { $0 * 10 }, progress: { _ in })
        #expect(results.sorted() == [10, 20, 30])
        #expect(await runBounded([Int](), limit: Int.max, body: { $0 }, progress: { _ in }).isEmpty)
        #expect(await runBounded([1, 2], limit: 0, body: { $0 }, progress: { _ in }).sorted() == [1, 2])
    }
}
