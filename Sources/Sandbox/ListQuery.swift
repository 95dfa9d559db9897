import CertCentralAPI
import Foundation

/// The query of `GET order/certificate`: `filters[common_name]` (exact), `filters[status]`,
/// `sort` (keys separated by commas, `-` before a key for descending; ascending by `id` when not
/// given), `offset`, and `limit` (at most 1000).
struct ListQuery: Sendable {
    enum Key: Sendable {
        case id, dateCreated, commonName
    }

    struct SortKey: Sendable {
        var key: Key
        var descending: Bool
    }

    var commonName: String?
    var status: OrderStatus?
    var sort = [SortKey(key: .id, descending: false)]
    var offset = 0
    var limit = ListQuery.maximumLimit

    static let maximumLimit = 1000

    /// The sort keys the sandbox knows (`order_id` as the Venafi connector sends it).
    static let keys: [String: Key] = ["id": .id, "order_id": .id, "date_created": .dateCreated, "common_name": .commonName]

    /// Reads the query; a value that does not read is an `invalid_value:<parameter>` error.
    init(_ query: [String: String]) throws(QueryError) {
        commonName = query["filters[common_name]"]
        status = query["filters[status]"].map(OrderStatus.init)
        if let text = query["offset"] {
            guard let value = Int(text), value >= 0 else { throw QueryError(parameter: "offset", message: "offset must be a whole number.") }
            offset = value
        }
        if let text = query["limit"] {
            guard let value = Int(text), value >= 0 else { throw QueryError(parameter: "limit", message: "limit must be a whole number.") }
            limit = min(Self.maximumLimit, max(1, value))
        }
        if let text = query["sort"] { sort = try Self.sortKeys(text) }
    }

    static func sortKeys(_ text: String) throws(QueryError) -> [SortKey] {
        var keys: [SortKey] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let descending = part.hasPrefix("-")
            guard let key = Self.keys[String(descending ? part.dropFirst() : part)] else {
                let known = Self.keys.keys.sorted().joined(separator: ", ")
                throw QueryError(parameter: "sort", message: "sort takes \(known), each with '-' before it for descending, not '\(text)'.")
            }
            keys.append(SortKey(key: key, descending: descending))
        }
        return keys
    }

    func matches(_ order: SandboxOrder) -> Bool {
        (commonName == nil || order.commonName == commonName) && (status == nil || order.status == status)
    }

    /// Whether `a` comes before `b`: by the sort keys, then by id.
    func precedes(_ a: SandboxOrder, _ b: SandboxOrder) -> Bool {
        for sortKey in sort {
            let order = Self.compare(a, b, by: sortKey.key)
            if order != .orderedSame { return (order == .orderedAscending) != sortKey.descending }
        }
        return a.id < b.id
    }

    static func compare(_ a: SandboxOrder, _ b: SandboxOrder, by key: Key) -> ComparisonResult {
        switch key {
        case .id: return a.id == b.id ? .orderedSame : (a.id < b.id ? .orderedAscending : .orderedDescending)
        case .dateCreated: return a.createdAt == b.createdAt ? .orderedSame : (a.createdAt < b.createdAt ? .orderedAscending : .orderedDescending)
        case .commonName: return a.commonName == b.commonName ? .orderedSame : (a.commonName < b.commonName ? .orderedAscending : .orderedDescending)
        }
    }

    /// A query parameter that does not read.
    struct QueryError: Error, Sendable {
        var parameter: String
        var message: String
    }
}
