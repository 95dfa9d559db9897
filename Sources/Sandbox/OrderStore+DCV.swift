import CertCentralAPI
import Dates
import Foundation
import JSON

/// Domain control validation (certcentral-api.md §7): the order's random value, the check that
/// looks for it where DigiCert would (``Publications``), the change of method, and the DCV email a
/// person answers. With `--dcv manual` this is what issues an order; with `--dcv auto` orders
/// issue after `--issue-after` as if DCV had passed, and `check-dcv` reports where they stand.
extension OrderStore {
    /// `PUT …/dcv-random-value`: the order's value while it is valid, a new one once it has
    /// expired. An email order answers both fields empty (no token to publish).
    func dcvRandomValue(orderID: Int) -> SandboxReply {
        guard var order = current(orderID) else { return Self.unknownOrder(orderID) }
        if let refusal = Self.closedOrderRefusal(order) { return refusal }
        guard order.dcvMethod.usesToken else { return .json(200, Self.emptyRandomValue) }
        if !hasUnexpiredValue(order) {
            renewRandomValue(&order)
            orders[orderID] = order
            persist()
        }
        return .json(200, randomValueAnswer(order))
    }

    /// `PUT …/dcv-method` with `{"dcv_method": "…"}`: the order validates by the new method from
    /// now on, with a new random value (empty fields for email). Names already validated stay so.
    func changeDCVMethod(orderID: Int, body: JSONValue?) -> SandboxReply {
        guard var order = current(orderID) else { return Self.unknownOrder(orderID) }
        guard let body else { return .error(400, "bad_request_format", "The request body is not valid JSON.") }
        let change: DCVMethodChange
        do {
            change = try JSONValueDecoder().decode(DCVMethodChange.self, from: body)
        } catch {
            let problem = OrderValidator.describe(error)
            let methods = DCVMethod.allCases.map(\.rawValue).joined(separator: ", ")
            return .error(400, problem.code, problem.code.hasPrefix("invalid_value") ? "dcv_method must be one of \(methods)." : problem.message)
        }
        if change.dcvMethod == .httpToken, let wildcard = order.names.first(where: { $0.hasPrefix("*.") }) {
            return .error(400, "invalid_value:dcv_method", "\(change.dcvMethod) cannot validate the wildcard domain \(wildcard).")
        }
        if let refusal = Self.closedOrderRefusal(order) { return refusal }
        order.dcvMethod = change.dcvMethod
        if change.dcvMethod.usesToken {
            renewRandomValue(&order)
        } else {
            order.dcvRandomValue = nil
            order.dcvRandomValueCreatedAt = nil
        }
        orders[orderID] = order
        persist()
        return .json(200, change.dcvMethod.usesToken ? randomValueAnswer(order) : Self.emptyRandomValue)
    }

    /// `PUT …/check-dcv`. With `--dcv manual`, an order waiting for validation has each name not
    /// yet validated looked up with the current, unexpired random value; when every name is
    /// validated a `pending` (or `reissue_pending`) order is issued at once, and the answer says
    /// so. Otherwise — `--dcv auto`, or an order not waiting — it answers where the order stands.
    /// Email orders have nothing to check: `400 invalid_dns_method`.
    func checkDCV(orderID: Int) -> SandboxReply {
        guard var order = current(orderID) else { return Self.unknownOrder(orderID) }
        guard order.dcvMethod.usesToken else {
            return .error(400, DCVCheckError.invalidDNSMethod,
                          "Order \(orderID) validates by \(order.dcvMethod): there is no token to check; the link in the DCV email validates it.")
        }
        guard configuration.dcv == .manual, Self.awaitsDCV(order), !order.isDCVComplete else { return .json(200, checkResult(order)) }
        let value = hasUnexpiredValue(order) ? order.dcvRandomValue : nil
        for name in order.names where !order.isValidated(name) {
            if let value, publications.shows(value, for: name, by: order.dcvMethod) { order.dcvValidatedNames.append(name) }
        }
        if order.isDCVComplete, order.status != .needsApproval {
            order.issueAt = now()
            _ = issue(&order)
        }
        orders[orderID] = order
        persist()
        guard order.isDCVComplete else { return notFoundReply(order, expired: value == nil) }
        return .json(200, checkResult(order))
    }

    /// `POST /_sandbox/orders/{id}/validate`: a person follows the link in the DCV email of an
    /// email order. Every name is validated; a `pending` (or `reissue_pending`) order is issued at
    /// once, a `needs_approval` one still waits for approval. Answers the order's info.
    func validateByEmail(orderID: Int) -> SandboxReply {
        guard var order = current(orderID) else { return Self.unknownOrder(orderID) }
        guard order.dcvMethod == .email else {
            return .error(400, DCVCheckError.invalidDNSMethod,
                          "Order \(orderID) validates by \(order.dcvMethod), not email: publish its random value and call check-dcv.")
        }
        guard Self.awaitsDCV(order) else {
            return .error(400, "invalid_order_status", "Order \(orderID) is \(order.status); it is not waiting for validation.")
        }
        order.dcvValidatedNames = order.names
        if order.status != .needsApproval {
            order.issueAt = now()
            _ = issue(&order)
        }
        orders[orderID] = order
        persist()
        return .json(200, info(order))
    }

    // MARK: Helpers

    /// Statuses in which an order (or its reissue) waits for DCV.
    static func awaitsDCV(_ order: SandboxOrder) -> Bool {
        order.status == .pending || order.status == .needsApproval || order.status == .reissuePending
    }

    /// Orders that have ended take no DCV changes.
    static func closedOrderRefusal(_ order: SandboxOrder) -> SandboxReply? {
        guard order.status.isFailed || order.status == .expired else { return nil }
        return .error(400, "invalid_order_status", "Order \(order.id) is \(order.status); its domain control validation cannot change.")
    }

    /// A new certificate request (a reissue) validates again: no name is validated, and a token
    /// order gets a new random value when its value has expired.
    func beginValidation(_ order: inout SandboxOrder) {
        order.dcvValidatedNames = []
        if order.dcvMethod.usesToken, !hasUnexpiredValue(order) { renewRandomValue(&order) }
    }

    func hasUnexpiredValue(_ order: SandboxOrder) -> Bool {
        order.dcvRandomValueExpiresAt.map { now() < $0 } ?? false
    }

    /// A new value, never the one it replaces (a `--seed` generator restarts its sequence when
    /// the sandbox restarts with `--data`).
    func renewRandomValue(_ order: inout SandboxOrder) {
        var value = randomToken()
        while value == order.dcvRandomValue { value = randomToken() }
        order.dcvRandomValue = value
        order.dcvRandomValueCreatedAt = now()
    }

    /// Both fields empty, as DigiCert answers for an email order.
    static let emptyRandomValue = DCVRandomValue(dcvRandomValue: "", expirationDate: "")

    func randomValueAnswer(_ order: SandboxOrder) -> DCVRandomValue {
        DCVRandomValue(dcvRandomValue: order.dcvRandomValue, expirationDate: order.dcvRandomValueExpiresAt.map(Timestamp.format))
    }

    /// Where the order's validation stands: a name is approved once validated (an issued order's
    /// names all are); `dcv_status` is `valid` when every name is.
    func checkResult(_ order: SandboxOrder) -> DCVCheckResult {
        let validations = order.names.map { name in
            DCVCheckResult.NameValidation(dnsName: name, status: order.status == .issued || order.isValidated(name)
                ? DCVCheckResult.NameValidation.approved : DCVCheckResult.NameValidation.pending)
        }
        let valid = validations.allSatisfy { $0.status == DCVCheckResult.NameValidation.approved }
        return DCVCheckResult(orderStatus: order.status, certificateID: order.certificateID,
                              dcvStatus: valid ? DCVCheckResult.valid : DCVCheckResult.pending, dnsNameValidations: validations)
    }

    /// The `400` of a check that did not find every name's token: `invalid_dns_txt` for the DNS
    /// methods (with the documented message), `file_random_value_not_found` for `http-token`.
    func notFoundReply(_ order: SandboxOrder, expired: Bool) -> SandboxReply {
        let code = order.dcvMethod == .httpToken ? DCVCheckError.fileRandomValueNotFound : DCVCheckError.invalidDNSTXT
        if expired {
            return .error(400, code, "The random value of order \(order.id) has expired; PUT order/certificate/\(order.id)/dcv-random-value makes a new one.")
        }
        if order.dcvMethod == .httpToken {
            return .error(400, code, "Could not find the random value in \(DCVPublication.httpTokenPath) for one or more domains.")
        }
        return .error(400, code, "Could not find a valid TXT record for one or more domains.")
    }
}
