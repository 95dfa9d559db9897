import CertCentralAPI
import CertformTestSupport
import Foundation
import JSON
import States
import Testing

/// SPEC §5 and §6 end to end, against the sandbox binary: what CertCentral does without certform
/// (renewals in the console or by auto-renew, revocations) and a lost state never cost a second
/// paid order.
@Suite(.serialized) struct OutsideChangesTests {
    /// Two certificates, ordered, issued and refreshed; the sandbox clock moved to 10 days before
    /// their expiry, when a renewal is due.
    static func issuedRepository() async throws -> (ApplyRepository, State) {
        let repo = try ApplyRepository(count: 2, extra: [0: ["validity_days: 199"], 1: ["validity_days: 199"]])
        let apply = try repo.certform(["apply", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(try repo.certform(["refresh"]).status == 0)
        try repo.advanceClock(days: 189)
        return (repo, try await repo.state())
    }

    func renewOutside(_ repo: ApplyRepository, order: Int) throws -> Int {
        let reply = try repo.sandbox.curl("POST", "/_sandbox/orders/\(order)/renew", key: nil)
        #expect(reply.status == 200 || reply.status == 201, "\(reply.body)")
        return try #require(try JSONParser.parse(reply.body)["id"]?.intValue)
    }

    @Test func aRenewalMadeOutsideIsAdoptedByTheDailyRefresh() async throws {
        let (repo, before) = try await Self.issuedRepository()
        let old = try #require(before.certificates["c00"]?.orderID)
        let renewal = try renewOutside(repo, order: old)
        let refresh = try repo.certform(["refresh"])
        #expect(refresh.status == 0, "\(refresh.stdout)\(refresh.stderr)")
        #expect(refresh.stdout.contains("renewed outside certform as order \(renewal); adopted"), "\(refresh.stdout)")
        let record = try #require(try await repo.state().certificates["c00"])
        #expect(record.orderID == renewal)
        #expect(record.extra["renewed_outside"] == true)
        #expect(record.history.last?["order_id"]?.intValue == old)
        let plan = try repo.certform(["plan", "--as-of", isoTime(daysFromNow: 189), "--format", "json"])
        let changes = try JSONParser.parse(plan.stdout)["changes"]?.arrayValue ?? []
        #expect(!changes.contains { $0["name"] == "c00" && $0["paid"] == true }, "\(plan.stdout)")
    }

    @Test func withoutARefreshApplyLooksAndAdoptsInsteadOfBuying() async throws {
        let (repo, before) = try await Self.issuedRepository()
        let old = try #require(before.certificates["c00"]?.orderID)
        let renewal = try renewOutside(repo, order: old)
        let apply = try repo.certform(["apply", "--auto-approve", "--as-of", isoTime(daysFromNow: 189)])
        #expect(apply.stdout.contains("already renewed outside certform as order \(renewal)"), "\(apply.stdout)\(apply.stderr)")
        let renewals = try repo.orders().filter { $0["renewal_of_order_id"]?.intValue == old }
        #expect(renewals.count == 1, "the sandbox must hold exactly one renewal of order \(old)")
        #expect(try await repo.state().certificates["c00"]?.orderID == renewal)
    }

    /// renewed_order_id is undocumented (reference §1): an order CertCentral says is renewed,
    /// without saying by which order, is never renewed again — apply blocks it, buying nothing.
    @Test func aRenewalCertCentralDoesNotNameBlocksApplyAndBuysNothing() async throws {
        let (repo, before) = try await Self.issuedRepository()
        let old = try #require(before.certificates["c00"]?.orderID)
        _ = try renewOutside(repo, order: old)
        let faults = try repo.sandbox.curl("POST", "/_sandbox/faults", body: #"{"unnamed_renewals": true}"#, key: nil)
        #expect(faults.status == 200, "\(faults.body)")
        let apply = try repo.certform(["apply", "--auto-approve", "--as-of", isoTime(daysFromNow: 189)])
        #expect(apply.stdout.contains("CertCentral reports order \(old) as renewed already, without naming the renewal order"), "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.contains("certform import c00 ORDER_ID"), "\(apply.stdout)")
        let renewals = try repo.orders().filter { $0["renewal_of_order_id"]?.intValue == old }
        #expect(renewals.count == 1, "the sandbox must hold exactly one renewal of order \(old): the one made outside")
        let record = try #require(try await repo.state().certificates["c00"])
        #expect(record.orderID == old && record.renewedElsewhereBy == 0, "marked, as refresh marks it")
        let plan = try repo.certform(["plan", "--as-of", isoTime(daysFromNow: 189), "--format", "json"])
        let changes = try JSONParser.parse(plan.stdout)["changes"]?.arrayValue ?? []
        #expect(changes.first { $0["name"] == "c00" }?["action"] == "blocked", "\(plan.stdout)")
    }

    @Test func refreshMarksARenewalCertCentralDoesNotNameAndThePlanBlocksIt() async throws {
        let (repo, before) = try await Self.issuedRepository()
        let old = try #require(before.certificates["c00"]?.orderID)
        _ = try renewOutside(repo, order: old)
        _ = try repo.sandbox.curl("POST", "/_sandbox/faults", body: #"{"unnamed_renewals": true}"#, key: nil)
        let refresh = try repo.certform(["refresh"])
        #expect(refresh.status == 0, "\(refresh.stdout)\(refresh.stderr)")
        #expect(refresh.stdout.contains("renewed outside certform, by an order CertCentral does not name"), "\(refresh.stdout)")
        let record = try #require(try await repo.state().certificates["c00"])
        #expect(record.orderID == old && record.renewedElsewhereBy == 0)
        let plan = try repo.certform(["plan", "--as-of", isoTime(daysFromNow: 189), "--format", "json"])
        let changes = try JSONParser.parse(plan.stdout)["changes"]?.arrayValue ?? []
        let c00 = try #require(changes.first { $0["name"] == "c00" }, "\(plan.stdout)")
        #expect(c00["action"] == "blocked" && c00["paid"] != true, "\(c00)")
        // Once CertCentral names the renewal, the next refresh adopts it.
        _ = try repo.sandbox.curl("POST", "/_sandbox/faults", body: #"{"unnamed_renewals": false}"#, key: nil)
        #expect(try repo.certform(["refresh"]).stdout.contains("; adopted"))
        #expect(try await repo.state().certificates["c00"]?.renewedElsewhereBy == nil)
    }

    @Test func aRevokedOrderIsRecordedAndOrderedAnew() async throws {
        let (repo, before) = try await Self.issuedRepository()
        let revoked = try #require(before.certificates["c01"]?.orderID)
        #expect(try repo.sandbox.curl("POST", "/_sandbox/orders/\(revoked)/revoke", key: nil).status == 200)
        let refresh = try repo.certform(["refresh"])
        #expect(refresh.stdout.contains("status issued → revoked"), "\(refresh.stdout)")
        #expect(try await repo.state().certificates["c01"]?.status == .revoked)
        let plan = try repo.certform(["plan", "--as-of", isoTime(daysFromNow: 1)])
        #expect(plan.stdout.contains("+ c01"), "\(plan.stdout)")
        #expect(plan.stdout.contains("order \(revoked) was revoked; a new order replaces it"), "\(plan.stdout)")
    }

    @Test func aLostStateBlocksEveryCreateAndPlacesNothing() async throws {
        let repo = try ApplyRepository(count: 3)
        #expect(try repo.certform(["apply", "--auto-approve"]).status == 0)
        let placed = try repo.orders().compactMap { $0["id"]?.intValue }
        try FileManager.default.removeItem(atPath: repo.statePath)
        let again = try repo.certform(["apply", "--auto-approve"])
        #expect(again.status == 1)
        for id in placed {
            #expect(again.stdout.contains("CertCentral already holds order \(id)"), "\(again.stdout)")
        }
        #expect(again.stdout.contains("certform import c00 "), "\(again.stdout)")
        #expect(try repo.orders().count == 3, "nothing may be bought again")
    }

    @Test func maxOrdersDefaultsTo25() throws {
        let repo = try ApplyRepository(count: 26)
        let refused = try repo.certform(["apply", "--auto-approve"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("more than --max-orders 25; nothing was sent"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--max-orders unlimited"))
        // The limit is checked before anyone is asked to approve.
        let asked = try repo.certform(["apply"])
        #expect(asked.stderr.contains("more than --max-orders 25") && !asked.stderr.contains("not a terminal"), "\(asked.stderr)")
        #expect(try repo.orders().isEmpty)
    }

    /// A daily refresh of a large account: one list request per 1,000 orders, order info only
    /// for what may have changed.
    @Test func refreshingTenThousandOrdersListsFirst() async throws {
        let repo = try ApplyRepository(count: 3)
        #expect(try repo.certform(["apply", "--auto-approve"]).status == 0)
        #expect(try repo.certform(["refresh"]).status == 0)
        let seed = try repo.sandbox.curl("POST", "/_sandbox/orders/seed", body: #"{"count": 9997, "common_name_prefix": "s", "status": "issued"}"#, key: nil)
        #expect(seed.status == 200 || seed.status == 201, "\(seed.body)")
        let before = try JSONParser.parse(try repo.sandbox.stats())["requests_by_route"]
        let refresh = try repo.certform(["refresh"])
        #expect(refresh.status == 0, "\(refresh.stdout)\(refresh.stderr)")
        let after = try JSONParser.parse(try repo.sandbox.stats())["requests_by_route"]
        let lists = (after?["list_orders"]?.intValue ?? 0) - (before?["list_orders"]?.intValue ?? 0)
        let reads = (after?["order_info"]?.intValue ?? 0) - (before?["order_info"]?.intValue ?? 0)
        #expect(lists <= 10, "\(lists) list requests")
        #expect(reads <= 3, "\(reads) order-info reads for 3 orders in state, none changed")
        #expect(refresh.stdout.contains("10000 orders listed in \(lists) requests"), "\(refresh.stdout)")
    }
}
