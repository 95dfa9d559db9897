import CertCentralAPI
import Plans
import States
import Testing

/// Decisions that depend on what CertCentral does by itself (SPEC §4: auto_reissue, renewals
/// made elsewhere).
@Suite struct PlannerLifecycleTests {
    @Test func anAutoReissuedOrderIsLeftToCertCentral() throws {
        let spec = Fixture.spec()
        var record = Fixture.record(for: spec, expiresIn: 20, orderCoversFor: 300)
        record.autoReissue = true
        let change = try #require(Fixture.plan([spec], Fixture.state(["web": record])).changes.first)
        #expect(change.action == .none)
        #expect(change.notes.contains { $0.contains("CertCentral reissues it by itself (auto_reissue)") })
    }

    @Test func aChangeOfNamesIsStillReissuedUnderAutoReissue() throws {
        var record = Fixture.record(for: Fixture.spec(), expiresIn: 20, orderCoversFor: 300)
        record.autoReissue = true
        let changed = Fixture.spec(dnsNames: ["www.example.com", "api.example.com"])
        let change = try #require(Fixture.plan([changed], Fixture.state(["web": record])).changes.first)
        #expect(change.action == .reissue)
    }

    @Test func withoutAutoReissueTheExpiryIsReissuedByCertform() throws {
        let spec = Fixture.spec()
        var record = Fixture.record(for: spec, expiresIn: 20, orderCoversFor: 300)
        record.autoReissue = false
        #expect(Fixture.plan([spec], Fixture.state(["web": record])).changes.first?.action == .reissue)
    }

    @Test func anOrderRenewedElsewhereWithOtherNamesIsBlocked() throws {
        let spec = Fixture.spec()
        var record = Fixture.record(for: spec, expiresIn: 5, orderCoversFor: 5)
        record.extra[StateRecord.renewedElsewhereKey] = 777
        let change = try #require(Fixture.plan([spec], Fixture.state(["web": record])).changes.first)
        #expect(change.action == .blocked)
        #expect(change.reasons.first?.contains("certform import web 777") == true)
        #expect(change.request == nil)
    }

    @Test func anOrderRenewedByAnOrderCertCentralDoesNotNameIsBlocked() throws {
        let spec = Fixture.spec()
        var record = Fixture.record(for: spec, expiresIn: 5, orderCoversFor: 5)
        record.extra[StateRecord.renewedElsewhereKey] = 0
        let change = try #require(Fixture.plan([spec], Fixture.state(["web": record])).changes.first)
        #expect(change.action == .blocked)
        #expect(change.reasons == [Planner.unnamedRenewal(of: 1001, name: "web")])
        #expect(change.reasons.first?.contains("order 0") == false)
        #expect(change.request == nil)
    }

    @Test func aRevokedOrderIsOrderedAnew() throws {
        let spec = Fixture.spec()
        let record = Fixture.record(for: spec, status: .revoked)
        let change = try #require(Fixture.plan([spec], Fixture.state(["web": record])).changes.first)
        #expect(change.action == .create)
        #expect(change.reasons == ["order 1001 was revoked; a new order replaces it"])
    }
}
