import CertCentralAPI
import Foundation
import HTTPTypes
import Hummingbird
import JSON
import Logging
import NIOCore

/// The request context: Hummingbird's basics plus the channel, so that fault injection can close
/// a connection without answering and the admin API can check that its caller is on loopback.
public struct SandboxContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Builds the sandbox's routes over an ``OrderStore``.
public enum SandboxRouter {
    public static let basePath = Endpoint.basePath

    public static func make(store: OrderStore, apiKey: String) -> Router<SandboxContext> {
        let router = Router(context: SandboxContext.self)
        router.add(middleware: JSONErrorMiddleware())
        addAPI(to: router, store: store, apiKey: apiKey)
        addAdmin(to: router, store: store)
        return router
    }

    /// The CertCentral routes, on the wire contract's paths.
    static func addAPI(to router: Router<SandboxContext>, store: OrderStore, apiKey: String) {
        let api = router.group(RouterPath(stringLiteral: String(basePath.dropFirst())))
            .add(middleware: APIGateMiddleware(store: store, apiKey: apiKey))

        // One parameter name for the segment: it is a product on POST and an order on GET.
        api.post(route(Endpoint.Route.order)) { request, context in
            let product = try context.parameters.require("id")
            guard let body = try await readJSON(request) else { return reply(.error(400, "bad_request_format", "The request body is not valid JSON.")) }
            return try await deliver(await store.placeOrder(product: product, body: body), context)
        }
        api.get(route(Endpoint.Route.order)) { _, context in
            reply(await store.orderInfo(try context.parameters.require("id")))
        }
        api.get(route(Endpoint.Route.listOrders)) { request, _ in
            let query = decodedQuery(request)
            let offset = query["offset"].flatMap { Int($0) } ?? 0
            let limit = min(1000, max(1, query["limit"].flatMap { Int($0) } ?? 1000))
            return reply(await store.listOrders(
                commonName: query["filters[common_name]"], status: query["filters[status]"].map(OrderStatus.init),
                offset: max(0, offset), limit: limit))
        }
        api.post(route(Endpoint.Route.reissue)) { request, context in
            guard let orderID = Int(try context.parameters.require("id")) else {
                return reply(.error(404, "not_found|order", "The order id must be a number."))
            }
            guard let body = try await readJSON(request) else { return reply(.error(400, "bad_request_format", "The request body is not valid JSON.")) }
            return try await deliver(await store.reissue(orderID: orderID, body: body), context)
        }
        api.get(route(Endpoint.Route.download)) { _, context in
            guard let id = Int(try context.parameters.require("certificate")) else {
                return reply(.error(404, "not_found|certificate", "The certificate id must be a number."))
            }
            return reply(await store.download(certificateID: id, format: try context.parameters.require("format")))
        }
    }

    /// A route pattern relative to the API group: the contract's path without its leading slash.
    static func route(_ path: String) -> RouterPath { RouterPath(stringLiteral: String(path.dropFirst())) }

    /// The admin API for tests and demos, loopback only.
    static func addAdmin(to router: Router<SandboxContext>, store: OrderStore) {
        let admin = router.group("_sandbox").add(middleware: LoopbackOnlyMiddleware())
        admin.get("orders") { _, _ in reply(.json(200, await store.adminOrders())) }
        admin.post("clock") { request, _ in
            guard let body = try await readJSON(request), let clock = try? JSONValueDecoder().decode(ClockRequest.self, from: body) else {
                return reply(.error(400, "bad_request_format", "Send {\"advance_days\": N}."))
            }
            return reply(.json(200, await store.advanceClock(days: clock.advanceDays)))
        }
        admin.get("faults") { _, _ in reply(.json(200, await store.faults)) }
        admin.post("faults") { request, _ in
            guard let body = try await readJSON(request), let change = try? JSONValueDecoder().decode(FaultsRequest.self, from: body) else {
                return reply(.error(400, "bad_request_format", "Send the fault flags as JSON."))
            }
            return reply(.json(200, await store.setFaults(change.applied(to: store.faults))))
        }
        admin.get("stats") { _, _ in reply(.json(200, await store.currentStats())) }
    }

    /// Query parameters with percent-decoded keys and values (`filters%5Bstatus%5D=issued`).
    static func decodedQuery(_ request: Request) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            let name = String(key).removingPercentEncoding ?? String(key)
            let text = String(value).replacingOccurrences(of: "+", with: " ")
            result[name] = text.removingPercentEncoding ?? text
        }
        return result
    }

    /// The body as JSON, or nil when it does not parse.
    static func readJSON(_ request: Request) async throws -> JSONValue? {
        let buffer = try await request.body.collect(upTo: 4 << 20)
        return try? JSONParser.parse(Array(buffer.readableBytesView))
    }

    /// Sends the reply, or closes the connection without one when the fault says so.
    static func deliver(_ value: SandboxReply, _ context: SandboxContext) async throws -> Response {
        if value.drop {
            try? await context.channel.close()
            throw CancellationError()
        }
        return reply(value)
    }

    static func reply(_ value: SandboxReply) -> Response {
        var headers = HTTPFields()
        let body: String
        if let text = value.text {
            headers[.contentType] = "application/x-pem-file"
            body = text
        } else {
            headers[.contentType] = "application/json"
            body = JSONWriter.compact(value.body ?? .null)
        }
        return Response(status: .init(code: value.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// Latency, injected failures, the API key and the rate limit, in that order, before any API route.
struct APIGateMiddleware: RouterMiddleware {
    typealias Context = SandboxContext
    let store: OrderStore
    let apiKey: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let latency = await store.faults.latencyMs
        if latency > 0 { try await Task.sleep(for: .milliseconds(latency)) }
        switch await store.gate(keyIsValid: request.headers[HTTPField.Name(Endpoint.apiKeyHeader)!] == apiKey) {
        case .fail:
            return SandboxRouter.reply(.error(500, "internal_error", "The sandbox injected a failure (--fail-rate)."))
        case .unauthorized:
            return SandboxRouter.reply(.error(403, "access_denied|access_denied_invalid_key", "Access denied due to access_denied_invalid_key."))
        case .limited:
            return SandboxRouter.reply(.error(429, "request_limit_exceeded", "Service unavailable, please limit request volume"))
        case .pass:
            return try await next(request, context)
        }
    }
}

/// The admin API answers loopback callers only.
struct LoopbackOnlyMiddleware: RouterMiddleware {
    typealias Context = SandboxContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let address = context.channel.remoteAddress?.ipAddress, !(address.hasPrefix("127.") || address == "::1") {
            return SandboxRouter.reply(.error(403, "access_denied|loopback_only", "The sandbox admin API answers loopback callers only."))
        }
        return try await next(request, context)
    }
}

/// Unknown routes and other framework errors answer in CertCentral's error shape.
struct JSONErrorMiddleware: RouterMiddleware {
    typealias Context = SandboxContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            return SandboxRouter.reply(.error(404, "not_found|route", "No route for \(request.method) \(request.uri.path)."))
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return SandboxRouter.reply(.error(413, "request_too_large", "The request body is too large."))
        }
    }
}
