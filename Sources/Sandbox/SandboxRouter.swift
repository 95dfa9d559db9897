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
        addWrites(to: api, store: store)
        addReads(to: api, store: store)
        addDCV(to: api, store: store)
    }

    /// Order DV SSL and reissue.
    static func addWrites(to api: RouterGroup<SandboxContext>, store: OrderStore) {
        // One parameter name for the segment: it is a product on POST and an order on GET.
        api.post(route(Endpoint.Route.order)) { request, context in
            await store.count(.placeOrder)
            let product = try context.parameters.require("id")
            guard let body = try await readJSON(request) else { return reply(.error(400, "bad_request_format", "The request body is not valid JSON.")) }
            return try await deliver(await store.placeOrder(product: product, body: body), context)
        }
        api.post(route(Endpoint.Route.reissue)) { request, context in
            await store.count(.reissue)
            guard let orderID = Int(try context.parameters.require("id")) else {
                return reply(.error(404, "not_found|order", "The order id must be a number."))
            }
            guard let body = try await readJSON(request) else { return reply(.error(400, "bad_request_format", "The request body is not valid JSON.")) }
            return try await deliver(await store.reissue(orderID: orderID, body: body), context)
        }
    }

    /// Order info, list orders and download.
    static func addReads(to api: RouterGroup<SandboxContext>, store: OrderStore) {
        api.get(route(Endpoint.Route.order)) { _, context in
            await store.count(.orderInfo)
            return reply(await store.orderInfo(try context.parameters.require("id")))
        }
        api.get(route(Endpoint.Route.listOrders)) { request, _ in
            await store.count(.listOrders)
            do {
                return reply(await store.listOrders(try ListQuery(decodedQuery(request))))
            } catch let error as ListQuery.QueryError {
                return reply(.error(400, "invalid_value:\(error.parameter)", error.message))
            }
        }
        api.get(route(Endpoint.Route.download)) { _, context in
            await store.count(.download)
            guard let id = Int(try context.parameters.require("certificate")) else {
                return reply(.error(404, "not_found|certificate", "The certificate id must be a number."))
            }
            return reply(await store.download(certificateID: id, format: try context.parameters.require("format")))
        }
        api.get(route(Endpoint.Route.pricing)) { _, _ in
            reply(.json(200, store.configuration.prices))
        }
    }

    /// A route pattern relative to the API group: the contract's path without its leading slash.
    static func route(_ path: String) -> RouterPath { RouterPath(stringLiteral: String(path.dropFirst())) }

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

/// The admin API answers loopback callers only (127.0.0.0/8, ::1, ::ffff:127.0.0.0/104); a caller
/// whose address is unknown is refused. It never answers a browser either: any web page can make
/// a browser send requests to a loopback port, and the `Origin` header is what such a request
/// cannot leave out. Refused requests never reach a handler.
struct LoopbackOnlyMiddleware: RouterMiddleware {
    typealias Context = SandboxContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let peer = context.channel.remoteAddress, Self.isLoopback(peer) else {
            return SandboxRouter.reply(.error(403, "access_denied|loopback_only", "The sandbox admin API answers loopback callers only."))
        }
        guard request.headers[.origin] == nil else {
            return SandboxRouter.reply(.error(403, "access_denied|browser_origin", "The sandbox admin API does not answer requests from browsers (they carry an Origin header)."))
        }
        return try await next(request, context)
    }

    /// Whether `address` is an IPv4 loopback address, `::1`, or an IPv4 loopback address mapped
    /// into IPv6; a Unix socket or anything else is not.
    static func isLoopback(_ address: SocketAddress) -> Bool {
        switch address {
        case .v4(let v4):
            return withUnsafeBytes(of: v4.address.sin_addr) { $0.first == 127 }
        case .v6(let v6):
            return withUnsafeBytes(of: v6.address.sin6_addr) { bytes in
                let bytes = Array(bytes)
                let isV6Loopback = bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1
                let isMappedV4Loopback = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
                return isV6Loopback || isMappedV4Loopback
            }
        default:
            return false
        }
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
