import CertCentralAPI
import Dates
import Foundation
import JSON
import X509

/// The API's order routes: place, reissue, read, list, download.
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
        let now = now()
        var stored = SandboxOrder(
            id: takeOrderID(), product: product, commonName: order.commonName, dnsNames: order.dnsNames, csr: order.request.certificate.csr,
            status: order.request.skipApproval == true ? .pending : .needsApproval, createdAt: now,
            issueAt: now.addingTimeInterval(configuration.issueAfter), dcvMethod: order.request.dcvMethod,
            orderValidTill: Self.orderEnd(order, from: CalendarDate(now)), requestBody: body, certificateID: takeCertificateID())
        stored.validityYears = order.request.validityYears
        stored.renewalOfOrderID = order.request.renewalOfOrderID
        stored.serverPlatformID = order.request.certificate.serverPlatform?.id
        stored.organizationUnits = order.request.certificate.organizationUnits
        if order.request.dcvMethod.usesToken { stored.dcvRandomValue = randomToken() }
        if let renewalOf = order.request.renewalOfOrderID {
            orders[renewalOf]?.isRenewed = true
            orders[renewalOf]?.renewedOrderID = stored.id
        }
        orders[stored.id] = stored
        certificateOwners[stored.certificateID] = stored.id
        stats.ordersCreated += 1
        persist()
        let value = order.request.dcvMethod.returnsRandomValueOnOrder ? stored.dcvRandomValue : nil
        var reply = SandboxReply.json(201, OrderCreated(id: stored.id, certificateID: stored.certificateID, dcvRandomValue: value))
        reply.drop = shouldDrop()
        return reply
    }

    /// A renewal must name an order of this account and, when given, its certificate's thumbprint.
    func renewalRefusal(_ request: OrderRequest) -> SandboxReply? {
        guard let renewalOf = request.renewalOfOrderID else { return nil }
        guard let previous = orders[renewalOf] else {
            return .error(400, "invalid_value:renewal_of_order_id", "Order \(renewalOf) does not exist in this account.")
        }
        if let thumbprint = request.renewedThumbprint, thumbprint.uppercased() != previous.certificate?.thumbprint.uppercased() {
            return .error(400, "invalid_value:renewed_thumbprint", "renewed_thumbprint does not match the certificate of order \(renewalOf).")
        }
        return nil
    }

    func reissue(orderID: Int, body: JSONValue) -> SandboxReply {
        guard var order = orders[orderID] else { return .error(404, "not_found|order", "Order \(orderID) was not found.") }
        refresh(&order)
        guard order.status == .issued else {
            orders[orderID] = order
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
              let validated = validator.check(Self.reissued(original, with: reissue))
        else { return .errors(400, validator.errors) }
        order.commonName = validated.commonName
        order.dnsNames = validated.dnsNames
        order.csr = validated.request.certificate.csr
        order.status = .reissuePending
        order.issueAt = now().addingTimeInterval(configuration.issueAfter)
        let requestID = nextRequestID
        nextRequestID += 1
        order.reissueRequestID = requestID
        orders[orderID] = order
        stats.reissues += 1
        persist()
        var reply = SandboxReply.json(201, ReissueResponse(id: orderID, requests: [.pending(id: requestID)]))
        reply.drop = shouldDrop()
        return reply
    }

    /// The order as it stands after a reissue: the new certificate fields, the order's own
    /// settings, and none of the one-time fields of the original request.
    static func reissued(_ original: OrderRequest, with reissue: ReissueRequest) -> OrderRequest {
        var merged = original
        merged.certificate = reissue.certificate
        if merged.validityYears == nil && merged.validityDays == nil { merged.validityYears = 1 }
        merged.customExpirationDate = nil
        merged.renewalOfOrderID = nil
        merged.renewedThumbprint = nil
        merged.dcvEmails = nil
        return merged
    }

    func orderInfo(_ key: String) -> SandboxReply {
        let id: Int? = Int(key) ?? orders.values.first { $0.certificate?.thumbprint.caseInsensitiveCompare(key) == .orderedSame }?.id
        guard let id, var order = orders[id] else { return .error(404, "not_found|order", "Order \(key) was not found.") }
        refresh(&order)
        orders[id] = order
        return .json(200, info(order))
    }

    func listOrders(commonName: String?, status: OrderStatus?, offset: Int, limit: Int) -> SandboxReply {
        refreshAll()
        let matching = orders.values.filter { order in
            (commonName == nil || order.commonName == commonName) && (status == nil || order.status == status)
        }.sorted { $0.id < $1.id }
        let page = matching.dropFirst(offset).prefix(limit)
        // `orders` is left out when nothing matches, as the real API does.
        let answer = ListOrdersResponse(orders: page.map(listItem), page: .init(total: matching.count, limit: limit, offset: offset))
        return .json(200, answer)
    }

    func download(certificateID: Int, format: String) -> SandboxReply {
        guard format == Endpoint.pemAll else {
            return .error(404, "not_found|format", "The sandbox serves the pem_all format only.")
        }
        guard let orderID = certificateOwners[certificateID], var order = orders[orderID] else {
            return .error(404, "not_found|certificate", "Certificate \(certificateID) was not found.")
        }
        refresh(&order)
        orders[orderID] = order
        let pem: String
        if certificateID == order.certificateID {
            guard let current = order.certificate else {
                return .error(400, "certificate_not_issued", "Certificate \(certificateID) has not been issued yet.")
            }
            pem = current.pem
        } else if let retired = retiredCertificates[certificateID] {
            pem = retired
        } else {
            return .error(404, "not_found|certificate", "Certificate \(certificateID) was not found.")
        }
        return SandboxReply(status: 200, text: pem + ca.certificatePEM)
    }

    /// Brings every order up to the sandbox clock, saving when one changed.
    func refreshAll() {
        var changed = false
        for id in orders.keys {
            var order = orders[id]!
            let before = order.status
            refresh(&order)
            orders[id] = order
            changed = changed || before != order.status
        }
        if changed { persist() }
    }
}
