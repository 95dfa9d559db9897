import CertCentralAPI
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
        if let spend = plan.spend {
            document["estimated_total"] = spend.total.map { ["amount": .double($0.amount), "currency": .string($0.currency)] }
                ?? ["unknown": .string(spend.unknownReason ?? "")]
            if case .array(let items) = document["changes"] {
                document["changes"] = .array(items.map { item in
                    guard case .object(var object) = item, let name = object["name"]?.stringValue, let cost = spend.costs[name] else { return item }
                    object["estimated_cost"] = json(cost)
                    return .object(object)
                })
            }
        }
        return .object(document)
    }

    static func json(_ change: Change) -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(change.name),
            "action": .string(change.action.rawValue),
            "paid": .bool(change.isPaid),
            "reasons": .array(change.reasons.map(JSONValue.string)),
            "product": .string(change.product.rawValue),
            "common_name": .string(change.commonName),
            "dns_names": .array(change.dnsNames.map(JSONValue.string)),
        ]
        if !change.notes.isEmpty { object["notes"] = .array(change.notes.map(JSONValue.string)) }
        if let orderID = change.orderID { object["order_id"] = .int(orderID) }
        if let request = change.request { object["request"] = request.json }
        if let movedFrom = change.movedFrom { object["moved_from"] = .string(movedFrom) }
        if change.action.isChange {
            object["spec_digest"] = JSONValue(change.specDigest)
            object["settings_digest"] = JSONValue(change.settingsDigest)
            object["dcv_method"] = JSONValue(change.dcvMethod?.rawValue)
            object["renewal_of_order_id"] = JSONValue(change.renewalOfOrderID)
        }
        return .object(object)
    }

    static func json(_ cost: SpendEstimate.Cost) -> JSONValue {
        switch cost {
        case .amount(let amount, let currency, let years): return ["amount": .double(amount), "currency": .string(currency), "years": .int(years)]
        case .free: return ["amount": 0]
        case .unknown(let why): return ["unknown": .string(why)]
        }
    }

    /// Reads a saved plan back (SPEC §5): the changes to apply and what the plan was made from.
    public static func read(_ json: JSONValue) throws(SavedPlanError) -> SavedPlan {
        guard json["format_version"]?.intValue == formatVersion else {
            throw SavedPlanError("format_version \(json["format_version"].map(JSONWriter.compact) ?? "missing") is not \(formatVersion); make the plan again with this certform")
        }
        guard let createdText = json["created_at"]?.stringValue, let createdAt = Timestamp.parse(createdText) else {
            throw SavedPlanError("it has no created_at; save plans with 'certform plan --out FILE'")
        }
        guard let asOfText = json["as_of"]?.stringValue, let asOf = Timestamp.parse(asOfText) else {
            throw SavedPlanError("as_of is missing or not a time")
        }
        var changes: [Change] = []
        for (index, item) in (json["changes"]?.arrayValue ?? []).enumerated() {
            guard let name = item["name"]?.stringValue, let actionText = item["action"]?.stringValue,
                  let action = Action(rawValue: actionText), let productText = item["product"]?.stringValue,
                  let commonName = item["common_name"]?.stringValue
            else { throw SavedPlanError("changes[\(index)] is incomplete") }
            guard let product = Product(rawValue: productText) else {
                throw SavedPlanError("changes[\(index)] (\(name)) names the product '\(productText)', which is not a DV product")
            }
            var change = Change(name: name, action: action, reasons: item["reasons"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                                product: product, commonName: commonName,
                                dnsNames: item["dns_names"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                                orderID: item["order_id"]?.intValue)
            if let request = item["request"] {
                do {
                    change.request = try ChangeRequest(json: request, action: action)
                } catch {
                    throw SavedPlanError("changes[\(index)] (\(name)) has a request that does not read: \((error as? DecodingError)?.jsonPath ?? "")")
                }
            }
            change.specDigest = item["spec_digest"]?.stringValue
            change.settingsDigest = item["settings_digest"]?.stringValue
            change.dcvMethod = item["dcv_method"]?.stringValue.flatMap(DCVMethod.init)
            change.renewalOfOrderID = item["renewal_of_order_id"]?.intValue
            change.renewedThumbprint = change.request?.order?.renewedThumbprint
            change.movedFrom = item["moved_from"]?.stringValue
            if action.isChange && change.request == nil { throw SavedPlanError("changes[\(index)] (\(name)) has no request") }
            changes.append(change)
        }
        return SavedPlan(createdAt: createdAt, asOf: asOf, stateLineage: json["state"]?["lineage"]?.stringValue,
                         stateSerial: json["state"]?["serial"]?.intValue ?? -1,
                         manifestsDigest: json["manifests_digest"]?.stringValue ?? "", changes: changes)
    }

    /// The printed JSON plan.
    public static func render(_ plan: Plan) -> String {
        JSONWriter.pretty(json(plan))
    }
}

/// A plan read back from `plan --out FILE`.
public struct SavedPlan: Sendable {
    public var createdAt: Date
    public var asOf: Date
    public var stateLineage: String?
    public var stateSerial: Int
    public var manifestsDigest: String
    public var changes: [Change]
}

/// Why a saved plan could not be read.
public struct SavedPlanError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
