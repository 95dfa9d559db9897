import CertCentralAPI
import JSON

/// Counters for `GET /_sandbox/stats`.
struct SandboxStats: Sendable, Encodable {
    struct Injected: Sendable, Encodable {
        var fail = 0
        var dropAfterAccept = 0

        enum CodingKeys: String, CodingKey {
            case fail
            case dropAfterAccept = "drop_after_accept"
        }
    }

    var requests = 0
    var ordersCreated = 0
    var reissues = 0
    var rateLimited = 0
    var faultsInjected = Injected()
    /// Filled in when the stats are read.
    var orders: Int?
    var now: String?

    enum CodingKeys: String, CodingKey {
        case requests, reissues, orders, now
        case ordersCreated = "orders_created"
        case rateLimited = "rate_limited"
        case faultsInjected = "faults_injected"
    }
}

/// `POST /_sandbox/clock`: how far the clock was moved.
struct ClockAnswer: Encodable {
    var now: String
    var offsetDays: Double

    enum CodingKeys: String, CodingKey {
        case now
        case offsetDays = "offset_days"
    }
}

/// `POST /_sandbox/clock` body.
struct ClockRequest: Decodable {
    var advanceDays: Double

    enum CodingKeys: String, CodingKey {
        case advanceDays = "advance_days"
    }
}

/// `POST /_sandbox/faults` body: any of the flags.
struct FaultsRequest: Decodable {
    var latencyMs: Int?
    var failRate: Double?
    var dropAfterAcceptRate: Double?

    enum CodingKeys: String, CodingKey {
        case latencyMs = "latency_ms"
        case failRate = "fail_rate"
        case dropAfterAcceptRate = "drop_after_accept_rate"
    }

    func applied(to faults: Faults) -> Faults {
        var faults = faults
        if let latencyMs { faults.latencyMs = max(0, latencyMs) }
        if let failRate { faults.failRate = min(1, max(0, failRate)) }
        if let dropAfterAcceptRate { faults.dropAfterAcceptRate = min(1, max(0, dropAfterAcceptRate)) }
        return faults
    }
}

/// One order of `GET /_sandbox/orders`: its order info, the request it was created from, and
/// the order it renews.
struct AdminOrder: Encodable {
    var info: OrderInfo
    var request: JSONValue
    var renewalOfOrderID: Int?

    enum CodingKeys: String, CodingKey {
        case request
        case renewalOfOrderID = "renewal_of_order_id"
    }

    func encode(to encoder: any Encoder) throws {
        try info.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(request, forKey: .request)
        try container.encode(renewalOfOrderID, forKey: .renewalOfOrderID)
    }
}

/// `GET /_sandbox/orders`.
struct AdminOrders: Encodable {
    var orders: [AdminOrder]
}
