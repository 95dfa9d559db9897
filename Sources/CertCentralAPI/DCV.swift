import Foundation

// The domain control validation endpoints of a DV order (certcentral-api.md §7):
// `PUT order/certificate/{order_id}/dcv-random-value`, `PUT …/check-dcv`, `PUT …/dcv-method`.

/// `200` of DV SSL: Generate DCV token (`PUT …/dcv-random-value`) and of Change DCV method:
/// `{"dcv_random_value": "…", "expiration_date": "YYYY-MM-DDTHH:MM:SSZ"}`. The existing value
/// comes back while it is valid; an expired one is replaced. Both fields are empty for `email`.
public struct DCVRandomValue: Codable, Sendable, Hashable {
    public var dcvRandomValue: String?
    /// When the value stops being accepted, as CertCentral writes it (ISO 8601, UTC).
    public var expirationDate: String?

    public init(dcvRandomValue: String?, expirationDate: String?) {
        self.dcvRandomValue = dcvRandomValue
        self.expirationDate = expirationDate
    }

    enum CodingKeys: String, CodingKey {
        case dcvRandomValue = "dcv_random_value"
        case expirationDate = "expiration_date"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dcvRandomValue = (try? c.decodeIfPresent(String.self, forKey: .dcvRandomValue)).flatMap { $0?.isEmpty == false ? $0 : nil }
        expirationDate = (try? c.decodeIfPresent(String.self, forKey: .expirationDate)).flatMap { $0?.isEmpty == false ? $0 : nil }
    }
}

/// The body of `PUT …/dcv-method`: `{"dcv_method": "dns-txt-token"}`.
public struct DCVMethodChange: Codable, Sendable, Hashable {
    public var dcvMethod: DCVMethod

    public init(dcvMethod: DCVMethod) { self.dcvMethod = dcvMethod }

    enum CodingKeys: String, CodingKey { case dcvMethod = "dcv_method" }
}

/// `200` of DV SSL: Check DCV (`PUT …/check-dcv`):
/// `{"order_status": "issued", "certificate_id": 249043544, "dcv_status": "valid",
///   "dns_name_validations": [{"dns_name": "example.com", "status": "approved"}]}`.
/// Older examples leave out `dns_name_validations` and carry `"order_status": "pending"`.
/// A value not found is a `400` (`invalid_dns_txt`, `file_random_value_not_found`,
/// `invalid_dns_method` for email orders), not this body.
public struct DCVCheckResult: Codable, Sendable, Hashable {
    public struct NameValidation: Codable, Sendable, Hashable {
        public var dnsName: String
        public var status: String

        public init(dnsName: String, status: String) {
            self.dnsName = dnsName
            self.status = status
        }

        enum CodingKeys: String, CodingKey {
            case dnsName = "dns_name"
            case status
        }
    }

    public var orderStatus: OrderStatus?
    public var certificateID: Int?
    public var dcvStatus: String?
    public var dnsNameValidations: [NameValidation]?

    public init(orderStatus: OrderStatus?, certificateID: Int?, dcvStatus: String?, dnsNameValidations: [NameValidation]? = nil) {
        self.orderStatus = orderStatus
        self.certificateID = certificateID
        self.dcvStatus = dcvStatus
        self.dnsNameValidations = dnsNameValidations
    }

    enum CodingKeys: String, CodingKey {
        case orderStatus = "order_status"
        case certificateID = "certificate_id"
        case dcvStatus = "dcv_status"
        case dnsNameValidations = "dns_name_validations"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        orderStatus = (try? c.decodeIfPresent(String.self, forKey: .orderStatus))?.map(OrderStatus.init)
        certificateID = (try? c.decodeIfPresent(Int.self, forKey: .certificateID)) ?? nil
        dcvStatus = (try? c.decodeIfPresent(String.self, forKey: .dcvStatus)) ?? nil
        dnsNameValidations = (try? c.decodeIfPresent([NameValidation].self, forKey: .dnsNameValidations)) ?? nil
    }
}

/// The `400` error codes of Check DCV, as the DV Check DCV page lists them.
public enum DCVCheckError {
    /// "Could not find a valid TXT record for one or more domains." (also used for CNAME tokens)
    public static let invalidDNSTXT = "invalid_dns_txt"
    /// The `fileauth.txt` file was not found or does not hold the value.
    public static let fileRandomValueNotFound = "file_random_value_not_found"
    /// The order validates by email: there is nothing to check.
    public static let invalidDNSMethod = "invalid_dns_method"
}

/// Where a DCV token is published, as DigiCert's DCV pages describe it.
public enum DCVPublication {
    /// The CNAME target of `dns-cname-token`: `<random>.<name>` → `dcv.digicert.com`.
    public static let cnameTarget = "dcv.digicert.com"
    /// The path of the `http-token` file on each name's web server.
    public static let httpTokenPath = "/.well-known/pki-validation/fileauth.txt"
    /// The label DigiCert also accepts in front of the name for a `dns-txt-token` TXT record.
    public static let txtPrefix = "_dnsauth."
    /// How long CertCentral keeps a random value valid.
    public static let randomValueLifetime: TimeInterval = 30 * 86_400

    /// The base name a token is published under: `*.example.com` validates at `example.com`.
    public static func baseName(_ name: String) -> String {
        name.hasPrefix("*.") ? String(name.dropFirst(2)) : name
    }

    /// The DNS name of the `dns-txt-token` TXT record for `name` (at the name itself).
    public static func txtRecord(for name: String) -> String { baseName(name) }

    /// The DNS name of the `dns-cname-token` CNAME record for `name` and `value`.
    public static func cnameRecord(for name: String, value: String) -> String { "\(value).\(baseName(name))" }

    /// The URL of the `http-token` file for `name`.
    public static func httpURL(for name: String) -> String { "http://\(baseName(name))\(httpTokenPath)" }
}

extension DCVCheckResult {
    /// `dcv_status` when every name of the order is validated (the documented value).
    public static let valid = "valid"
    /// `dcv_status` while a name is still to be validated. Not in DigiCert's examples (which
    /// only show `valid`); the sandbox answers it for orders it has not validated yet.
    public static let pending = "pending"
}

extension DCVCheckResult.NameValidation {
    /// `dns_name_validations[].status` of a validated name (the documented value).
    public static let approved = "approved"
    /// `dns_name_validations[].status` of a name still to be validated (sandbox's choice).
    public static let pending = "pending"
}
