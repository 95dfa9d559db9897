import Apply
import CertCentralAPI
import JSON
import States
import Testing

/// The lookup rules of SPEC §5.2 on list answers as CertCentral writes them.
@Suite struct IntentLookupTests {
    static let intent = Intent(id: "i-1", name: "web", action: .create, createdAt: "2026-11-29T10:00:00Z",
                               requestDigest: "sha256:x", commonName: "web.example.com", product: .sslDVGeoTrust,
                               extra: ["dns_names": ["www.web.example.com"]])

    static func order(_ id: Int, names: [String] = ["www.web.example.com"], product: String = "ssl_dv_geotrust",
                      created: String? = "2026-11-29T10:00:05+00:00", status: OrderStatus = .pending) -> OrderListItem {
        var item = OrderListItem(id: id, status: status, certificate: CertificateInfo(id: id + 1, commonName: "web.example.com", dnsNames: names))
        item.dateCreated = created
        item.product = ProductInfo(nameID: product, name: nil, type: nil)
        return item
    }

    @Test func oneExactMatchIsTheOrder() {
        #expect(IntentResolver.classify([Self.order(7)], for: Self.intent, known: []) == .one(7))
        // The documented shape: dns_names without the common name, or with it — the same set.
        #expect(IntentResolver.classify([Self.order(7, names: ["web.example.com", "www.web.example.com"])], for: Self.intent, known: []) == .one(7))
    }

    @Test func nothingListedIsNotPlaced() {
        #expect(IntentResolver.classify([], for: Self.intent, known: []) == .none)
        // An old order that ended long ago is no candidate.
        #expect(IntentResolver.classify([Self.order(3, created: "2025-01-01T00:00:00+00:00", status: .revoked)], for: Self.intent, known: []) == .none)
    }

    @Test(arguments: [
        ("the CA added a name", IntentLookupTests.order(7, names: ["www.web.example.com", "mail.web.example.com"])),
        ("the date has no zone", IntentLookupTests.order(7, created: "2026-11-29T10:00:05")),
        ("the date is missing", IntentLookupTests.order(7, created: nil)),
        ("the product differs", IntentLookupTests.order(7, product: "ssl_dv_rapidssl")),
        ("an active order dated before the intent less the skew", IntentLookupTests.order(7, created: "2026-11-29T09:49:00+00:00", status: .issued)),
    ])
    func anythingInDoubtIsUndecided(label: String, order: OrderListItem) {
        guard case .doubt(let reason) = IntentResolver.classify([order], for: Self.intent, known: []) else {
            Issue.record("\(label): expected undecided")
            return
        }
        #expect(reason.contains("order 7"), "\(label): \(reason)")
    }

    @Test func anExactMatchBesideADoubtfulOneIsUndecided() {
        let lookup = IntentResolver.classify([Self.order(7), Self.order(8, product: "cloud_dv_geotrust")], for: Self.intent, known: [])
        guard case .doubt = lookup else { Issue.record("\(lookup)"); return }
    }

    @Test func twoExactMatchesAreUndecided() {
        guard case .doubt(let reason) = IntentResolver.classify([Self.order(7), Self.order(8)], for: Self.intent, known: []) else {
            Issue.record("expected undecided")
            return
        }
        #expect(reason.contains("2 orders match"))
    }

    @Test func ordersAlreadyRecordedAreNeverAdoptedTwice() {
        #expect(IntentResolver.classify([Self.order(7)], for: Self.intent, known: [7]) == .none)
        #expect(IntentResolver.classify([Self.order(7), Self.order(8)], for: Self.intent, known: [7]) == .one(8))
    }

    @Test func theWindowAllowsTenMinutesOfSkew() {
        #expect(IntentResolver.classify([Self.order(7, created: "2026-11-29T09:51:00+00:00")], for: Self.intent, known: []) == .one(7))
    }

    @Test func knownOrderIDsIncludeHistory() {
        var state = State()
        var record = StateRecord(orderID: 10, product: .sslDVGeoTrust, commonName: "a.example.com", dnsNames: [], status: .issued)
        record.history = [["order_id": 4, "ended": "renewed"]]
        state.certificates["a"] = record
        #expect(state.knownOrderIDs == [10, 4])
    }
}
