/// The CertCentral Services API v2 paths certform uses, relative to the base URL
/// (`https://www.digicert.com/services/v2`). The client sends to these and the sandbox routes
/// them, so that the two cannot drift apart.
public enum Endpoint {
    public static let defaultBaseURL = "https://www.digicert.com/services/v2"
    /// The path prefix of every API route (the sandbox serves the API under it).
    public static let basePath = "/services/v2"
    /// The header that carries the API key.
    public static let apiKeyHeader = "X-DC-DEVKEY"

    /// `POST order/certificate/{product}`: Order DV SSL.
    public static func placeOrder(product: Product) -> String { "/order/certificate/\(product.rawValue)" }
    /// `GET order/certificate/{order_id}`: Order info.
    public static func orderInfo(_ orderID: Int) -> String { "/order/certificate/\(orderID)" }
    /// `GET order/certificate`: List orders.
    public static let listOrders = "/order/certificate"
    /// `POST order/certificate/{order_id}/reissue`: Reissue.
    public static func reissue(_ orderID: Int) -> String { "/order/certificate/\(orderID)/reissue" }
    /// `GET certificate/{certificate_id}/download/format/{format}`: Download a certificate.
    public static func download(certificateID: Int, format: String = pemAll) -> String {
        "/certificate/\(certificateID)/download/format/\(format)"
    }
    /// `PUT order/certificate/{order_id}/dcv-random-value`: the order's DCV random value (a new
    /// one when it has expired).
    public static func dcvRandomValue(_ orderID: Int) -> String { "/order/certificate/\(orderID)/dcv-random-value" }
    /// `PUT order/certificate/{order_id}/check-dcv`: validate the published token now.
    public static func checkDCV(_ orderID: Int) -> String { "/order/certificate/\(orderID)/check-dcv" }
    /// `PUT order/certificate/{order_id}/dcv-method`: change the order's DCV method.
    public static func dcvMethod(_ orderID: Int) -> String { "/order/certificate/\(orderID)/dcv-method" }
    /// `GET product/pricing`: the account's prices.
    public static let pricing = "/product/pricing"
    /// The download format certform uses: leaf, intermediates, root.
    public static let pemAll = "pem_all"

    /// The same paths as route patterns, for the sandbox's router (`:name` is a parameter).
    public enum Route {
        /// Order DV SSL (POST, `:id` is a product) and order info (GET, `:id` is an order).
        public static let order = "/order/certificate/:id"
        public static let listOrders = "/order/certificate"
        public static let reissue = "/order/certificate/:id/reissue"
        public static let download = "/certificate/:certificate/download/format/:format"
        public static let pricing = "/product/pricing"
        public static let dcvRandomValue = "/order/certificate/:id/dcv-random-value"
        public static let checkDCV = "/order/certificate/:id/check-dcv"
        public static let dcvMethod = "/order/certificate/:id/dcv-method"
    }
}
