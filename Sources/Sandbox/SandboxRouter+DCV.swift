import CertCentralAPI
import Hummingbird
import JSON

/// The DCV routes of the API, and the admin routes that stand for the internet DigiCert's checks
/// look at (DNS and web), the DCV email, and the CA's root.
extension SandboxRouter {
    /// `PUT order/certificate/{id}/dcv-random-value`, `…/check-dcv` and `…/dcv-method`.
    static func addDCV(to api: RouterGroup<SandboxContext>, store: OrderStore) {
        api.put(route(Endpoint.Route.dcvRandomValue)) { _, context in
            await store.count(.dcvRandomValue)
            return reply(await withOrderID(context) { await store.dcvRandomValue(orderID: $0) })
        }
        api.put(route(Endpoint.Route.checkDCV)) { _, context in
            await store.count(.checkDCV)
            return reply(await withOrderID(context) { await store.checkDCV(orderID: $0) })
        }
        api.put(route(Endpoint.Route.dcvMethod)) { request, context in
            await store.count(.dcvMethod)
            let body = try await readJSON(request)
            return reply(await withOrderID(context) { await store.changeDCVMethod(orderID: $0, body: body) })
        }
    }

    /// `GET|POST|DELETE /_sandbox/dns` and `/_sandbox/http`, `GET /_sandbox/ca`,
    /// `POST /_sandbox/orders/{id}/validate`.
    static func addPublications(to admin: RouterGroup<SandboxContext>, store: OrderStore) {
        admin.get("dns") { _, _ in reply(.json(200, await store.dnsRecords())) }
        admin.post("dns") { request, _ in
            let body = try await readJSON(request)
            return reply(await publication { () throws(BodyProblem) in await store.publish(try DNSRecord(body: body)) })
        }
        admin.delete("dns") { request, _ in
            let body = try await readJSON(request)
            return reply(await publication { () throws(BodyProblem) in await store.unpublish(try DNSRecord(body: body)) })
        }
        admin.get("http") { _, _ in reply(.json(200, await store.httpFiles())) }
        admin.post("http") { request, _ in
            let body = try await readJSON(request)
            return reply(await publication { () throws(BodyProblem) in await store.publish(try HTTPFile(body: body, needsContent: true)) })
        }
        admin.delete("http") { request, _ in
            let body = try await readJSON(request)
            return reply(await publication { () throws(BodyProblem) in await store.unpublish(try HTTPFile(body: body, needsContent: false)) })
        }
        admin.get("ca") { _, _ in reply(SandboxReply(status: 200, text: await store.caCertificatePEM)) }
        admin.post("orders/:id/validate") { _, context in
            reply(await withOrderID(context) { await store.validateByEmail(orderID: $0) })
        }
    }

    /// What `body` answers, or the 400 of the body it could not read.
    static func publication(_ body: () async throws(BodyProblem) -> SandboxReply) async -> SandboxReply {
        do {
            return try await body()
        } catch {
            return error.reply
        }
    }
}
