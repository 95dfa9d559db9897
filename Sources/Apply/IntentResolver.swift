import CertCentral
import CertCentralAPI
import Dates
import Foundation
import JSON
import States

/// Settles an intent whose request may or may not have been processed (SPEC §5.2 step 6) by
/// looking the order up instead of sending it again.
public struct IntentResolver: Sendable {
    /// Orders created this long before the intent still count (clock skew between us and CertCentral).
    public static let clockSkew: TimeInterval = 600

    public enum Resolution: Sendable {
        /// Exactly one order matches, and nothing else is in doubt: it was placed.
        case placed(OrderInfo)
        /// No order with that common name in the window: not placed (or not listed yet).
        case notPlaced
        /// Several matches, a candidate that is not an exact match, or the lookup failed: a
        /// person must decide.
        case undecided(String)
    }

    let client: CertCentralClient

    public init(client: CertCentralClient) {
        self.client = client
    }

    /// `known`: every order id state records under any name, history included — never adopted twice.
    public func resolve(_ intent: Intent, previous: StateRecord?, known: Set<Int>) async -> Resolution {
        if intent.action == .reissue {
            return await resolveReissue(intent, previous: previous)
        }
        let orders: [OrderListItem]
        do {
            orders = try await client.listOrders(commonName: intent.commonName)
        } catch {
            return .undecided("the lookup failed: \(error)")
        }
        switch Self.classify(orders, for: intent, known: known) {
        case .none:
            return .notPlaced
        case .one(let id):
            do {
                return .placed(try await client.orderInfo(id))
            } catch {
                return .undecided("order \(id) matches but could not be read: \(error)")
            }
        case .doubt(let reason):
            return .undecided(reason)
        }
    }

    /// What a list of orders with the intent's common name says.
    public enum Lookup: Sendable, Equatable {
        case none
        case one(Int)
        case doubt(String)
    }

    /// The lookup rules of SPEC §5.2, on the listed orders alone: candidates are the orders not
    /// already recorded, created at or after the intent less the clock skew (an unreadable date
    /// is a candidate, and so is an older order that is still active); one exact match (product
    /// and names) and no other candidate is the order; no candidate is "not placed"; anything
    /// else is undecided.
    public static func classify(_ orders: [OrderListItem], for intent: Intent, known: Set<Int>) -> Lookup {
        let names = Set(intent.extra["dns_names"]?.arrayValue?.compactMap(\.stringValue) ?? []).union([intent.commonName])
        guard let created = Timestamp.parse(intent.createdAt) else { return .doubt("the intent's created_at '\(intent.createdAt)' is not a time") }
        let since = created.addingTimeInterval(-clockSkew)
        var exact: [Int] = [], inexact: [String] = []
        for order in orders where !known.contains(order.id) && order.certificate.commonName == intent.commonName {
            guard let date = order.dateCreated.flatMap(Timestamp.parse) else {
                inexact.append("order \(order.id) has no readable date_created")
                continue
            }
            guard date >= since else {
                // Older than the window: not this intent's order — but an active one that state
                // does not know cannot be told apart from it (a clock far off, a lost state).
                if order.status.isActive { inexact.append("order \(order.id) is active, not recorded, and dated before the intent") }
                continue
            }
            let orderNames = Set(order.certificate.dnsNames).union([order.certificate.commonName])
            if order.productNameIDOrNil == intent.product.rawValue && orderNames == names {
                exact.append(order.id)
            } else {
                inexact.append("order \(order.id) has other names or another product")
            }
        }
        if exact.count == 1 && inexact.isEmpty { return .one(exact[0]) }
        if exact.isEmpty && inexact.isEmpty { return .none }
        let matches = exact.isEmpty ? "" : "\(exact.count) order\(exact.count == 1 ? "" : "s") match (\(exact.map(String.init).joined(separator: ", ")))"
        return .doubt(([matches] + inexact).filter { !$0.isEmpty }.joined(separator: "; "))
    }

    /// A reissue keeps its order: it was placed when the order is reissuing, or when it carries a
    /// certificate other than the recorded one that was issued after the intent (less the clock
    /// skew) — told from the order's dates, not from a thumbprint alone; the recorded certificate
    /// still in place means it was not.
    ///
    /// The order must be the one state records under the intent's name: an intent a pull request
    /// wrote could otherwise name any order in the account, and have it recorded a second time.
    func resolveReissue(_ intent: Intent, previous: StateRecord?) async -> Resolution {
        guard let previous else {
            return .undecided("a reissue for '\(intent.name)', which has no state record")
        }
        let orderID = intent.extra["order_id"]?.intValue ?? previous.orderID
        guard orderID == previous.orderID else {
            return .undecided("the intent names order \(orderID), but '\(intent.name)' records order \(previous.orderID)")
        }
        let info: OrderInfo
        do {
            info = try await client.orderInfo(orderID)
        } catch {
            return .undecided("order \(orderID) could not be read: \(error)")
        }
        if info.status == .reissuePending { return .placed(info) }
        // The certificate recorded before the reissue is still the order's: nothing was reissued.
        if let known = previous.thumbprint, let current = info.certificate.thumbprint,
           known.caseInsensitiveCompare(current) == .orderedSame {
            return .notPlaced
        }
        guard let created = Timestamp.parse(intent.createdAt) else { return .undecided("the intent's created_at is not a time") }
        guard let issued = info.certificate.dateIssued.flatMap(Timestamp.parse) else {
            return .undecided("order \(orderID) reports no date_issued to tell whether the reissue happened")
        }
        // A new certificate, issued after the intent (less the skew): the reissue. Issued before
        // it: someone else reissued the order — a person must decide.
        return issued >= created.addingTimeInterval(-Self.clockSkew)
            ? .placed(info) : .undecided("order \(orderID) carries a certificate issued before the intent, not the one recorded")
    }
}

extension State {
    /// Every order id recorded under any name, history included.
    public var knownOrderIDs: Set<Int> {
        var ids: Set<Int> = []
        for record in certificates.values {
            ids.insert(record.orderID)
            for entry in record.history { if let id = entry["order_id"]?.intValue { ids.insert(id) } }
        }
        return ids
    }
}
