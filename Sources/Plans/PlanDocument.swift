import Dates
import Foundation
import JSON

/// The JSON form of a plan (SPEC §4.1): stable, `format_version: 1`, each change with the exact
/// request body apply would send. The saved plan (`--out`) is the same document plus
/// `created_at`, kept out of the printed form so that the same inputs print the same bytes.
public enum PlanDocument {
    public static let formatVersion = 1

    public static func json(_ plan: Plan, createdAt: Date? = nil) -> JSONValue {
        let summary = plan.summary
        var counts: [String: JSONValue] = [:]
        for action in Action.allCases { counts[action.rawValue] = .int(summary[action]) }
        counts["paid_orders"] = .int(summary.paidOrders)
        var document: [String: JSONValue] = [
            "format_version": .int(formatVersion),
            "as_of": .string(Timestamp.format(plan.asOf)),
            "state": ["lineage": JSONValue(plan.stateLineage), "serial": .int(plan.stateSerial)],
            "manifests_digest": .string(plan.manifestsDigest),
            "changes": .array(plan.listedChanges.map(json)),
            "summary": .object(counts),
        ]
        if let createdAt { document["created_at"] = .string(Timestamp.format(createdAt)) }
        return .object(document)
    }

    static func json(_ change: Change) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(change.name),
            "action": .string(change.action.rawValue),
            "paid": .bool(change.isPaid),
            "reasons": .array(change.reasons.map(JSONValue.string)),
            "product": .string(change.product),
            "common_name": .string(change.commonName),
            "dns_names": .array(change.dnsNames.map(JSONValue.string)),
        ]
        if !change.notes.isEmpty { object["notes"] = .array(change.notes.map(JSONValue.string)) }
        if let orderID = change.orderID { object["order_id"] = .int(orderID) }
        if let request = change.request { object["request"] = request }
        if let movedFrom = change.movedFrom { object["moved_from"] = .string(movedFrom) }
        return .object(object)
    }

    /// The printed JSON plan.
    public static func render(_ plan: Plan) -> String {
        JSONWriter.pretty(json(plan))
    }
}
