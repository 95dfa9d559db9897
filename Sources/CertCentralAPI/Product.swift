/// The DV SSL products of the Order DV SSL endpoint; the raw value is the URL path segment
/// `{dv_ssl_certificate_id}` and the `name_id` CertCentral reports.
public enum Product: String, Sendable, Hashable, CaseIterable, Codable {
    case sslDVGeoTrust = "ssl_dv_geotrust"
    case sslDVRapidSSL = "ssl_dv_rapidssl"
    case wildcardDVGeoTrust = "wildcard_dv_geotrust"
    case wildcardDVRapidSSL = "wildcard_dv_rapidssl"
    case cloudDVGeoTrust = "cloud_dv_geotrust"

    /// Wildcard products secure `*.name` and need a wildcard `common_name`.
    public var isWildcard: Bool {
        self == .wildcardDVGeoTrust || self == .wildcardDVRapidSSL
    }

    /// The product's name in CertCentral ("GeoTrust Standard DV").
    public var displayName: String {
        switch self {
        case .sslDVGeoTrust: return "GeoTrust Standard DV"
        case .sslDVRapidSSL: return "RapidSSL Standard DV"
        case .wildcardDVGeoTrust: return "GeoTrust Wildcard DV"
        case .wildcardDVRapidSSL: return "RapidSSL Wildcard DV"
        case .cloudDVGeoTrust: return "GeoTrust Cloud DV"
        }
    }

    /// The product group every DV product belongs to (`product.type`).
    public static let productType = "dv_ssl_certificate"
}

/// The domain control validation methods (Glossary – DCV methods).
public enum DCVMethod: String, Sendable, Hashable, CaseIterable, Codable {
    case email
    case dnsTXTToken = "dns-txt-token"
    case dnsCNAMEToken = "dns-cname-token"
    case httpToken = "http-token"

    /// Token methods hand back a random value that must be published before issuance.
    public var usesToken: Bool { self != .email }

    /// Methods whose random value the order response carries (`dcv_random_value`).
    public var returnsRandomValueOnOrder: Bool { self == .dnsTXTToken || self == .httpToken }
}

/// How an order is paid (`payment_method`).
public enum PaymentMethod: String, Sendable, Hashable, CaseIterable, Codable {
    case balance, card, profile
}

extension Product: CustomStringConvertible {
    /// As the API writes it.
    public var description: String { rawValue }
}

extension DCVMethod: CustomStringConvertible {
    /// As the API writes it.
    public var description: String { rawValue }
}

extension PaymentMethod: CustomStringConvertible {
    /// As the API writes it.
    public var description: String { rawValue }
}
