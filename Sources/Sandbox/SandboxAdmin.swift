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
    /// Orders placed through the API (not seeded, not renewed through the admin API).
    var ordersCreated = 0
    var reissues = 0
    var rateLimited = 0
    var faultsInjected = Injected()
    var requestsByRoute = RouteCounts()
    /// Reissues the sandbox made by itself (`auto_reissue`).
    var autoReissues = 0
    /// Renewals made through `POST /_sandbox/orders/{id}/renew`.
    var adminRenewals = 0
    var ordersSeeded = 0
    /// Filled in when the stats are read.
    var orders: Int?
    var now: String?

    enum CodingKeys: String, CodingKey {
        case requests, reissues, orders, now
        case ordersCreated = "orders_created"
        case rateLimited = "rate_limited"
        case faultsInjected = "faults_injected"
        case requestsByRoute = "requests_by_route"
        case autoReissues = "auto_reissues"
        case adminRenewals = "admin_renewals"
        case ordersSeeded = "orders_seeded"
    }
}

/// The API routes whose requests `GET /_sandbox/stats` counts one by one.
enum APIRoute: Sendable {
    case listOrders, orderInfo, placeOrder, reissue, download, dcvRandomValue, checkDCV, dcvMethod
}

/// Requests that reached each API route (past the key check, the rate limit and injected failures).
struct RouteCounts: Sendable, Encodable {
    var listOrders = 0
    var orderInfo = 0
    var placeOrder = 0
    var reissue = 0
    var download = 0
    var dcvRandomValue = 0
    var checkDCV = 0
    var dcvMethod = 0

    enum CodingKeys: String, CodingKey {
        case reissue, download
        case listOrders = "list_orders"
        case orderInfo = "order_info"
        case placeOrder = "place_order"
        case dcvRandomValue = "dcv_random_value"
        case checkDCV = "check_dcv"
        case dcvMethod = "dcv_method"
    }

    mutating func count(_ route: APIRoute) {
        switch route {
        case .listOrders: listOrders += 1
        case .orderInfo: orderInfo += 1
        case .placeOrder: placeOrder += 1
        case .reissue: reissue += 1
        case .download: download += 1
        case .dcvRandomValue: dcvRandomValue += 1
        case .checkDCV: checkDCV += 1
        case .dcvMethod: dcvMethod += 1
        }
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
    var unnamedRenewals: Bool?

    enum CodingKeys: String, CodingKey {
        case latencyMs = "latency_ms"
        case failRate = "fail_rate"
        case dropAfterAcceptRate = "drop_after_accept_rate"
        case unnamedRenewals = "unnamed_renewals"
    }

    func applied(to faults: Faults) -> Faults {
        var faults = faults
        if let latencyMs { faults.latencyMs = max(0, latencyMs) }
        if let failRate { faults.failRate = min(1, max(0, failRate)) }
        if let dropAfterAcceptRate { faults.dropAfterAcceptRate = min(1, max(0, dropAfterAcceptRate)) }
        if let unnamedRenewals { faults.unnamedRenewals = unnamedRenewals }
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

/// `POST /_sandbox/orders/seed`: `count` orders made at once, for tests of large accounts. Names
/// are `<common_name_prefix><n>.<domain>` for n = 1…count (`*.` before them for a wildcard
/// product), with `www.<name>` as a second name when `www` is true. Every order shares one CSR
/// (`csr`, or one the sandbox makes once), has a one-year term, and was created `age_days` days
/// ago, a second apart, the last one now.
struct SeedRequest: Decodable, Sendable {
    var count: Int
    var commonNamePrefix: String
    var domain: String
    var www: Bool
    var product: Product
    var status: OrderStatus
    var csr: String?
    var ageDays: Int

    /// The statuses a seeded order can have.
    static let statuses: [OrderStatus] = [.issued, .pending, .needsApproval, .revoked, .canceled, .rejected]
    static let maximumCount = 100_000

    enum CodingKeys: String, CodingKey {
        case count, domain, www, product, status, csr
        case commonNamePrefix = "common_name_prefix"
        case ageDays = "age_days"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        count = try c.decode(Int.self, forKey: .count)
        commonNamePrefix = try c.decodeIfPresent(String.self, forKey: .commonNamePrefix) ?? "seed"
        domain = try c.decodeIfPresent(String.self, forKey: .domain) ?? "example.com"
        www = try c.decodeIfPresent(Bool.self, forKey: .www) ?? false
        product = try c.decodeIfPresent(Product.self, forKey: .product) ?? .sslDVGeoTrust
        status = try c.decodeIfPresent(OrderStatus.self, forKey: .status) ?? .issued
        csr = try c.decodeIfPresent(String.self, forKey: .csr)
        ageDays = try c.decodeIfPresent(Int.self, forKey: .ageDays) ?? 0
    }

    /// The common name of the `index`th order (from 1).
    func commonName(_ index: Int) -> String {
        (product.isWildcard ? "*." : "") + "\(commonNamePrefix)\(index).\(domain)"
    }

    /// What is wrong with the request, as a field and a message; nil when nothing is.
    var problem: (field: String, message: String)? {
        if !(1...Self.maximumCount).contains(count) { return ("count", "count must be from 1 to \(Self.maximumCount).") }
        if !Self.statuses.contains(status) { return ("status", "status must be one of \(Self.statuses.map(\.rawValue).joined(separator: ", ")).") }
        if ageDays < 0 { return ("age_days", "age_days cannot be negative.") }
        let name = commonName(count)
        if !OrderValidator.isDNSName(product.isWildcard ? String(name.dropFirst(2)) : name) {
            return ("common_name_prefix", "'\(name)' is not a valid domain name.")
        }
        return nil
    }
}

/// `POST /_sandbox/orders/seed`: the ids of the first and the last order made.
struct SeedAnswer: Encodable {
    var firstID: Int
    var lastID: Int

    enum CodingKeys: String, CodingKey {
        case firstID = "first_id"
        case lastID = "last_id"
    }
}
