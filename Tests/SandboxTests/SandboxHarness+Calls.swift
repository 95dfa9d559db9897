import CertCentralAPI
import Dates
import Foundation
import HTTPTypes
import JSON
@testable import Sandbox

/// Short forms of the calls the newer sandbox tests make.
extension Harness.Client {
    /// Order info as JSON, failing the test when it is not 200.
    func info(_ id: Int) async throws -> JSONValue {
        let reply = try await call(.get, "/services/v2/order/certificate/\(id)")
        guard reply.status == 200, let json = reply.json else { throw Harness.HarnessError("order info \(id): \(reply.status) \(reply.text)") }
        return json
    }

    /// Order info, decoded as the client decodes it.
    func decodedInfo(_ id: Int) async throws -> OrderInfo {
        try JSONValueDecoder().decode(OrderInfo.self, from: try await info(id))
    }

    /// `GET order/certificate?<query>`.
    func list(_ query: String = "") async throws -> Harness.Reply {
        try await call(.get, "/services/v2/order/certificate" + (query.isEmpty ? "" : "?" + query))
    }

    /// One list page, decoded as the client decodes it.
    func decodedList(_ query: String = "") async throws -> ListOrdersResponse {
        let reply = try await list(query)
        guard reply.status == 200, let json = reply.json else { throw Harness.HarnessError("list \(query): \(reply.status) \(reply.text)") }
        return try JSONValueDecoder().decode(ListOrdersResponse.self, from: json)
    }

    /// A call to the admin API (no key).
    func admin(_ method: HTTPRequest.Method, _ path: String, json: JSONValue? = nil) async throws -> Harness.Reply {
        try await call(method, "/_sandbox/" + path, json: json, key: nil)
    }

    func advance(days: Int) async throws {
        let reply = try await admin(.post, "clock", json: ["advance_days": .int(days)])
        guard reply.status == 200 else { throw Harness.HarnessError("clock: \(reply.status) \(reply.text)") }
    }

    func stats() async throws -> JSONValue {
        try await admin(.get, "stats").json ?? .null
    }

    /// Today on the sandbox clock.
    func today() async -> CalendarDate {
        CalendarDate(await store.now())
    }
}

extension Harness {
    /// A date `years` years and `days` days after `day` (as CertCentral counts an order's years).
    static func date(_ day: CalendarDate, years: Int = 0, days: Int = 0) -> CalendarDate {
        OrderTerm.years(years).end(from: day).adding(days: days)
    }
}
