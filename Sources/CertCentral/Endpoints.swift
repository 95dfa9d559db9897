/// The CertCentral Services API v2 paths certform uses, relative to the base URL
/// (`https://www.digicert.com/services/v2`). The client and the sandbox both build on these, so
/// that they cannot drift apart.
public enum Endpoint {
    public static let defaultBaseURL = "https://www.digicert.com/services/v2"
    /// The header that carries the API key.
    public static let apiKeyHeader = "X-DC-DEVKEY"

    /// `POST order/certificate/{product}`: Order DV SSL.
    public static func placeOrder(product: String) -> String { "/order/certificate/\(product)" }
    /// `GET order/certificate/{order_id}`: Order info.
    public static func orderInfo(_ orderID: Int) -> String { "/order/certificate/\(orderID)" }
    /// `GET order/certificate`: List orders.
    public static let listOrders = "/order/certificate"
    /// `POST order/certificate/{order_id}/reissue`: Reissue.
    public static func reissue(_ orderID: Int) -> String { "/order/certificate/\(orderID)/reissue" }
    /// `GET certificate/{certificate_id}/download/format/{format}`: Download a certificate.
    public static func download(certificateID: Int, format: String = "pem_all") -> String {
        "/certificate/\(certificateID)/download/format/\(format)"
    }
}

/// The DV products of the Order DV SSL page, by their URL name.
public enum DVProduct {
    public static let all: [String: (name: String, wildcard: Bool)] = [
        "ssl_dv_geotrust": ("GeoTrust Standard DV", false),
        "ssl_dv_rapidssl": ("RapidSSL Standard DV", false),
        "wildcard_dv_geotrust": ("GeoTrust Wildcard DV", true),
        "wildcard_dv_rapidssl": ("RapidSSL Wildcard DV", true),
        "cloud_dv_geotrust": ("GeoTrust Cloud DV", false),
    ]
    /// The product group every DV product belongs to.
    public static let type = "dv_ssl_certificate"
}
