import CertCentralAPI
import Dates
import Foundation
import JSON

/// The admin API: what the CertCentral console (or CertCentral itself) does to an account
/// without the client asking, and the views and knobs tests use.
extension OrderStore {
    func adminOrders() -> AdminOrders {
        refreshAll()
        return AdminOrders(orders: orders.values.sorted { $0.id < $1.id }.map { order in
            AdminOrder(info: info(order), request: order.requestBody, renewalOfOrderID: order.renewalOfOrderID)
        })
    }

    /// `POST /_sandbox/orders/{id}/approve`: a `needs_approval` order is approved and goes on as a
    /// pending order (issued after `--issue-after`).
    func approve(orderID: Int) -> SandboxReply {
        guard var order = current(orderID) else { return Self.unknownOrder(orderID) }
        guard order.status == .needsApproval else {
            return .error(400, "invalid_order_status", "Order \(orderID) is \(order.status); only an order that needs approval can be approved.")
        }
        order.status = .pending
        order.issueAt = now().addingTimeInterval(configuration.issueAfter)
        orders[orderID] = order
        persist()
        return .json(200, info(order))
    }

    /// `POST /_sandbox/orders/{id}/revoke`: the order's certificate is revoked.
    func revoke(orderID: Int) -> SandboxReply {
        guard var order = current(orderID) else { return Self.unknownOrder(orderID) }
        guard order.status == .issued || order.status == .reissuePending else {
            return .error(400, "invalid_order_status", "Order \(orderID) is \(order.status); only an issued order can be revoked.")
        }
        order.status = .revoked
        orders[orderID] = order
        persist()
        return .json(200, info(order))
    }

    /// `POST /_sandbox/orders/{id}/renew`: renews the order as the console or auto-renew would: a
    /// new order with the same names, product, CSR and settings that renews this one (with its
    /// unused days); answers the new order's info.
    func renew(orderID: Int) -> SandboxReply {
        guard let old = current(orderID) else { return Self.unknownOrder(orderID) }
        if let renewal = old.renewedOrderID, old.isRenewed {
            return .error(400, "invalid_order_status", "Order \(orderID) was already renewed by order \(renewal).")
        }
        guard old.status == .issued || old.status == .expired else {
            return .error(400, "invalid_order_status", "Order \(orderID) is \(old.status); only an issued order can be renewed.")
        }
        guard let original = try? JSONValueDecoder().decode(OrderRequest.self, from: old.requestBody) else {
            return .error(400, "invalid_order_status", "Order \(orderID) has no request to renew from.")
        }
        let request = Self.renewal(of: old, original: original)
        var validator = OrderValidator(product: old.product, today: CalendarDate(now()))
        guard let validated = validator.check(request) else { return .errors(400, validator.errors) }
        let created = create(validated, product: old.product, body: request.jsonValue)
        stats.adminRenewals += 1
        return .json(201, info(created))
    }

    /// The request a renewal of `order` sends: the order's current names and CSR, the settings it
    /// was placed with, and the same term (a custom end date becomes as many days as it gave).
    static func renewal(of order: SandboxOrder, original: OrderRequest) -> OrderRequest {
        var request = original
        request.certificate.commonName = order.commonName
        request.certificate.dnsNames = order.otherNames.isEmpty ? nil : order.otherNames
        request.certificate.csr = order.csr
        request.dcvMethod = order.dcvMethod
        request.renewalOfOrderID = order.id
        request.renewedThumbprint = nil
        let created = CalendarDate(order.createdAt)
        if let date = request.customExpirationDate.flatMap(CalendarDate.init) {
            request.customExpirationDate = nil
            request.validityDays = Self.termDays(from: created, to: date)
        }
        if let date = request.orderValidity?.customExpirationDate.flatMap(CalendarDate.init) {
            request.orderValidity = OrderValidity(days: Self.termDays(from: created, to: date))
        }
        return request
    }

    static func termDays(from start: CalendarDate, to end: CalendarDate) -> Int {
        min(OrderValidator.maximumDays, max(1, start.days(until: end)))
    }

    static func unknownOrder(_ id: Int) -> SandboxReply {
        .error(404, "not_found|order", "Order \(id) was not found.")
    }

    func count(_ route: APIRoute) {
        stats.requestsByRoute.count(route)
    }

    func advanceClock(days: Double) -> ClockAnswer {
        clockOffset += days * 86_400
        persist()
        return ClockAnswer(now: Timestamp.format(now()), offsetDays: clockOffset / 86_400)
    }

    func setFaults(_ new: Faults) -> Faults {
        faults = new
        return faults
    }

    func currentStats() -> SandboxStats {
        var answer = stats
        answer.orders = orders.count
        answer.now = Timestamp.format(now())
        return answer
    }
}
