import CertCentralAPI
import Dates
import Foundation
import JSON

/// The API's writing routes: place an order (or a renewal) and reissue.
extension OrderStore {
    /// Validates outside the actor (CSR parsing is the slow part), then commits inside it, so that
    /// a burst of orders is not serialised behind one another's validation.
    nonisolated func placeOrder(product name: String, body: JSONValue) async -> SandboxReply {
        guard let product = Product(rawValue: name) else {
            return .error(404, "not_found|product", "Product '\(name)' is not a DV SSL product of this account.")
        }
        var validator = OrderValidator(product: product, today: CalendarDate(await now()))
        guard let order = validator.validate(body) else { return .errors(400, validator.errors) }
        return await commit(order, product: product, body: body)
    }

    func commit(_ order: ValidatedOrder, product: Product, body: JSONValue) -> SandboxReply {
        if let refusal = renewalRefusal(order.request) { return refusal }
        let stored = create(order, product: product, body: body)
        stats.ordersCreated += 1
        let value = order.request.dcvMethod.returnsRandomValueOnOrder ? stored.dcvRandomValue : nil
        var reply = SandboxReply.json(201, OrderCreated(id: stored.id, certificateID: stored.certificateID, dcvRandomValue: value))
        reply.drop = shouldDrop()
        return reply
    }

    /// Stores a new order. A renewal marks the order it renews and gets that order's unused days
    /// on top of its own term (renewal credit: DigiCert moves what the new certificate cannot hold
    /// to the order).
    func create(_ order: ValidatedOrder, product: Product, body: JSONValue) -> SandboxOrder {
        let now = now()
        let today = CalendarDate(now)
        var end = order.term.end(from: today)
        if let renewalOf = order.request.renewalOfOrderID, let renewed = orders[renewalOf] {
            end = end.adding(days: max(0, today.days(until: renewed.orderValidTill)))
        }
        var stored = SandboxOrder(
            id: takeOrderID(), product: product, commonName: order.commonName, dnsNames: order.dnsNames, csr: order.request.certificate.csr,
            status: order.request.skipApproval == true ? .pending : .needsApproval, createdAt: now,
            issueAt: now.addingTimeInterval(configuration.issueAfter), dcvMethod: order.request.dcvMethod,
            orderValidTill: end, requestBody: body, certificateID: takeCertificateID())
        stored.validityYears = order.request.validityYears ?? order.request.orderValidity?.years
        stored.renewalOfOrderID = order.request.renewalOfOrderID
        stored.autoReissue = order.request.autoReissue == 1
        stored.serverPlatformID = order.request.certificate.serverPlatform?.id
        stored.organizationUnits = order.request.certificate.organizationUnits
        if order.request.dcvMethod.usesToken {
            stored.dcvRandomValue = randomToken()
            stored.dcvRandomValueCreatedAt = now
        }
        if let renewalOf = order.request.renewalOfOrderID {
            orders[renewalOf]?.isRenewed = true
            orders[renewalOf]?.renewedOrderID = stored.id
        }
        orders[stored.id] = stored
        certificateOwners[stored.certificateID] = stored.id
        persist()
        return stored
    }

    /// A renewal must name an order of this account and, when given, its certificate's thumbprint.
    func renewalRefusal(_ request: OrderRequest) -> SandboxReply? {
        guard let renewalOf = request.renewalOfOrderID else { return nil }
        guard let previous = current(renewalOf) else {
            return .error(400, "invalid_value:renewal_of_order_id", "Order \(renewalOf) does not exist in this account.")
        }
        if let thumbprint = request.renewedThumbprint, thumbprint.uppercased() != previous.certificate?.thumbprint.uppercased() {
            return .error(400, "invalid_value:renewed_thumbprint", "renewed_thumbprint does not match the certificate of order \(renewalOf).")
        }
        return nil
    }

    func reissue(orderID: Int, body: JSONValue) -> SandboxReply {
        guard var order = current(orderID) else { return .error(404, "not_found|order", "Order \(orderID) was not found.") }
        guard order.status == .issued else {
            return .error(400, "invalid_order_status", "Order \(orderID) is \(order.status); only an issued order can be reissued.")
        }
        let reissue: ReissueRequest
        do {
            reissue = try JSONValueDecoder().decode(ReissueRequest.self, from: body)
        } catch {
            let problem = OrderValidator.describe(error)
            return .error(400, problem.code, problem.message)
        }
        var validator = OrderValidator(product: order.product, today: CalendarDate(now()))
        guard let original = try? JSONValueDecoder().decode(OrderRequest.self, from: order.requestBody),
              let validated = validator.check(Self.reissued(original, with: reissue, method: order.dcvMethod))
        else { return .errors(400, validator.errors) }
        order.commonName = validated.commonName
        order.dnsNames = validated.dnsNames
        order.csr = validated.request.certificate.csr
        order.status = .reissuePending
        order.issueAt = now().addingTimeInterval(configuration.issueAfter)
        let requestID = takeRequestID()
        order.reissueRequestID = requestID
        beginValidation(&order)
        orders[orderID] = order
        stats.reissues += 1
        persist()
        var reply = SandboxReply.json(201, ReissueResponse(id: orderID, requests: [.pending(id: requestID)]))
        reply.drop = shouldDrop()
        return reply
    }

    /// The order as it stands after a reissue: the new certificate fields, the order's own
    /// settings, and none of the one-time fields of the original request (its term is checked
    /// when the order is placed, not again), with the DCV method the order has now.
    static func reissued(_ original: OrderRequest, with reissue: ReissueRequest, method: DCVMethod) -> OrderRequest {
        var merged = original
        merged.certificate = reissue.certificate
        merged.dcvMethod = method
        if merged.validityYears == nil && merged.validityDays == nil { merged.validityYears = 1 }
        merged.customExpirationDate = nil
        merged.orderValidity = nil
        merged.renewalOfOrderID = nil
        merged.renewedThumbprint = nil
        merged.dcvEmails = nil
        return merged
    }
}
