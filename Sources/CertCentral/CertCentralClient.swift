import AsyncHTTPClient
import CertCentralAPI
import Foundation
import JSON
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// How the client connects and how patient it is.
public struct CertCentralConfiguration: Sendable {
    /// `https://www.digicert.com/services/v2`, or the sandbox's `http://127.0.0.1:PORT/services/v2`.
    public var baseURL: String
    public var apiKey: APIKey
    public var userAgent: String
    public var connectTimeout: Duration = .seconds(10)
    /// For one attempt of one request, from sending to the last byte of the answer.
    public var requestTimeout: Duration = .seconds(60)
    public var rateLimits: [RateLimit] = RateLimit.certCentral
    /// Seconds added to each rate-limit window, because the server counts arrivals, not
    /// departures (see ``RequestRateLimiter``).
    public var rateLimitMargin: Double = 0.05
    public var retry = RetryPolicy()

    public init(baseURL: String = Endpoint.defaultBaseURL, apiKey: APIKey, userAgent: String = "certform") {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.userAgent = userAgent
    }
}

/// When and how often to send a request again.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts = 6
    public var baseDelay: Duration = .milliseconds(500)
    public var maxDelay: Duration = .seconds(10)
    /// No retry starts after this much time since the first attempt.
    public var maxTotal: Duration = .seconds(120)

    public init() {}

    /// Exponential backoff with jitter: a random delay in [½, 1] × min(max, base × 2^attempt).
    func delay(afterAttempt attempt: Int) -> Duration {
        let cap = min(maxDelay, baseDelay * Int(pow(2.0, Double(min(attempt, 20)))))
        return cap * Double.random(in: 0.5...1.0)
    }
}

/// The CertCentral Services API v2 over AsyncHTTPClient.
///
/// Every request waits on one shared ``RequestRateLimiter``. GETs are retried on 429, 5xx and
/// connection errors. A POST is sent again only when it certainly was not processed — a 429, or a
/// connection that failed before the request was written; any other failure of a POST is a
/// ``CertCentralError/unknownOutcome(method:path:reason:)`` for the caller to resolve.
public final class CertCentralClient: Sendable {
    public let configuration: CertCentralConfiguration
    let http: HTTPClient
    let ownsHTTPClient: Bool
    let limiter: RequestRateLimiter
    let logger: Logger

    public init(configuration: CertCentralConfiguration, logger: Logger = Logger(label: "certform.certcentral", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.configuration = configuration
        var http = HTTPClient.Configuration()
        http.timeout = .init(connect: .nanoseconds(Int64(configuration.connectTimeout.components.seconds) * 1_000_000_000
                                                   + configuration.connectTimeout.components.attoseconds / 1_000_000_000))
        http.redirectConfiguration = .disallow
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
        ownsHTTPClient = true
        limiter = RequestRateLimiter(limits: configuration.rateLimits, margin: configuration.rateLimitMargin)
        self.logger = logger
    }

    /// Releases the connection pool; call once when done.
    public func shutdown() async throws {
        if ownsHTTPClient { try await http.shutdown() }
    }

    // MARK: Calls

    /// Places an order; `body` is sent exactly as given (the plan's request).
    public func placeOrder(product: Product, body: OrderRequest) async throws(CertCentralError) -> OrderCreated {
        try await send(.POST, Endpoint.placeOrder(product: product), body: body.jsonValue, as: OrderCreated.self)
    }

    public func orderInfo(_ orderID: Int) async throws(CertCentralError) -> OrderInfo {
        try await send(.GET, Endpoint.orderInfo(orderID), as: OrderInfo.self)
    }

    /// The query of one page of list orders. Sorted by `order_id`, the key DigiCert's own Venafi
    /// connector sends (reference §7; the list's documented example sorts by `-date_created`).
    static func listQuery(offset: Int, pageSize: Int, commonName: String?, status: OrderStatus?, sortedByID: Bool) -> String {
        var query = ["limit=\(pageSize)", "offset=\(offset)"]
        if sortedByID { query.append("sort=order_id") }
        if let commonName { query.append("filters%5Bcommon_name%5D=\(Self.escape(commonName))") }
        if let status { query.append("filters%5Bstatus%5D=\(Self.escape(status.rawValue))") }
        return query.joined(separator: "&")
    }

    /// Every order matching the filters, following pages to the end.
    public func listOrders(commonName: String? = nil, status: OrderStatus? = nil, sortedByID: Bool = false, pageSize: Int = 1000,
                           onPage: () -> Void = {}) async throws(CertCentralError) -> [OrderListItem] {
        var orders: [OrderListItem] = []
        while true {
            let query = Self.listQuery(offset: orders.count, pageSize: pageSize, commonName: commonName, status: status, sortedByID: sortedByID)
            let page = try await send(.GET, Endpoint.listOrders + "?" + query, as: ListOrdersResponse.self)
            onPage()
            orders += page.orders
            if page.orders.isEmpty || orders.count >= page.page.total { return orders }
        }
    }

    public func reissue(orderID: Int, body: ReissueRequest) async throws(CertCentralError) -> ReissueResponse {
        try await send(.POST, Endpoint.reissue(orderID), body: body.jsonValue, as: ReissueResponse.self)
    }

    /// The account's price list.
    public func pricing() async throws(CertCentralError) -> PricingResponse {
        try await send(.GET, Endpoint.pricing, as: PricingResponse.self)
    }

    /// The order's DCV random value and its expiry: the existing value while it is valid, a new
    /// one once it has expired (`PUT …/dcv-random-value`).
    public func dcvRandomValue(orderID: Int) async throws(CertCentralError) -> DCVRandomValue {
        try await send(.PUT, Endpoint.dcvRandomValue(orderID), as: DCVRandomValue.self)
    }

    /// Asks CertCentral to validate the published token now (`PUT …/check-dcv`). A token not
    /// found is a ``CertCentralError/api(status:errors:)`` 400 (`invalid_dns_txt`, …).
    public func checkDCV(orderID: Int) async throws(CertCentralError) -> DCVCheckResult {
        try await send(.PUT, Endpoint.checkDCV(orderID), as: DCVCheckResult.self)
    }

    /// The PEM bundle (certificate, intermediates, root).
    public func downloadCertificate(_ certificateID: Int) async throws(CertCentralError) -> String {
        let (status, bytes) = try await exchange(.GET, Endpoint.download(certificateID: certificateID), body: nil)
        guard status == 200 else { throw error(status: status, bytes: bytes, path: Endpoint.download(certificateID: certificateID)) }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: Transport

    func send<T: Decodable>(_ method: HTTPMethod, _ path: String, body: JSONValue? = nil, as type: T.Type) async throws(CertCentralError) -> T {
        let (status, bytes) = try await exchange(method, path, body: body)
        guard (200..<300).contains(status) else { throw error(status: status, bytes: bytes, path: path) }
        do {
            return try JSONValueDecoder().decode(T.self, from: bytes)
        } catch {
            let reason = "the body does not decode as \(T.self): \(Self.describe(decoding: error))"
            // A POST that succeeded but whose answer cannot be read was processed: its order
            // exists, and only a lookup can tell which it is.
            if method == .POST { throw .unknownOutcome(method: "POST", path: Self.pathOnly(path), reason: "HTTP \(status), but \(reason)") }
            throw .unexpectedResponse(status: status, path: Self.pathOnly(path), reason: reason)
        }
    }

    /// One request with retries; returns the final status and body.
    func exchange(_ method: HTTPMethod, _ path: String, body: JSONValue?) async throws(CertCentralError) -> (Int, [UInt8]) {
        let started = ContinuousClock.now
        let shownPath = Self.pathOnly(path)
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await limiter.acquire()
            } catch {
                throw .transport(method: method.rawValue, path: shownPath, reason: "cancelled")
            }
            let attemptStart = ContinuousClock.now
            let outcome = await send(request(method, path, body: body))
            let elapsed = ContinuousClock.now - attemptStart
            let budgetLeft = ContinuousClock.now - started < configuration.retry.maxTotal && attempt < configuration.retry.maxAttempts
            let next: Next
            switch outcome {
            case .success(let (status, bytes)):
                logger.info("\(method.rawValue) \(shownPath) \(status) \(Self.milliseconds(elapsed))ms")
                next = try answered(status, bytes, method: method, path: shownPath, attempt: attempt, budgetLeft: budgetLeft)
            case .failure(let error):
                next = try failed(error, method: method, path: shownPath, attempt: attempt, elapsed: elapsed, budgetLeft: budgetLeft)
            }
            switch next {
            case .done(let status, let bytes): return (status, bytes)
            case .again(let delay): try await pause(delay)
            }
        }
    }

    /// What to do after an attempt.
    enum Next {
        case done(Int, [UInt8])
        case again(after: Duration)
    }

    /// The HTTP request for one attempt: the key, the user agent, and the body as compact JSON.
    func request(_ method: HTTPMethod, _ path: String, body: JSONValue?) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: configuration.baseURL + path)
        request.method = method
        request.headers.add(name: Endpoint.apiKeyHeader, value: configuration.apiKey.value)
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: JSONWriter.compact(body)))
        }
        return request
    }

    /// Sends one attempt and collects the whole answer.
    func send(_ request: HTTPClientRequest) async -> Result<(Int, [UInt8]), any Error> {
        do {
            let response = try await http.execute(request, timeout: Self.timeAmount(configuration.requestTimeout), logger: nil)
            let collected = try await response.body.collect(upTo: 16 << 20)
            return .success((Int(response.status.code), Array(collected.readableBytesView)))
        } catch {
            return .failure(error)
        }
    }

    /// An answer: a 429 is sent again (it was not processed, for POST too); a 5xx is an unknown
    /// outcome for a POST and retried for a GET; anything else is the answer.
    func answered(_ status: Int, _ bytes: [UInt8], method: HTTPMethod, path: String, attempt: Int, budgetLeft: Bool) throws(CertCentralError) -> Next {
        if status == 429 {
            guard budgetLeft else { throw .rateLimited(attempts: attempt) }
            return .again(after: configuration.retry.delay(afterAttempt: attempt) + .seconds(1))
        }
        if status == 403, (try? JSONValueDecoder().decode(ErrorResponse.self, from: bytes))?.errors.contains(where: { $0.code.contains("access_denied_invalid_key") }) == true {
            throw .invalidKey
        }
        if status >= 500 || status == 408 {
            // A 5xx or a request timeout: the request may have been processed.
            if method == .POST { throw .unknownOutcome(method: "POST", path: path, reason: "HTTP \(status)") }
            guard budgetLeft else { return .done(status, bytes) }
            return .again(after: configuration.retry.delay(afterAttempt: attempt))
        }
        return .done(status, bytes)
    }

    /// A failed attempt: a POST is sent again only when it certainly never left.
    func failed(_ error: any Error, method: HTTPMethod, path: String, attempt: Int, elapsed: Duration, budgetLeft: Bool) throws(CertCentralError) -> Next {
        let reason = configuration.apiKey.redact(Self.describe(transport: error))
        logger.info("\(method.rawValue) \(path) failed after \(Self.milliseconds(elapsed))ms: \(reason)")
        if method == .POST && !Self.failedBeforeSending(error) {
            throw .unknownOutcome(method: "POST", path: path, reason: reason)
        }
        guard budgetLeft else { throw .transport(method: method.rawValue, path: path, reason: reason) }
        return .again(after: configuration.retry.delay(afterAttempt: attempt))
    }

    func pause(_ duration: Duration) async throws(CertCentralError) {
        do {
            try await Task.sleep(for: duration)
        } catch {
            throw .transport(method: "-", path: "-", reason: "cancelled")
        }
    }

    /// A typed error from an error answer, tolerant of bodies that are not CertCentral's JSON.
    func error(status: Int, bytes: [UInt8], path: String) -> CertCentralError {
        if let decoded = try? JSONValueDecoder().decode(ErrorResponse.self, from: bytes), !decoded.errors.isEmpty {
            let errors = decoded.errors.map { APIError(code: $0.code, message: configuration.apiKey.redact($0.message)) }
            return .api(status: status, errors: errors)
        }
        let text = String(decoding: bytes.prefix(300), as: UTF8.self)
        let snippet = configuration.apiKey.redact(text.replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces))
        return .unexpectedResponse(status: status, path: Self.pathOnly(path), reason: snippet.isEmpty ? "an empty body" : "a body that is not CertCentral's JSON: \(snippet)")
    }

    // MARK: Classification

    /// True when `error` happened before the request could be written: connecting, resolving,
    /// or waiting for a pooled connection. Only then is a POST safe to send again.
    static func failedBeforeSending(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError {
            return [HTTPClientError.connectTimeout, .getConnectionFromPoolTimeout, .socksHandshakeTimeout,
                    .httpProxyHandshakeTimeout, .tlsHandshakeTimeout].contains(error)
        }
        if error is NIOConnectionError { return true }
        if let error = error as? IOError {
            return [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL].contains(error.errnoCode)
        }
        if let error = error as? ChannelError, case .connectTimeout = error { return true }
        return false
    }

    static func describe(transport error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        if error is NIOConnectionError { return "could not connect" }
        if let error = error as? IOError { return error.description }
        return String(describing: error)
    }

    static func describe(decoding error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "'\(key.stringValue)' is missing"
        case let error as DecodingError: return "wrong type or value at '\(error.jsonPath)'"
        case is JSONParseError: return "not JSON"
        default: return String(describing: error)
        }
    }

    /// The path without its query string, for messages and logs.
    static func pathOnly(_ path: String) -> String {
        String(path.prefix { $0 != "?" })
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~*"))) ?? text
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
