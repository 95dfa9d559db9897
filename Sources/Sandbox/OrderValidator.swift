import CertCentralAPI
import Dates
import JSON
import X509

/// An order request that passed validation.
struct ValidatedOrder: Sendable {
    var request: OrderRequest
    var csr: CertificateSigningRequest
    /// `dns_names` without blanks.
    var dnsNames: [String]
    /// How long the order lasts, from the root fields or `order_validity`.
    var term: OrderTerm

    var commonName: String { request.certificate.commonName }
}

/// Checks an Order DV SSL body the way the API page describes it, reporting every problem as
/// CertCentral does: `invalid_value:<field>`, `missing_field:<field>`, `csr_invalid_cannot_parse`.
///
/// The body is decoded as the very ``OrderRequest`` the client sends (its decoding accepts what
/// the page's own example sends: `"disable_ct": 0`, `"custom_expiration_date": ""`); a field that
/// does not decode is reported and left out so that the rest is still checked. Then the rules
/// that types cannot say are checked on the typed request.
struct OrderValidator {
    let product: Product
    let today: CalendarDate
    private(set) var errors: [APIError] = []
    /// Fields that were sent but did not decode (already reported, so never "missing").
    private(set) var dropped: Set<String> = []

    init(product: Product, today: CalendarDate) {
        self.product = product
        self.today = today
    }

    mutating func fail(_ code: String, _ message: String) {
        errors.append(APIError(code: code, message: message))
    }

    /// Decodes and checks a new order's body.
    mutating func validate(_ body: JSONValue) -> ValidatedOrder? {
        guard let request = decode(body) else { return nil }
        return check(request)
    }

    /// Checks a typed request (a new order, or an order with a reissue's certificate).
    mutating func check(_ request: OrderRequest) -> ValidatedOrder? {
        checkNames(request)
        let term = checkValidity(request)
        checkDCV(request)
        checkSettings(request)
        let csr = parseCSR(request.certificate.csr)
        errors.sort { Self.fieldRank($0.code) < Self.fieldRank($1.code) }
        guard errors.isEmpty, let csr, let term else { return nil }
        let names = (request.certificate.dnsNames ?? []).filter { !$0.isEmpty }
        return ValidatedOrder(request: request, csr: csr, dnsNames: names, term: term)
    }

    // MARK: Decoding

    /// Keys without which nothing else can be checked.
    static let requiredKeys: Set<String> = ["certificate", "dcv_method"]

    /// The request, with every field that does not decode reported and dropped; nil when the body
    /// is not an object or a required field is broken.
    mutating func decode(_ body: JSONValue) -> OrderRequest? {
        guard case .object(var object) = body else {
            fail("bad_request_format", "The request body must be a JSON object.")
            return nil
        }
        while true {
            do {
                return try JSONValueDecoder().decode(OrderRequest.self, from: .object(object))
            } catch {
                let problem = Self.describe(error)
                fail(problem.code, problem.message)
                guard !Self.requiredKeys.contains(problem.topKey), object.removeValue(forKey: problem.topKey) != nil else { return nil }
                dropped.insert(problem.topKey)
            }
        }
    }

    /// A field that did not decode, as CertCentral words it.
    struct Problem {
        var code: String
        /// The top-level key it is under (left out to check the rest).
        var topKey: String
        var message: String
    }

    /// `missing_field:` for a required key left out (at the top or in `certificate`),
    /// `invalid_value:` for anything else, named by its path up to the first array index.
    static func describe(_ error: any Error) -> Problem {
        guard let error = error as? DecodingError else {
            return Problem(code: "bad_request_format", topKey: "", message: "The request body does not read.")
        }
        let path = error.jsonPath
        let field = String(path.prefix { $0 != "[" })
        let topKey = String(field.prefix { $0 != "." })
        if case .keyNotFound = error, !path.contains("["), field == topKey || topKey == "certificate" {
            return Problem(code: "missing_field:\(field)", topKey: topKey, message: "\(field) is required.")
        }
        return Problem(code: "invalid_value:\(field)", topKey: topKey, message: "\(path) has the wrong type or value.")
    }

    /// Errors are reported in the order of the API page's fields.
    static let fieldOrder = [
        "certificate", "validity_years", "validity_days", "custom_expiration_date", "order_validity", "dcv_method", "dcv_emails",
        "comments", "custom_renewal_message", "locale", "renewed_thumbprint", "auto_renew", "auto_reissue",
        "disable_renewal_notifications", "skip_approval", "disable_ct", "payment_method", "container",
        "custom_fields", "technical_contact", "renewal_of_order_id",
    ]

    static func fieldRank(_ code: String) -> Int {
        let field = code.split(separator: ":").dropFirst().first.map { String($0.prefix { $0 != "." }) } ?? ""
        return fieldOrder.firstIndex(of: field) ?? (code.hasPrefix("csr_") ? 0 : fieldOrder.count)
    }

    // MARK: Rules

    mutating func checkNames(_ request: OrderRequest) {
        let commonName = request.certificate.commonName
        let names = [commonName] + (request.certificate.dnsNames ?? []).filter { !$0.isEmpty }
        for (index, name) in names.enumerated() where !name.isEmpty {
            let field = index == 0 ? "certificate.common_name" : "certificate.dns_names"
            let wildcard = name.hasPrefix("*.")
            if !Self.isDNSName(wildcard ? String(name.dropFirst(2)) : name) {
                fail("invalid_value:\(field)", "'\(name)' is not a valid domain name.")
            } else if wildcard && !product.isWildcard {
                fail("invalid_value:\(field)", "Wildcard domains are not allowed for product \(product.rawValue).")
            }
        }
        if product.isWildcard, !commonName.isEmpty, !commonName.hasPrefix("*.") {
            fail("invalid_value:certificate.common_name", "Product \(product.rawValue) requires a wildcard common_name.")
        }
    }

    mutating func checkDCV(_ request: OrderRequest) {
        if request.dcvMethod == .httpToken, request.names.contains(where: { $0.hasPrefix("*.") }) {
            fail("invalid_value:dcv_method", "http-token cannot validate a wildcard domain.")
        }
        let names = Set(request.names)
        for entry in request.dcvEmails ?? [] {
            let base = entry.dnsName.hasPrefix("*.") ? String(entry.dnsName.dropFirst(2)) : entry.dnsName
            let domain = entry.emailDomain
            if !names.contains(entry.dnsName) {
                fail("invalid_value:dcv_emails", "dcv_emails dns_name '\(entry.dnsName)' is not on the certificate.")
            } else if !domain.contains(".") || !(base == domain || base.hasSuffix("." + domain)) {
                fail("invalid_value:dcv_emails", "email_domain '\(domain)' must match the base domain of '\(entry.dnsName)'.")
            }
            if let email = entry.email {
                let parts = email.split(separator: "@", omittingEmptySubsequences: false)
                if parts.count != 2 || parts[0].isEmpty || !(parts[1] == domain || parts[1].hasSuffix("." + domain)) {
                    fail("invalid_value:dcv_emails", "email '\(email)' is not an address in '\(domain)'.")
                }
            }
        }
    }

    mutating func checkSettings(_ request: OrderRequest) {
        if let value = request.autoRenew, value != 0 && value != 1 {
            fail("invalid_value:auto_renew", "auto_renew must be 0 or 1.")
        }
        if let value = request.autoReissue, value != 0 && value != 1 {
            fail("invalid_value:auto_reissue", "auto_reissue must be 0 or 1.")
        }
    }

    mutating func parseCSR(_ pem: String) -> CertificateSigningRequest? {
        guard let csr = try? CertificateSigningRequest(pemEncoded: pem) else {
            fail("csr_invalid_cannot_parse", "The CSR could not be parsed.")
            return nil
        }
        return csr
    }

    static func isDNSName(_ name: String) -> Bool {
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, name.utf8.count <= 253 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 || (65...90).contains($0) }
        }
    }
}
