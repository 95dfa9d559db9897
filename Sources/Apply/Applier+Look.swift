import CertCentral
import CertCentralAPI
import Foundation
import Plans
import States

extension Applier {
    /// One read before each paid order (SPEC §5): for a renewal, the order being renewed — when
    /// it was renewed outside certform, the renewal order is adopted instead of buying; for a
    /// create, the orders with that common name — an active one with the same names that state
    /// does not know blocks the change. Nil: go ahead and buy.
    /// `known` is read only for a create (it walks every record: at 100,000 records a renewal
    /// should not pay for it).
    func lookBeforeBuying(_ change: Change, previous: StateRecord?, known: () -> Set<Int>) async -> ChangeOutcome? {
        do {
            if change.action == .renew, let previous {
                return try await lookBeforeRenewing(change, previous: previous)
            }
            if change.action == .create {
                return try await lookBeforeCreating(change, known: known())
            }
            return nil
        } catch {
            return ChangeOutcome(change: change, kind: .skipped("the look before buying failed, so nothing was bought: \(error)"))
        }
    }

    func lookBeforeRenewing(_ change: Change, previous: StateRecord) async throws -> ChangeOutcome? {
        let info = try await client.orderInfo(previous.orderID)
        guard info.isRenewed == true else { return nil }
        // renewed_order_id is undocumented (reference §1): renewed says enough not to buy.
        guard let renewalID = OrderRecords.namedRenewal(in: info, of: previous.orderID) else {
            // Marked as refresh marks it, so that the next plans block the name rather than renew.
            try await writer.update { state in
                guard state.certificates[change.name]?.orderID == previous.orderID else { return }
                state.certificates[change.name]?.extra[OrderRecords.renewedElsewhereKey] = .int(0)
            }
            return ChangeOutcome(change: change, kind: .blocked(Planner.unnamedRenewal(of: previous.orderID, name: change.name)))
        }
        if await writer.state.knownOrderIDs.contains(renewalID) {
            return ChangeOutcome(change: change, kind: .blocked("order \(previous.orderID) was already renewed as order \(renewalID), which state records under another name; nothing was bought"))
        }
        let renewal = try await client.orderInfo(renewalID)
        guard let adopted = OrderRecords.adoptingRenewal(previous, renewal: renewal) else {
            return ChangeOutcome(change: change, kind: .blocked("order \(previous.orderID) was already renewed outside certform as order \(renewalID), with other names or product; nothing was bought — decide with 'certform state forget \(change.name)' and 'certform import \(change.name) \(renewalID)'"))
        }
        try await writer.update { state in
            guard state.certificates[change.name]?.orderID == previous.orderID else { return }
            state.certificates[change.name] = adopted
        }
        return ChangeOutcome(change: change, kind: .renewedElsewhere(orderID: renewalID))
    }

    func lookBeforeCreating(_ change: Change, known: Set<Int>) async throws -> ChangeOutcome? {
        let names = Set(change.dnsNames).union([change.commonName])
        let existing = try await client.listOrders(commonName: change.commonName).filter { order in
            !known.contains(order.id) && order.status.isActive && order.certificate.commonName == change.commonName
                && Set(order.certificate.dnsNames).union([order.certificate.commonName]) == names
        }
        guard let order = existing.min(by: { $0.id < $1.id }) else { return nil }
        let others = existing.count > 1 ? " (and \(existing.count - 1) more)" : ""
        return ChangeOutcome(change: change, kind: .blocked("CertCentral already holds order \(order.id)\(others) (\(order.status)) for these names, which state does not know — a lost or reverted state, or an order placed by hand; nothing was bought. Adopt it with 'certform import \(change.name) \(order.id)'"))
    }
}
