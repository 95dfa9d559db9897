import CertCentralAPI
import Hummingbird
import JSON

/// The admin API for tests and demos, loopback only (``LoopbackOnlyMiddleware``).
extension SandboxRouter {
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
        addAdminOrders(to: admin, store: store)
        addPublications(to: admin, store: store)
    }

    /// What happens to orders outside the client: approval, renewal, revocation; and seeding.
    static func addAdminOrders(to admin: RouterGroup<SandboxContext>, store: OrderStore) {
        admin.post("orders/seed") { request, _ in
            guard let body = try await readJSON(request) else { return reply(.error(400, "bad_request_format", "The request body is not valid JSON.")) }
            do {
                return reply(await store.seed(try JSONValueDecoder().decode(SeedRequest.self, from: body)))
            } catch {
                let problem = OrderValidator.describe(error)
                return reply(.error(400, problem.code, problem.message))
            }
        }
        admin.post("orders/:id/approve") { _, context in
            reply(await withOrderID(context) { await store.approve(orderID: $0) })
        }
        admin.post("orders/:id/renew") { _, context in
            reply(await withOrderID(context) { await store.renew(orderID: $0) })
        }
        admin.post("orders/:id/revoke") { _, context in
            reply(await withOrderID(context) { await store.revoke(orderID: $0) })
        }
    }

    /// The route's order id, given to `body`; a 404 when it is not a number.
    static func withOrderID(_ context: SandboxContext, _ body: (Int) async -> SandboxReply) async -> SandboxReply {
        guard let text = context.parameters.get("id"), let id = Int(text) else {
            return .error(404, "not_found|order", "The order id must be a number.")
        }
        return await body(id)
    }
}
