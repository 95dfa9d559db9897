import CertCentral
import Dates
import Files
import Foundation
import JSON
import X509

/// What a sandbox call answers: a status and a JSON body (or PEM text).
public struct SandboxReply: Sendable {
    public var status: Int
    public var body: JSONValue?
    public var text: String?
    /// Close the connection without answering (fault injection after the order was accepted).
    public var drop = false

    static func json(_ status: Int, _ body: JSONValue) -> SandboxReply { SandboxReply(status: status, body: body) }

    static func errors(_ status: Int, _ errors: [APIError]) -> SandboxReply {
        .json(status, ["errors": .array(errors.map { ["code": .string($0.code), "message": .string($0.message)] })])
    }

    static func error(_ status: Int, _ code: String, _ message: String) -> SandboxReply {
        errors(status, [APIError(code: code, message: message)])
    }
}

/// Counters for `GET /_sandbox/stats`.
struct SandboxStats: Sendable {
    var requests = 0
    var ordersCreated = 0
    var reissues = 0
    var rateLimited = 0
    var failuresInjected = 0
    var dropsInjected = 0

    var json: JSONValue {
        ["requests": .int(requests), "orders_created": .int(ordersCreated), "reissues": .int(reissues),
         "rate_limited": .int(rateLimited), "faults_injected": ["fail": .int(failuresInjected), "drop_after_accept": .int(dropsInjected)]]
    }
}

/// The sandbox's account: orders, certificates, the clock, the CA, limits and faults. An actor,
/// so that concurrent requests see one consistent account.
public actor OrderStore {
    let configuration: SandboxConfiguration
    let ca: SandboxCA
    var orders: [Int: SandboxOrder] = [:]
    /// Every certificate id ever issued → its order (for download of replaced certificates too).
    var certificateOwners: [Int: Int] = [:]
    var retiredCertificates: [Int: String] = [:]
    var nextOrderID = 6_484_932
    var nextCertificateID = 6_079_436
    var nextRequestID = 1_000_001
    var clockOffset: TimeInterval = 0
    var stats = SandboxStats()
    public private(set) var faults: Faults
    var limiter: RollingWindowLimiter
    var random: SeededGenerator

    public init(configuration: SandboxConfiguration) throws {
        self.configuration = configuration
        faults = configuration.faults
        limiter = RollingWindowLimiter(limits: configuration.rateLimits)
        random = SeededGenerator(seed: configuration.seed ?? UInt64.random(in: 0...UInt64.max))
        if let path = configuration.dataPath, let data = FileManager.default.contents(atPath: path) {
            let saved = try JSONParser.parse(Array(data))
            guard let certificatePEM = saved["ca"]?["certificate"]?.stringValue, let keyPEM = saved["ca"]?["private_key"]?.stringValue else {
                throw SandboxError("the data file '\(path)' has no CA; remove it to start afresh")
            }
            ca = try SandboxCA(certificatePEM: certificatePEM, privateKeyPEM: keyPEM)
            for item in saved["orders"]?.arrayValue ?? [] {
                guard let order = SandboxOrder(json: item) else { throw SandboxError("the data file '\(path)' holds an order that does not read") }
                orders[order.id] = order
                certificateOwners[order.certificateID] = order.id
                for id in order.previousCertificateIDs { certificateOwners[id] = order.id }
            }
            for (id, pem) in saved["retired_certificates"]?.objectValue ?? [:] {
                if let number = Int(id), let text = pem.stringValue { retiredCertificates[number] = text }
            }
            nextOrderID = saved["next_order_id"]?.intValue ?? 6_484_932
            nextCertificateID = saved["next_certificate_id"]?.intValue ?? 6_079_436
            nextRequestID = saved["next_request_id"]?.intValue ?? 1_000_001
            if case .double(let offset)? = saved["clock_offset_seconds"] { clockOffset = offset } else {
                clockOffset = TimeInterval(saved["clock_offset_seconds"]?.intValue ?? 0)
            }
        } else {
            ca = try SandboxCA()
        }
    }

    /// The sandbox clock: real time moved by `POST /_sandbox/clock`.
    func now() -> Date { Date().addingTimeInterval(clockOffset) }

    public var caCertificatePEM: String { ca.certificatePEM }

    // MARK: Gate (every API request)

    enum Gate { case pass, fail, unauthorized, limited }

    /// Counts the request, then injects a failure, checks the key, or applies the rate limit, in
    /// that order.
    func gate(keyIsValid: Bool) -> Gate {
        stats.requests += 1
        if faults.failRate > 0, Double.random(in: 0..<1, using: &random) < faults.failRate {
            stats.failuresInjected += 1
            return .fail
        }
        if !keyIsValid { return .unauthorized }
        if configuration.rateLimited && !limiter.admit(at: Date().timeIntervalSinceReferenceDate) {
            stats.rateLimited += 1
            return .limited
        }
        return .pass
    }

    // MARK: Orders

    /// Validates outside the actor (CSR parsing is the slow part), then commits inside it, so that
    /// a burst of orders is not serialised behind one another's validation.
    nonisolated func placeOrder(product: String, body: JSONValue) async -> SandboxReply {
        guard DVProduct.all[product] != nil else {
            return .error(404, "not_found|product", "Product '\(product)' is not a DV SSL product of this account.")
        }
        var validator = OrderValidator(product: product, today: CalendarDate(await now()))
        guard let order = validator.validate(body) else { return .errors(400, validator.errors) }
        return await commit(order, product: product, body: body)
    }

    func commit(_ order: ValidatedOrder, product: String, body: JSONValue) -> SandboxReply {
        let now = now()
        if let renewalOf = order.renewalOfOrderID {
            guard let previous = orders[renewalOf] else {
                return .error(400, "invalid_value:renewal_of_order_id", "Order \(renewalOf) does not exist in this account.")
            }
            if let thumbprint = order.renewedThumbprint, thumbprint.uppercased() != previous.certificate?.thumbprint.uppercased() {
                return .error(400, "invalid_value:renewed_thumbprint", "renewed_thumbprint does not match the certificate of order \(renewalOf).")
            }
        }
        let created = SandboxOrder(
            id: takeOrderID(), product: product, commonName: order.commonName, dnsNames: order.dnsNames, csr: order.csrPEM,
            status: order.skipApproval ? "pending" : "needs_approval", createdAt: now,
            issueAt: now.addingTimeInterval(configuration.issueAfter), dcvMethod: order.dcvMethod,
            orderValidTill: Self.orderEnd(order, from: CalendarDate(now)), requestBody: body, certificateID: takeCertificateID())
        var stored = created
        stored.validityYears = order.validityYears
        stored.renewalOfOrderID = order.renewalOfOrderID
        stored.serverPlatformID = order.serverPlatformID
        stored.organizationUnits = order.organizationUnits
        if order.dcvMethod != "email" { stored.dcvRandomValue = randomToken() }
        if let renewalOf = order.renewalOfOrderID {
            orders[renewalOf]?.isRenewed = true
            orders[renewalOf]?.renewedOrderID = stored.id
        }
        orders[stored.id] = stored
        certificateOwners[stored.certificateID] = stored.id
        stats.ordersCreated += 1
        persist()
        var response: JSONValue = ["id": .int(stored.id), "certificate_id": .int(stored.certificateID)]
        if order.dcvMethod == "dns-txt-token" || order.dcvMethod == "http-token", let value = stored.dcvRandomValue {
            response = ["id": .int(stored.id), "certificate_id": .int(stored.certificateID), "dcv_random_value": .string(value)]
        }
        var reply = SandboxReply.json(201, response)
        reply.drop = shouldDrop()
        return reply
    }

    func reissue(orderID: Int, body: JSONValue) -> SandboxReply {
        guard var order = orders[orderID] else { return .error(404, "not_found|order", "Order \(orderID) was not found.") }
        refresh(&order)
        guard order.status == "issued" else {
            orders[orderID] = order
            return .error(400, "invalid_order_status", "Order \(orderID) is \(order.status); only an issued order can be reissued.")
        }
        guard case .object = body, let certificate = body["certificate"], case .object = certificate else {
            return .error(400, "missing_field:certificate", "certificate is required.")
        }
        var merged = order.requestBody
        if case .object(var object) = merged {
            object["certificate"] = certificate
            object["dcv_method"] = .string(order.dcvMethod)
            if object["validity_years"] == nil && object["validity_days"] == nil { object["validity_years"] = 1 }
            object.removeValue(forKey: "custom_expiration_date")
            object.removeValue(forKey: "renewal_of_order_id")
            object.removeValue(forKey: "renewed_thumbprint")
            object.removeValue(forKey: "dcv_emails")
            merged = .object(object)
        }
        var validator = OrderValidator(product: order.product, today: CalendarDate(now()))
        guard let validated = validator.validate(merged) else { return .errors(400, validator.errors) }
        order.commonName = validated.commonName
        order.dnsNames = validated.dnsNames
        order.csr = validated.csrPEM
        order.status = "reissue_pending"
        order.issueAt = now().addingTimeInterval(configuration.issueAfter)
        let requestID = nextRequestID
        nextRequestID += 1
        order.reissueRequestID = requestID
        orders[orderID] = order
        stats.reissues += 1
        persist()
        var reply = SandboxReply.json(201, ["id": .int(orderID), "requests": [["id": .int(requestID), "status": "pending"]]])
        reply.drop = shouldDrop()
        return reply
    }

    func orderInfo(_ key: String) -> SandboxReply {
        let id: Int? = Int(key) ?? orders.values.first { $0.certificate?.thumbprint.caseInsensitiveCompare(key) == .orderedSame }?.id
        guard let id, var order = orders[id] else { return .error(404, "not_found|order", "Order \(key) was not found.") }
        refresh(&order)
        orders[id] = order
        return .json(200, info(order))
    }

    func listOrders(commonName: String?, status: String?, offset: Int, limit: Int) -> SandboxReply {
        var changed = false
        for id in orders.keys {
            var order = orders[id]!
            let before = order.status
            refresh(&order)
            orders[id] = order
            changed = changed || before != order.status
        }
        if changed { persist() }
        let matching = orders.values.filter { order in
            (commonName == nil || order.commonName == commonName) && (status == nil || order.status == status)
        }.sorted { $0.id < $1.id }
        let page = matching.dropFirst(offset).prefix(limit)
        var body: [String: JSONValue] = ["page": ["total": .int(matching.count), "limit": .int(limit), "offset": .int(offset)]]
        if !page.isEmpty { body["orders"] = .array(page.map(listItem)) }
        return .json(200, .object(body))
    }

    func download(certificateID: Int, format: String) -> SandboxReply {
        guard format == "pem_all" else {
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

    // MARK: Admin

    func adminOrders() -> JSONValue {
        for id in orders.keys {
            var order = orders[id]!
            refresh(&order)
            orders[id] = order
        }
        return ["orders": .array(orders.values.sorted { $0.id < $1.id }.map { order in
            var item = info(order)
            if case .object(var object) = item {
                object["request"] = order.requestBody
                object["renewal_of_order_id"] = JSONValue(order.renewalOfOrderID)
                item = .object(object)
            }
            return item
        })]
    }

    func advanceClock(days: Double) -> JSONValue {
        clockOffset += days * 86_400
        persist()
        return ["now": .string(Timestamp.format(now())), "offset_days": .double(clockOffset / 86_400)]
    }

    func setFaults(_ new: Faults) -> JSONValue {
        faults = new
        return faultsJSON()
    }

    func faultsJSON() -> JSONValue {
        ["latency_ms": .int(faults.latencyMs), "fail_rate": .double(faults.failRate), "drop_after_accept_rate": .double(faults.dropAfterAcceptRate)]
    }

    func statsJSON() -> JSONValue {
        guard case .object(var object) = stats.json else { return stats.json }
        object["orders"] = .int(orders.count)
        object["now"] = .string(Timestamp.format(now()))
        return .object(object)
    }

    // MARK: Lifecycle

    /// Issues a pending order, or finishes a reissue, once its time has come on the sandbox clock.
    func refresh(_ order: inout SandboxOrder) {
        let pending = ["pending", "needs_approval", "reissue_pending"].contains(order.status)
        guard pending, now() >= order.issueAt else { return }
        guard let csr = try? CertificateSigningRequest(pemEncoded: order.csr) else { return }
        let issuedAt = now()
        let from = CalendarDate(issuedAt)
        let till = min(order.orderValidTill, from.adding(days: configuration.certificateValidityDays))
        let notAfter = till.startDate.addingTimeInterval(86_399)
        guard let issued = try? ca.issue(csr: csr, names: [order.commonName] + order.dnsNames, notBefore: from.startDate, notAfter: notAfter) else { return }
        if order.status == "reissue_pending", let previous = order.certificate {
            retiredCertificates[order.certificateID] = previous.pem
            order.previousCertificateIDs.append(order.certificateID)
            order.certificateID = takeCertificateID()
            certificateOwners[order.certificateID] = order.id
        }
        order.certificate = SandboxOrder.CertificateRecord(pem: issued.pem, thumbprint: issued.thumbprint, serialNumber: issued.serialNumber,
                                                           validFrom: from, validTill: till, issuedAt: issuedAt)
        order.status = "issued"
        orders[order.id] = order
        persist()
    }

    func info(_ order: SandboxOrder) -> JSONValue {
        var certificate: [String: JSONValue] = [
            "id": .int(order.certificateID), "common_name": .string(order.commonName),
            "dns_names": .array(([order.commonName] + order.dnsNames).map(JSONValue.string)),
            "date_created": .string(Self.apiTime(order.createdAt)), "csr": .string(order.csr),
            "organization": [:], "signature_hash": "sha256",
            "server_platform": ["id": .int(order.serverPlatformID ?? -1), "name": .string(order.serverPlatformID == nil ? "OTHER" : "platform \(order.serverPlatformID!)")],
        ]
        if let units = order.organizationUnits { certificate["organization_units"] = .array(units.map(JSONValue.string)) }
        if let issued = order.certificate {
            certificate["thumbprint"] = .string(issued.thumbprint)
            certificate["serial_number"] = .string(issued.serialNumber)
            certificate["valid_from"] = .string(issued.validFrom.description)
            certificate["valid_till"] = .string(issued.validTill.description)
            certificate["date_issued"] = .string(Self.apiTime(issued.issuedAt))
            certificate["days_remaining"] = .int(max(0, CalendarDate(now()).days(until: issued.validTill)))
        }
        let product = DVProduct.all[order.product]
        var body: [String: JSONValue] = [
            "id": .int(order.id), "status": .string(order.status), "certificate": .object(certificate),
            "order_valid_from": .string(CalendarDate(order.createdAt).description),
            "order_valid_till": .string(order.orderValidTill.description),
            "is_renewal": .bool(order.renewalOfOrderID != nil), "is_renewed": .bool(order.isRenewed),
            "renewed_order_id": .int(order.renewedOrderID ?? 0),
            "date_created": .string(Self.apiTime(order.createdAt)),
            "product": ["name_id": .string(order.product), "name": .string(product?.name ?? order.product), "type": .string(DVProduct.type),
                        "validation_type": "dv", "validation_name": "DV", "validation_description": "Domain Validation"],
            "organization": .array([]), "dcv_method": .string(order.dcvMethod),
            "disable_renewal_notifications": .bool(order.requestBody["disable_renewal_notifications"].flatMap(OrderValidator.flag) ?? false),
            "auto_renew": .int(order.requestBody["auto_renew"]?.intValue ?? 0),
            "payment_method": .string(order.requestBody["payment_method"]?.stringValue ?? "balance"),
        ]
        if let requestID = order.reissueRequestID {
            body["requests"] = [["id": .int(requestID), "type": "reissue", "status": order.status == "reissue_pending" ? "pending" : "approved"]]
        }
        return .object(body)
    }

    func listItem(_ order: SandboxOrder) -> JSONValue {
        var certificate: [String: JSONValue] = [
            "id": .int(order.certificateID), "common_name": .string(order.commonName),
            "dns_names": .array(([order.commonName] + order.dnsNames).map(JSONValue.string)), "signature_hash": "sha256",
        ]
        if let issued = order.certificate {
            certificate["valid_till"] = .string(issued.validTill.description)
            certificate["days_remaining"] = .int(max(0, CalendarDate(now()).days(until: issued.validTill)))
        }
        let product = DVProduct.all[order.product]
        var item: [String: JSONValue] = [
            "id": .int(order.id), "certificate": .object(certificate), "status": .string(order.status),
            "is_renewed": .bool(order.isRenewed), "date_created": .string(Self.apiTime(order.createdAt)),
            // DV orders carry an empty array here, as the real API does.
            "organization": .array([]),
            "disable_renewal_notifications": .bool(false),
            "container": ["id": 1, "name": "Sandbox"],
            "product": ["name_id": .string(order.product), "name": .string(product?.name ?? order.product), "type": .string(DVProduct.type)],
            "has_duplicates": false, "product_name_id": .string(order.product),
        ]
        if let years = order.validityYears { item["validity_years"] = .int(years) }
        return .object(item)
    }

    // MARK: Helpers

    static func orderEnd(_ order: ValidatedOrder, from day: CalendarDate) -> CalendarDate {
        if let date = order.customExpirationDate { return date }
        if let days = order.validityDays { return day.adding(days: days) }
        let years = order.validityYears ?? 1
        return CalendarDate(year: day.year + years, month: day.month, day: day.day)
            ?? CalendarDate(year: day.year + years, month: day.month, day: day.day - 1)!
    }

    /// `2018-10-16T20:05:28+00:00`, as CertCentral writes times.
    static func apiTime(_ date: Date) -> String {
        Timestamp.format(date).replacingOccurrences(of: "Z", with: "+00:00")
    }

    func takeOrderID() -> Int {
        defer { nextOrderID += 1 }
        return nextOrderID
    }

    func takeCertificateID() -> Int {
        defer { nextCertificateID += 1 }
        return nextCertificateID
    }

    func shouldDrop() -> Bool {
        guard faults.dropAfterAcceptRate > 0, Double.random(in: 0..<1, using: &random) < faults.dropAfterAcceptRate else { return false }
        stats.dropsInjected += 1
        return true
    }

    func randomToken() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
    }

    /// Writes the account to `--data` atomically after every change.
    func persist() {
        guard let path = configuration.dataPath else { return }
        var retired: [String: JSONValue] = [:]
        for (id, pem) in retiredCertificates { retired[String(id)] = .string(pem) }
        let document: JSONValue = [
            "ca": ["certificate": .string(ca.certificatePEM), "private_key": .string(ca.privateKeyPEM)],
            "orders": .array(orders.values.sorted { $0.id < $1.id }.map(\.json)),
            "retired_certificates": .object(retired),
            "next_order_id": .int(nextOrderID), "next_certificate_id": .int(nextCertificateID),
            "next_request_id": .int(nextRequestID), "clock_offset_seconds": .double(clockOffset),
        ]
        do {
            try AtomicFile.write(JSONWriter.pretty(document), to: path)
        } catch {
            FileHandle.standardError.write(Data("certcentral-sandbox: \(error)\n".utf8))
        }
    }
}

/// A sandbox start-up problem.
public struct SandboxError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
