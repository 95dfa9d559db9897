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
    public static let clockSkew: TimeInterval = 300

    public enum Resolution: Sendable {
        /// Exactly one order matches: it was placed.
        case placed(OrderInfo)
        /// No order matches: it was not placed, and may be sent again once.
        case notPlaced
        /// Several matches, or the lookup failed: a person must decide.
        case undecided(String)
    }

    let client: CertCentralClient

    public init(client: CertCentralClient) {
        self.client = client
    }

    public func resolve(_ intent: Intent, previous: StateRecord?) async -> Resolution {
        if intent.action == .reissue {
            return await resolveReissue(intent, previous: previous)
        }
        let names = Set(intent.extra["dns_names"]?.arrayValue?.compactMap(\.stringValue) ?? []).union([intent.commonName])
        let since = (Timestamp.parse(intent.createdAt) ?? .distantPast).addingTimeInterval(-Self.clockSkew)
        let orders: [OrderListItem]
        do {
            orders = try await client.listOrders(commonName: intent.commonName)
        } catch {
            return .undecided("the lookup failed: \(error)")
        }
        let known = Set([previous?.orderID].compactMap { $0 })
        let matches = orders.filter { order in
            guard !known.contains(order.id) else { return false }
            let product = order.productNameIDOrNil
            let created = order.dateCreated.flatMap(Timestamp.parse) ?? .distantPast
            let orderNames = Set(order.certificate.dnsNames).union([order.certificate.commonName])
            return product == intent.product.rawValue && created >= since && orderNames == names
        }
        switch matches.count {
        case 0:
            return .notPlaced
        case 1:
            do {
                return .placed(try await client.orderInfo(matches[0].id))
            } catch {
                return .undecided("order \(matches[0].id) matches but could not be read: \(error)")
            }
        default:
            return .undecided("\(matches.count) orders match (\(matches.map { String($0.id) }.joined(separator: ", ")))")
        }
    }

    /// A reissue keeps its order: it was placed when the order is reissuing or carries a
    /// certificate other than the one recorded.
    func resolveReissue(_ intent: Intent, previous: StateRecord?) async -> Resolution {
        guard let orderID = intent.extra["order_id"]?.intValue ?? previous?.orderID else {
            return .undecided("the intent does not name its order")
        }
        do {
            let info = try await client.orderInfo(orderID)
            if info.status == .reissuePending { return .placed(info) }
            if let thumbprint = info.certificate.thumbprint, let known = previous?.thumbprint, thumbprint != known { return .placed(info) }
            return .notPlaced
        } catch {
            return .undecided("order \(orderID) could not be read: \(error)")
        }
    }
}
