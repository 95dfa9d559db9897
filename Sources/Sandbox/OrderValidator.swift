import CertCentral
import Dates
import JSON
import X509

/// An order request that passed validation.
struct ValidatedOrder: Sendable {
    var product: String
    var commonName: String
    var dnsNames: [String]
    var csr: CertificateSigningRequest
    var csrPEM: String
    var dcvMethod: String
    var skipApproval: Bool
    var validityYears: Int?
    var validityDays: Int?
    var customExpirationDate: CalendarDate?
    var renewalOfOrderID: Int?
    var renewedThumbprint: String?
    var serverPlatformID: Int?
    var organizationUnits: [String]?
}

/// Checks an Order DV SSL body the way the API page describes it, reporting every problem as
/// CertCentral does: `invalid_value:<field>`, `missing_field:<field>`, `csr_invalid_cannot_parse`.
///
/// It accepts what the page's own example sends (`"disable_ct": 0` where the table says bool,
/// `"custom_expiration_date": ""` meaning none), since real clients copy that example.
struct OrderValidator {
    let product: String
    let today: CalendarDate
    var errors: [APIError] = []

    init(product: String, today: CalendarDate) {
        self.product = product
        self.today = today
    }

    mutating func fail(_ code: String, _ message: String) {
        errors.append(APIError(code: code, message: message))
    }

    mutating func validate(_ body: JSONValue) -> ValidatedOrder? {
        guard case .object(let object) = body else {
            fail("bad_request_format", "The request body must be a JSON object.")
            return nil
        }
        let wildcardProduct = DVProduct.all[product]?.wildcard ?? false

        // certificate
        var commonName = "", dnsNames: [String] = [], csrPEM = ""
        var csr: CertificateSigningRequest?
        var serverPlatformID: Int?
        var organizationUnits: [String]?
        if let certificate = object["certificate"], !certificate.isNull {
            if case .object(let fields) = certificate {
                if let value = fields["common_name"], !value.isNull {
                    if let text = value.stringValue { commonName = text } else { fail("invalid_value:certificate.common_name", "common_name must be a string.") }
                } else {
                    fail("missing_field:certificate.common_name", "certificate.common_name is required.")
                }
                if let value = fields["dns_names"], !value.isNull {
                    if let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) {
                        dnsNames = items.compactMap(\.stringValue).filter { !$0.isEmpty }
                    } else {
                        fail("invalid_value:certificate.dns_names", "dns_names must be an array of strings.")
                    }
                }
                if let value = fields["csr"], !value.isNull {
                    if let text = value.stringValue {
                        csrPEM = text
                        csr = try? CertificateSigningRequest(pemEncoded: text)
                        if csr == nil { fail("csr_invalid_cannot_parse", "The CSR could not be parsed.") }
                    } else {
                        fail("invalid_value:certificate.csr", "csr must be a string.")
                    }
                } else {
                    fail("missing_field:certificate.csr", "certificate.csr is required.")
                }
                if let value = fields["organization_units"], !value.isNull {
                    if let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) {
                        organizationUnits = items.compactMap(\.stringValue)
                    } else {
                        fail("invalid_value:certificate.organization_units", "organization_units must be an array of strings.")
                    }
                }
                if let value = fields["server_platform"], !value.isNull {
                    if let id = value["id"]?.intValue { serverPlatformID = id } else {
                        fail("invalid_value:certificate.server_platform", "server_platform must be an object with an integer id.")
                    }
                }
            } else {
                fail("invalid_value:certificate", "certificate must be an object.")
            }
        } else {
            fail("missing_field:certificate", "certificate is required.")
        }
        for (index, name) in ([commonName] + dnsNames).enumerated() where !name.isEmpty {
            let field = index == 0 ? "certificate.common_name" : "certificate.dns_names"
            let wildcard = name.hasPrefix("*.")
            if !Self.isDNSName(wildcard ? String(name.dropFirst(2)) : name) {
                fail("invalid_value:\(field)", "'\(name)' is not a valid domain name.")
            } else if wildcard && !wildcardProduct {
                fail("invalid_value:\(field)", "Wildcard domains are not allowed for product \(product).")
            }
        }
        if wildcardProduct, !commonName.isEmpty, !commonName.hasPrefix("*.") {
            fail("invalid_value:certificate.common_name", "Product \(product) requires a wildcard common_name.")
        }

        // validity
        var validityYears: Int?, validityDays: Int?, customDate: CalendarDate?
        if let value = object["validity_years"], !value.isNull {
            if let years = value.intValue, years == 1 || years == 2 { validityYears = years } else {
                fail("invalid_value:validity_years", "validity_years must be 1 or 2.")
            }
        }
        if let value = object["validity_days"], !value.isNull {
            if let days = value.intValue, days >= 1, days <= 1095 { validityDays = days } else {
                fail("invalid_value:validity_days", "validity_days must be an integer from 1 to 1095.")
            }
        }
        if let value = object["custom_expiration_date"], !value.isNull, value.stringValue != "" {
            if let text = value.stringValue, let date = CalendarDate(text) {
                let days = today.days(until: date)
                if days <= 0 || days >= 825 {
                    fail("invalid_value:custom_expiration_date", "custom_expiration_date must be in the future and less than 825 days away.")
                } else {
                    customDate = date
                }
            } else {
                fail("invalid_value:custom_expiration_date", "custom_expiration_date must be a date in yyyy-MM-dd format.")
            }
        }
        if object["validity_years"] == nil && object["validity_days"] == nil && customDate == nil
            && !errors.contains(where: { $0.code.hasSuffix("custom_expiration_date") }) {
            fail("missing_field:validity_years", "validity_years is required unless validity_days or custom_expiration_date is given.")
        }

        // dcv
        var dcvMethod = ""
        if let value = object["dcv_method"]?.stringValue {
            if ["email", "dns-txt-token", "dns-cname-token", "http-token"].contains(value) { dcvMethod = value } else {
                fail("invalid_value:dcv_method", "dcv_method must be email, dns-txt-token, dns-cname-token or http-token.")
            }
        } else {
            fail("missing_field:dcv_method", "dcv_method is required.")
        }
        if dcvMethod == "http-token", ([commonName] + dnsNames).contains(where: { $0.hasPrefix("*.") }) {
            fail("invalid_value:dcv_method", "http-token cannot validate a wildcard domain.")
        }
        if let value = object["dcv_emails"], !value.isNull {
            if let items = value.arrayValue {
                let names = Set([commonName] + dnsNames)
                for item in items {
                    guard let dnsName = item["dns_name"]?.stringValue, let domain = item["email_domain"]?.stringValue else {
                        fail("invalid_value:dcv_emails", "Each dcv_emails entry needs dns_name and email_domain.")
                        continue
                    }
                    let base = dnsName.hasPrefix("*.") ? String(dnsName.dropFirst(2)) : dnsName
                    if !names.contains(dnsName) {
                        fail("invalid_value:dcv_emails", "dcv_emails dns_name '\(dnsName)' is not on the certificate.")
                    } else if !(base == domain || base.hasSuffix("." + domain)) {
                        fail("invalid_value:dcv_emails", "email_domain '\(domain)' must match the base domain of '\(dnsName)'.")
                    }
                    if let email = item["email"], !email.isNull {
                        let parts = email.stringValue?.split(separator: "@", omittingEmptySubsequences: false) ?? []
                        if parts.count != 2 || parts[0].isEmpty || !(parts[1] == domain || parts[1].hasSuffix("." + domain)) {
                            fail("invalid_value:dcv_emails", "email '\(email.stringValue ?? "")' is not an address in '\(domain)'.")
                        }
                    }
                }
            } else {
                fail("invalid_value:dcv_emails", "dcv_emails must be an array.")
            }
        }

        // plain fields
        for key in ["comments", "custom_renewal_message", "locale", "renewed_thumbprint"] {
            if let value = object[key], !value.isNull, value.stringValue == nil {
                fail("invalid_value:\(key)", "\(key) must be a string.")
            }
        }
        if let value = object["auto_renew"], !value.isNull, value.intValue != 0 && value.intValue != 1 {
            fail("invalid_value:auto_renew", "auto_renew must be 0 or 1.")
        }
        for key in ["disable_renewal_notifications", "skip_approval", "disable_ct"] {
            if let value = object[key], !value.isNull, Self.flag(value) == nil {
                fail("invalid_value:\(key)", "\(key) must be a boolean.")
            }
        }
        if let value = object["payment_method"], !value.isNull, !["balance", "card", "profile"].contains(value.stringValue ?? "") {
            fail("invalid_value:payment_method", "payment_method must be balance, card or profile.")
        }
        if let value = object["container"], !value.isNull, value["id"]?.intValue == nil {
            fail("invalid_value:container", "container must be an object with an integer id.")
        }
        if let value = object["custom_fields"], !value.isNull {
            let ok = value.arrayValue?.allSatisfy { $0["metadata_id"]?.intValue != nil && $0["value"]?.stringValue != nil } ?? false
            if !ok { fail("invalid_value:custom_fields", "custom_fields must be an array of {metadata_id, value}.") }
        }
        if let value = object["technical_contact"], !value.isNull {
            for key in ["first_name", "last_name", "telephone", "email"] where value[key]?.stringValue == nil {
                fail("invalid_value:technical_contact.\(key)", "technical_contact.\(key) is required.")
            }
        }
        var renewalOf: Int?
        if let value = object["renewal_of_order_id"], !value.isNull {
            if let id = value.intValue { renewalOf = id } else { fail("invalid_value:renewal_of_order_id", "renewal_of_order_id must be an integer.") }
        }

        guard errors.isEmpty, let csr else { return nil }
        return ValidatedOrder(
            product: product, commonName: commonName, dnsNames: dnsNames, csr: csr, csrPEM: csrPEM, dcvMethod: dcvMethod,
            skipApproval: object["skip_approval"].flatMap(Self.flag) ?? false,
            validityYears: validityYears, validityDays: validityDays, customExpirationDate: customDate,
            renewalOfOrderID: renewalOf, renewedThumbprint: object["renewed_thumbprint"]?.stringValue,
            serverPlatformID: serverPlatformID, organizationUnits: organizationUnits)
    }

    /// A boolean, or 0/1 as the page's example writes it.
    static func flag(_ value: JSONValue) -> Bool? {
        if let bool = value.boolValue { return bool }
        if let number = value.intValue, number == 0 || number == 1 { return number == 1 }
        return nil
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
