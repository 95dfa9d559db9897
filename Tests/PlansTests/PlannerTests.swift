import CertCentralAPI
import Dates
import Foundation
import JSON
import Manifests
@testable import Plans
import States
import Testing

/// One row of the SPEC §4 table: a spec, its record, and the exact decision.
struct PlannerCase: CustomTestStringConvertible, Sendable {
    var label: String
    var spec: CertificateSpec
    var record: StateRecord?
    var action: Action
    var reasons: [String]
    var notes: [String] = []

    var testDescription: String { label }
}

@Suite struct PlannerTableTests {
    static let spec = Fixture.spec()
    static func record(_ change: (inout StateRecord) -> Void = { _ in }, expiresIn: Int? = 100, orderCoversFor: Int? = 300) -> StateRecord {
        var record = Fixture.record(for: spec, expiresIn: expiresIn, orderCoversFor: orderCoversFor)
        change(&record)
        return record
    }

    static let cases: [PlannerCase] = [
        PlannerCase(label: "in manifests, not in state: create", spec: spec, record: nil, action: .create,
                    reasons: ["no order in state"]),
        PlannerCase(label: "nothing changed: none", spec: spec, record: record(expiresIn: 31), action: .none, reasons: []),
        PlannerCase(label: "expiry one day outside the window: none", spec: spec, record: record(expiresIn: 31, orderCoversFor: 31), action: .none, reasons: []),
        PlannerCase(label: "expiry exactly renew_before_days away, order covers: reissue", spec: spec, record: record(expiresIn: 30, orderCoversFor: 300), action: .reissue,
                    reasons: ["certificate expires 2026-12-31, 30 days after as-of; renew_before_days is 30",
                              "order 1001 covers until 2027-09-27, 300 days after as-of, beyond the 30-day window: a free reissue"]),
        PlannerCase(label: "expiry one day inside the window, order covers: reissue", spec: spec, record: record(expiresIn: 29, orderCoversFor: 31), action: .reissue,
                    reasons: ["certificate expires 2026-12-30, 29 days after as-of; renew_before_days is 30",
                              "order 1001 covers until 2027-01-01, 31 days after as-of, beyond the 30-day window: a free reissue"]),
        PlannerCase(label: "order_valid_till exactly at the window: renew", spec: spec, record: record(expiresIn: 29, orderCoversFor: 30), action: .renew,
                    reasons: ["certificate expires 2026-12-30, 29 days after as-of; renew_before_days is 30",
                              "order 1001 covers only until 2026-12-31, 30 days after as-of, not beyond the 30-day window: a renewal"]),
        PlannerCase(label: "order coverage unknown: renew", spec: spec, record: record(expiresIn: 10, orderCoversFor: nil), action: .renew,
                    reasons: ["certificate expires 2026-12-11, 10 days after as-of; renew_before_days is 30",
                              "order 1001 has no known order_valid_till: a renewal"]),
        PlannerCase(label: "expires on the as-of day: still valid, inside the window", spec: spec, record: record(expiresIn: 0, orderCoversFor: 20), action: .renew,
                    reasons: ["certificate expires 2026-12-01, 0 days after as-of; renew_before_days is 30",
                              "order 1001 covers only until 2026-12-21, 20 days after as-of, not beyond the 30-day window: a renewal"]),
        PlannerCase(label: "valid_till has passed: renew even when the order covers", spec: spec, record: record(expiresIn: -1, orderCoversFor: 300), action: .renew,
                    reasons: ["certificate expired 2026-11-30, 1 day before as-of"]),
        PlannerCase(label: "status expired: renew", spec: spec, record: record({ $0.status = OrderStatus("expired") }, expiresIn: -40), action: .renew,
                    reasons: ["order 1001 is expired"]),
        PlannerCase(label: "common_name changed, order covers: reissue", spec: Fixture.spec(commonName: "example.org", dnsNames: ["www.example.com"]), record: record(), action: .reissue,
                    reasons: ["common_name changed from 'example.com' to 'example.org'",
                              "order 1001 covers until 2027-09-27, 300 days after as-of, beyond the 30-day window: a free reissue"]),
        PlannerCase(label: "dns_names changed, order does not cover: renew", spec: Fixture.spec(dnsNames: ["api.example.com"]), record: record(orderCoversFor: 20), action: .renew,
                    reasons: ["dns_names changed: +api.example.com, -www.example.com",
                              "order 1001 covers only until 2026-12-21, 20 days after as-of, not beyond the 30-day window: a renewal"],
                    notes: ["this renewal comes 100 days before the certificate expires; DigiCert documents renewals from 90 days before, not whether an earlier one carries the unused days over or is a plain new order"]),
        PlannerCase(label: "dns_names reordered: none", spec: Fixture.spec(dnsNames: ["b.example.com", "a.example.com"]),
                    record: Fixture.record(for: Fixture.spec(dnsNames: ["a.example.com", "b.example.com"])), action: .none, reasons: []),
        PlannerCase(label: "CSR changed: reissue", spec: Fixture.spec(key: "key-2"), record: record(), action: .reissue,
                    reasons: ["the CSR changed (a new key or new names)",
                              "order 1001 covers until 2027-09-27, 300 days after as-of, beyond the 30-day window: a free reissue"]),
        PlannerCase(label: "product changed: renew", spec: Fixture.spec(product: .sslDVRapidSSL), record: record(), action: .renew,
                    reasons: ["product changed from ssl_dv_geotrust to ssl_dv_rapidssl; a product change needs a new order"],
                    notes: ["this renewal comes 100 days before the certificate expires; DigiCert documents renewals from 90 days before, not whether an earlier one carries the unused days over or is a plain new order"]),
        PlannerCase(label: "pending: wait", spec: spec, record: record({ $0.status = OrderStatus("pending") }), action: .wait,
                    reasons: ["order 1001 is pending in CertCentral; nothing to do until it completes"]),
        PlannerCase(label: "needs_approval: wait", spec: spec, record: record({ $0.status = OrderStatus("needs_approval") }), action: .wait,
                    reasons: ["order 1001 is needs_approval in CertCentral; nothing to do until it completes"]),
        PlannerCase(label: "processing: wait", spec: spec, record: record({ $0.status = OrderStatus("processing") }), action: .wait,
                    reasons: ["order 1001 is processing in CertCentral; nothing to do until it completes"]),
        PlannerCase(label: "reissue_pending: wait", spec: spec, record: record({ $0.status = OrderStatus("reissue_pending") }, expiresIn: 3), action: .wait,
                    reasons: ["order 1001 is reissue_pending in CertCentral; nothing to do until it completes"]),
        PlannerCase(label: "waiting_pickup: wait", spec: spec, record: record({ $0.status = OrderStatus("waiting_pickup") }), action: .wait,
                    reasons: ["order 1001 is waiting_pickup in CertCentral; nothing to do until it completes"]),
        PlannerCase(label: "unknown status: wait", spec: spec, record: record({ $0.status = OrderStatus("on_hold") }), action: .wait,
                    reasons: ["order 1001 has the status 'on_hold', which certform does not know; run 'certform refresh'"]),
        PlannerCase(label: "rejected: create", spec: spec, record: record({ $0.status = OrderStatus("rejected") }), action: .create,
                    reasons: ["order 1001 was rejected; a new order replaces it"]),
        PlannerCase(label: "canceled: create", spec: spec, record: record({ $0.status = OrderStatus("canceled") }), action: .create,
                    reasons: ["order 1001 was canceled; a new order replaces it"]),
        PlannerCase(label: "revoked: create", spec: spec, record: record({ $0.status = OrderStatus("revoked") }), action: .create,
                    reasons: ["order 1001 was revoked; a new order replaces it"]),
        PlannerCase(label: "denied: create", spec: spec, record: record({ $0.status = OrderStatus("denied") }), action: .create,
                    reasons: ["order 1001 was denied; a new order replaces it"]),
        PlannerCase(label: "settings changed only: none with a note", spec: { var s = Fixture.spec(); s.comments = "new"; return s }(), record: record(), action: .none,
                    reasons: [], notes: ["order settings changed (validity, comments, contacts, custom fields, payment, DCV…); they take effect at the next order"]),
        PlannerCase(label: "record without spec_digest compares names only", spec: Fixture.spec(key: "other-key"), record: record({ $0.specDigest = nil }), action: .none, reasons: []),
        // The spec digest is compared as held, which is equal exactly when the text is: written
        // another way by hand, it is another digest.
        PlannerCase(label: "spec_digest in upper case: a changed CSR", spec: spec,
                    record: record({ $0.specDigest = $0.specDigest.map { "sha256:" + $0.dropFirst(7).uppercased() } }), action: .reissue,
                    reasons: ["the CSR changed (a new key or new names)",
                              "order 1001 covers until 2027-09-27, 300 days after as-of, beyond the 30-day window: a free reissue"]),
        PlannerCase(label: "spec_digest of another form: a changed CSR", spec: spec,
                    record: record({ $0.specDigest = "sha1:0123" }), action: .reissue,
                    reasons: ["the CSR changed (a new key or new names)",
                              "order 1001 covers until 2027-09-27, 300 days after as-of, beyond the 30-day window: a free reissue"]),
        PlannerCase(label: "expiry unknown: none with a note", spec: spec, record: record(expiresIn: nil), action: .none, reasons: [],
                    notes: ["the certificate's expiry is not known; run 'certform refresh'"]),
    ]

    @Test(arguments: cases)
    func decision(_ row: PlannerCase) {
        let records = row.record.map { ["web": $0] } ?? [:]
        let plan = Fixture.plan([row.spec], Fixture.state(records))
        let change = plan.changes.first { $0.name == "web" }
        #expect(change?.action == row.action)
        #expect(change?.reasons == row.reasons)
        #expect(change?.notes == row.notes)
        #expect(change?.isPaid == (row.action == .create || row.action == .renew))
        #expect((change?.request != nil) == row.action.isChange)
    }
}

@Suite struct PlannerTests {
    /// A plan compares a certificate's names with its record's as bytes first (the usual case)
    /// and as strings when the bytes differ: the same names in other bytes (canonically
    /// equivalent, as a hand-edited state may hold them), another order of `dns_names`, or
    /// `dns_names` left out against a record with none are no change; other names are one.
    @Test(arguments: [
        ("caf\u{E9}.example", ["www.example.com"], "cafe\u{301}.example", ["www.example.com"], true),
        ("example.com", ["a.example.com", "caf\u{E9}.example"], "example.com", ["a.example.com", "cafe\u{301}.example"], true),
        ("example.com", ["b.example.com", "a.example.com"], "example.com", ["a.example.com", "b.example.com"], true),
        ("example.com", [], "example.com", [], true),
        ("example.com", ["www.example.com"], "example.org", ["www.example.com"], false),
        ("example.com", ["www.example.com"], "example.com", ["www.example.com", "api.example.com"], false),
        ("example.com", ["www.example.com"], "example.com", ["www.example.co"], false),
    ])
    func namesCompareAsStringsWhateverTheirBytes(specName: String, specDNS: [String], recordName: String, recordDNS: [String], same: Bool) throws {
        let spec = Fixture.spec(commonName: specName, dnsNames: specDNS)
        var record = Fixture.record(for: spec)
        (record.commonName, record.dnsNames) = (recordName, recordDNS)
        let sameBytes = Array(specName.utf8) == Array(recordName.utf8) && specDNS.map { Array($0.utf8) } == recordDNS.map { Array($0.utf8) }
        #expect(record.names.hasSameBytes(as: spec.names) == sameBytes)
        let change = try #require(Fixture.plan([spec], Fixture.state(["web": record])).changes.first)
        if same {
            #expect(change.action == .none && change.reasons.isEmpty, "\(change.reasons)")
        } else {
            #expect(change.action == .reissue && change.reasons.contains { $0.contains("changed") }, "\(change.reasons)")
        }
    }

    @Test func dnsNamesLeftOutAreNoneAsInTheRecord() throws {
        var spec = Fixture.spec(dnsNames: [])
        spec.dnsNames = nil
        let record = Fixture.record(for: spec)
        #expect(record.dnsNames == [] && spec.dnsNames == nil && record.names.hasSameBytes(as: spec.names))
        let change = try #require(Fixture.plan([spec], Fixture.state(["web": record])).changes.first)
        #expect(change.action == .none && change.reasons.isEmpty && change.dnsNames == [])
    }

    @Test func renewalCarriesOrderAndThumbprintFromState() throws {
        let spec = Fixture.spec()
        let record = Fixture.record(for: spec, expiresIn: 5, orderCoversFor: 5, orderID: 6484932)
        let change = try #require(Fixture.plan([spec], Fixture.state(["web": record])).changes.first)
        #expect(change.action == .renew)
        let request = try #require(change.request?.json)
        #expect(request["renewal_of_order_id"] == .int(6484932))
        #expect(request["renewed_thumbprint"] == .string("7D236B54D19D5EACF0881FAF24D51DFE5D23E945"))
        #expect(request["certificate"]?["common_name"] == .string("example.com"))
        #expect(request["certificate"]?["csr"] == .string(spec.csr))
        #expect(change.renewalOfOrderID == 6484932)
    }

    @Test func renewalWithoutKnownThumbprintSendsOnlyTheOrderID() throws {
        let spec = Fixture.spec()
        let record = Fixture.record(for: spec, expiresIn: 5, orderCoversFor: 5, thumbprint: nil)
        let change = try #require(Fixture.plan([spec], Fixture.state(["web": record])).changes.first)
        #expect(change.request?.json["renewal_of_order_id"] == .int(1001))
        #expect(change.request?.json["renewed_thumbprint"] == nil)
    }

    @Test func createSendsExactlyWhatTheManifestSets() throws {
        var spec = Fixture.spec()
        spec.comments = "Message for the approver."
        spec.customFields = [CustomField(metadataID: 12, value: "0012")]
        let change = try #require(Fixture.plan([spec], Fixture.state([:])).changes.first)
        #expect(change.request?.json == [
            "certificate": ["common_name": "example.com", "dns_names": ["www.example.com"], "csr": .string(spec.csr)],
            "validity_years": 1, "dcv_method": "dns-txt-token", "skip_approval": true,
            "comments": "Message for the approver.",
            "custom_fields": [["metadata_id": 12, "value": "0012"]],
        ])
    }

    @Test func reissueSendsTheReissueBody() throws {
        let spec = Fixture.spec(key: "key-2")
        let change = try #require(Fixture.plan([spec], Fixture.state(["web": Fixture.record(for: Fixture.spec())])).changes.first)
        #expect(change.action == .reissue)
        #expect(change.request?.json == ["certificate": ["common_name": "example.com", "dns_names": ["www.example.com"], "csr": .string(spec.csr)], "skip_approval": true])
    }

    @Test func orphanIsReportedAndNothingIsSent() throws {
        let old = Fixture.spec("old", commonName: "old.example.net", dnsNames: [])
        let plan = Fixture.plan([], Fixture.state(["old": Fixture.record(for: old, orderID: 6483333)]))
        let change = try #require(plan.changes.first)
        #expect(change.action == .orphan)
        #expect(change.reasons == ["order 6483333 is in state but in no manifest; nothing will be done"])
        #expect(change.request == nil)
    }

    @Test func createWithTheNamesOfAnActiveOrderUnderAnotherNameIsBlocked() throws {
        let old = Fixture.spec("old")
        let new = Fixture.spec("new")
        let plan = Fixture.plan([new], Fixture.state(["old": Fixture.record(for: old)]))
        #expect(plan.changes.map(\.action) == [.blocked, .orphan])
        #expect(plan.changes[0].reasons == ["'example.com' with the same names is already ordered under 'old'; add 'moved_from: old' if this is a rename, or run 'certform state forget old'"])
    }

    /// A state edited by hand or in a pull request can record one order under two names; each
    /// would renew it, and apply would buy two renewals of one order.
    @Test func anOrderRecordedUnderTwoNamesBlocksBoth() throws {
        let api = Fixture.spec("api", commonName: "api.example.com", dnsNames: [])
        let dup = Fixture.spec("dup", commonName: "api.example.com", dnsNames: [])
        let record = Fixture.record(for: api, expiresIn: 5, orderCoversFor: 5, orderID: 6484932)
        let plan = Fixture.plan([api, dup], Fixture.state(["api": record, "dup": record, "other": Fixture.record(for: Fixture.spec(), orderID: 7)]))
        #expect(plan.changes.map(\.name) == ["api", "dup", "other"])
        #expect(plan.changes.map(\.action) == [.blocked, .blocked, .orphan])
        #expect(plan.changes[0].reasons == ["order 6484932 is recorded under 'dup' too, and one order is one certificate; run 'certform state forget' for the name it does not belong to"])
        #expect(plan.changes[0].request == nil && plan.changes[1].request == nil && plan.changes[0].renewalOfOrderID == nil)
        #expect(plan.summary.paidOrders == 0)
        // Alone, the same record renews.
        #expect(Fixture.plan([api], Fixture.state(["api": record])).changes.map(\.action) == [.renew])
        // A renamed certificate adopts one of the two records: still blocked; an orphan holding
        // the order stays an orphan (it sends nothing).
        var renamed = Fixture.spec("api-new", commonName: "api.example.com", dnsNames: [])
        renamed.movedFrom = "api"
        let moved = Fixture.plan([renamed], Fixture.state(["api": record, "dup": record]))
        #expect(moved.changes.map(\.name) == ["api-new", "dup"])
        #expect(moved.changes.map(\.action) == [.blocked, .orphan])
        #expect(moved.changes[0].reasons.first?.hasPrefix("order 6484932 is recorded under 'dup' too") == true, "\(moved.changes[0].reasons)")
        // The order in another name's history: renewed once already, under that name.
        var renewedOnce = Fixture.record(for: dup, orderID: 6490000)
        renewedOnce.history = [["order_id": 6484932, "ended": "renewed"]]
        let history = Fixture.plan([api, dup], Fixture.state(["api": record, "dup": renewedOnce]))
        #expect(history.changes.map(\.action) == [.blocked, .none])
        #expect(history.changes[0].reasons.first?.hasPrefix("order 6484932 is recorded under 'dup' too") == true)
    }

    @Test func sortedOrderIDsAreSearchedExactly() {
        let ids = [3, 5, 5, 9, 12]
        #expect([3, 5, 9, 12].allSatisfy { Planner.contains(ids, $0) })
        #expect(![0, 4, 6, 10, 13].contains { Planner.contains(ids, $0) })
        #expect(!Planner.contains([], 1))
    }

    @Test func sameNamesUnderAFailedOrderDoNotBlock() {
        let old = Fixture.spec("old")
        var record = Fixture.record(for: old)
        record.status = OrderStatus("revoked")
        let plan = Fixture.plan([Fixture.spec("new")], Fixture.state(["old": record]))
        #expect(plan.changes.map(\.action) == [.create, .orphan])
    }

    @Test func movedFromAdoptsTheOldRecord() throws {
        var new = Fixture.spec("new")
        new.movedFrom = "old"
        let plan = Fixture.plan([new], Fixture.state(["old": Fixture.record(for: Fixture.spec("old"))]))
        #expect(plan.changes.count == 1)
        let change = plan.changes[0]
        #expect(change.action == .none)
        #expect(change.movedFrom == "old")
        #expect(change.orderID == 1001)
        #expect(change.reasons == ["adopts the state record of 'old' (moved_from)"])
        #expect(plan.listedChanges.count == 1)
    }

    @Test func movedFromIsIgnoredWhenTheNewNameHasARecord() {
        var new = Fixture.spec("new", commonName: "new.example.com", dnsNames: [])
        new.movedFrom = "old"
        let state = Fixture.state(["old": Fixture.record(for: Fixture.spec("old")), "new": Fixture.record(for: Fixture.spec("new", commonName: "new.example.com", dnsNames: []), orderID: 1002)])
        let plan = Fixture.plan([new], state)
        #expect(plan.changes.map(\.action) == [.none, .orphan])
        #expect(plan.changes[0].notes == ["moved_from 'old' is ignored: 'new' already has a state record"])
    }

    @Test func unresolvedIntentBlocksItsName() throws {
        let intent = Intent(id: "i-1", name: "web", action: .create, createdAt: "2026-11-30T10:00:00Z",
                            requestDigest: "sha256:x", commonName: "example.com", product: .sslDVGeoTrust)
        let plan = Fixture.plan([Fixture.spec()], Fixture.state([:], intents: [intent]))
        let change = try #require(plan.changes.first)
        #expect(change.action == .blocked)
        #expect(change.reasons == ["an unresolved intent i-1 (create at 2026-11-30T10:00:00Z) may have placed an order; run 'certform apply' or 'certform refresh' to look it up, or 'certform state resolve i-1 --order ID' / '--not-placed'"])
        #expect(change.request == nil)
    }

    @Test func intentForANameInNoManifestStillBlocks() {
        let intent = Intent(id: "i-2", name: "gone", action: .create, createdAt: "2026-11-30T10:00:00Z",
                            requestDigest: "sha256:x", commonName: "gone.example.com", product: .sslDVGeoTrust)
        let plan = Fixture.plan([], Fixture.state([:], intents: [intent]))
        #expect(plan.changes.map(\.action) == [.blocked])
    }

    @Test func summaryCountsAndPaidOrders() {
        let specs = [Fixture.spec("a", commonName: "a.example.com", dnsNames: []), Fixture.spec("b", commonName: "b.example.com", dnsNames: []),
                     Fixture.spec("c", commonName: "c.example.com", dnsNames: [])]
        let state = Fixture.state([
            "b": Fixture.record(for: specs[1], expiresIn: 3, orderCoversFor: 3, orderID: 2),
            "c": Fixture.record(for: specs[2], orderID: 3),
            "d": Fixture.record(for: Fixture.spec("d", commonName: "d.example.com", dnsNames: []), orderID: 4),
        ])
        let plan = Fixture.plan(specs, state)
        #expect(plan.summary.line == "1 create, 1 renew, 0 reissue, 1 unchanged, 1 orphan, 0 waiting, 0 blocked · 2 paid orders")
        #expect(plan.summary.hasChanges)
        #expect(plan.changes.map(\.name) == ["a", "b", "c", "d"])
    }

    /// Among thousands (the records found are counted on every core), a certificate without a
    /// record is still a create, one that adopts an old record is not, and the one record that no
    /// certificate finds is still an orphan: one more found would hide it.
    @Test(arguments: [false, true])
    func recordsFoundAmongThousandsLeaveEveryOrphanAndCreate(renames: Bool) {
        var specs: [CertificateSpec] = []
        var records: [String: StateRecord] = [:]
        for index in 0..<6_000 {
            let name = String(format: "c%05d", index)
            var spec = Fixture.spec(name, commonName: "\(name).example.com", dnsNames: [], key: "k\(index)")
            switch index % 10 {
            case 0: break  // no record: a create
            case 1 where renames:
                spec.movedFrom = "old-\(name)"
                records["old-\(name)"] = Fixture.record(for: Fixture.spec("old-\(name)", commonName: "\(name).example.com", dnsNames: [], key: "k\(index)"), orderID: index)
            default: records[name] = Fixture.record(for: spec, orderID: index)
            }
            specs.append(spec)
        }
        records["gone"] = Fixture.record(for: Fixture.spec("gone", commonName: "gone.example.com", dnsNames: []), orderID: 90_000)
        let plan = Fixture.plan(specs, Fixture.state(records))
        #expect(plan.summary[.create] == 600)
        #expect(plan.summary[.orphan] == 1)
        #expect(plan.summary[.none] == 5_400)
        #expect(plan.changes.filter { $0.movedFrom != nil }.count == (renames ? 600 : 0))
    }

    /// The records found, looked up on every core, are what one loop over the certificates finds,
    /// each in its certificate's place, for counts that the cores' chunks do not divide evenly,
    /// with and without adoptions.
    @Test(arguments: [0, 1, 4_095, 4_096, 4_097, 9_999])
    func recordsFoundAreWhatOneLoopFinds(count: Int) {
        let specs = (0..<count).map { Fixture.spec("c\($0)", commonName: "c\($0).example.com", dnsNames: []) }
        var records: [String: StateRecord] = [:], adopted: [String: String] = [:]
        for (index, spec) in specs.enumerated() {
            if index % 3 == 0 { records[spec.name] = Fixture.record(for: spec, orderID: index) }
            if index % 7 == 0 {
                adopted[spec.name] = "old-\(spec.name)"
                if index % 2 == 0 { records["old-\(spec.name)"] = Fixture.record(for: spec, orderID: 50_000 + index) }
            }
        }
        let state = Fixture.state(records)
        for adoptions in [adopted, [:]] {
            let expected = specs.map { state.certificates[adoptions[$0.name] ?? $0.name]?.orderID }
            #expect(Planner.records(of: specs, state: state, adopted: adoptions).map { $0?.orderID } == expected, "\(count), \(adoptions.count) adopted")
        }
    }

    @Test func planningIsLinearInPractice() {
        // 5,000 certificates with a matching state plan in one pass (no quadratic lookups).
        var specs: [CertificateSpec] = []
        var records: [String: StateRecord] = [:]
        for index in 0..<5_000 {
            let spec = Fixture.spec("c\(index)", commonName: "c\(index).example.com", dnsNames: [], key: "k\(index)")
            specs.append(spec)
            records[spec.name] = Fixture.record(for: spec, orderID: index)
        }
        let plan = Fixture.plan(specs, Fixture.state(records))
        #expect(plan.summary[.none] == 5_000)
    }
}
