import Foundation
import JSON

/// One error of CertCentral's `{"errors":[{"code","message"}]}`. Codes carry qualifiers after `|`
/// or `:` (`not_found|order`, `invalid_value:validity_years`); ``kind`` is the part before them.
public struct APIError: Codable, Sendable, Hashable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// The code without its qualifier: `not_found` for `not_found|order`.
    public var kind: String {
        String(code.prefix { $0 != "|" && $0 != ":" })
    }
}

/// The error body. Decoding is tolerant: a fixture in the wild has `errors` as an object.
public struct ErrorResponse: Codable, Sendable, Hashable {
    public var errors: [APIError]

    public init(errors: [APIError]) {
        self.errors = errors
    }

    enum CodingKeys: String, CodingKey { case errors }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let list = try? container.decode([APIError].self, forKey: .errors) {
            errors = list
        } else if let one = try? container.decode(APIError.self, forKey: .errors) {
            errors = [one]
        } else if let map = try? container.decode([String: APIError].self, forKey: .errors) {
            errors = map.keys.sorted().map { map[$0]! }
        } else {
            errors = []
        }
    }
}

/// `201` of Order DV SSL: `{"id", "certificate_id", "dcv_random_value"?}`.
public struct OrderCreated: Codable, Sendable, Hashable {
    public var id: Int
    public var certificateID: Int?
    public var dcvRandomValue: String?

    public init(id: Int, certificateID: Int?, dcvRandomValue: String?) {
        self.id = id
        self.certificateID = certificateID
        self.dcvRandomValue = dcvRandomValue
    }

    enum CodingKeys: String, CodingKey {
        case id
        case certificateID = "certificate_id"
        case dcvRandomValue = "dcv_random_value"
    }
}

/// `{"id": …}` objects (product, organization, container, server platform, …).
public struct Reference: Codable, Sendable, Hashable {
    public var id: Int?
    public var name: String?

    public init(id: Int?, name: String? = nil) {
        self.id = id
        self.name = name
    }

    enum CodingKeys: String, CodingKey { case id, name }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = (try? container.decodeIfPresent(Int.self, forKey: .id)) ?? nil
        name = (try? container.decodeIfPresent(String.self, forKey: .name)) ?? nil
    }
}

/// The `product` object of order info and list items.
public struct ProductInfo: Codable, Sendable, Hashable {
    public var nameID: String
    public var name: String?
    public var type: String?
    public var validationType: String?
    public var validationName: String?
    public var validationDescription: String?

    public init(nameID: String, name: String?, type: String?) {
        self.nameID = nameID
        self.name = name
        self.type = type
    }

    /// A DV product as order info describes it.
    public init(_ product: Product, detailed: Bool) {
        self.init(nameID: product.rawValue, name: product.displayName, type: Product.productType)
        if detailed {
            validationType = "dv"
            validationName = "DV"
            validationDescription = "Domain Validation"
        }
    }

    /// The product, when it is one of the five DV products.
    public var product: Product? { Product(rawValue: nameID) }

    enum CodingKeys: String, CodingKey {
        case nameID = "name_id"
        case name, type
        case validationType = "validation_type"
        case validationName = "validation_name"
        case validationDescription = "validation_description"
    }
}

/// The `certificate` object of order info. Fields that exist only once something is issued are
/// optional; `dns_names` is decoded tolerantly (missing, or holding blanks).
public struct CertificateInfo: Codable, Sendable, Hashable {
    public var id: Int?
    public var thumbprint: String?
    public var serialNumber: String?
    public var commonName: String
    public var dnsNames: [String]
    public var dateCreated: String?
    public var dateIssued: String?
    public var validFrom: String?
    public var validTill: String?
    public var daysRemaining: Int?
    public var csr: String?
    public var organizationUnits: [String]?
    public var serverPlatform: Reference?
    public var signatureHash: String?
    public var keySize: Int?
    /// Shape varies by product (DV orders carry `{}` or `[]`); kept as it is.
    public var organization: JSONValue?

    public init(id: Int?, commonName: String, dnsNames: [String]) {
        self.id = id
        self.commonName = commonName
        self.dnsNames = dnsNames
    }

    enum CodingKeys: String, CodingKey {
        case id, thumbprint, csr
        case serialNumber = "serial_number"
        case commonName = "common_name"
        case dnsNames = "dns_names"
        case dateCreated = "date_created"
        case dateIssued = "date_issued"
        case validFrom = "valid_from"
        case validTill = "valid_till"
        case daysRemaining = "days_remaining"
        case organizationUnits = "organization_units"
        case serverPlatform = "server_platform"
        case signatureHash = "signature_hash"
        case keySize = "key_size"
        case organization
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(Int.self, forKey: .id)
        thumbprint = try c.decodeIfPresent(String.self, forKey: .thumbprint)
        serialNumber = try c.decodeIfPresent(String.self, forKey: .serialNumber)
        commonName = try c.decodeIfPresent(String.self, forKey: .commonName) ?? ""
        let names = (try? c.decodeIfPresent([String].self, forKey: .dnsNames)) ?? nil
        dnsNames = (names ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        dateCreated = try c.decodeIfPresent(String.self, forKey: .dateCreated)
        dateIssued = try c.decodeIfPresent(String.self, forKey: .dateIssued)
        validFrom = try c.decodeIfPresent(String.self, forKey: .validFrom)
        validTill = try c.decodeIfPresent(String.self, forKey: .validTill)
        daysRemaining = try? c.decodeIfPresent(Int.self, forKey: .daysRemaining)
        csr = try c.decodeIfPresent(String.self, forKey: .csr)
        organizationUnits = try? c.decodeIfPresent([String].self, forKey: .organizationUnits)
        serverPlatform = try? c.decodeIfPresent(Reference.self, forKey: .serverPlatform)
        signatureHash = try? c.decodeIfPresent(String.self, forKey: .signatureHash)
        keySize = try? c.decodeIfPresent(Int.self, forKey: .keySize)
        organization = try? c.decodeIfPresent(JSONValue.self, forKey: .organization)
    }
}

/// `GET order/certificate/{id}`. Unknown statuses are kept as the strings they are.
public struct OrderInfo: Codable, Sendable, Hashable {
    /// One entry of `requests` (a reissue and its state).
    public struct RequestSummary: Codable, Sendable, Hashable {
        public var id: Int
        public var type: String?
        public var status: String?

        public init(id: Int, type: String?, status: String?) {
            self.id = id
            self.type = type
            self.status = status
        }

        /// A reissue request, pending or approved.
        public static func reissue(id: Int, pending: Bool) -> RequestSummary {
            RequestSummary(id: id, type: "reissue", status: pending ? "pending" : "approved")
        }
    }

    public var id: Int
    public var status: OrderStatus
    public var certificate: CertificateInfo
    public var orderValidFrom: String?
    public var orderValidTill: String?
    public var isRenewal: Bool?
    public var isRenewed: Bool?
    public var renewedOrderID: Int?
    public var dateCreated: String?
    public var product: ProductInfo?
    public var dcvMethod: String?
    public var disableRenewalNotifications: Bool?
    public var autoRenew: Int?
    /// Multi-year Plan orders: `1` when CertCentral reissues the certificate by itself 30 days
    /// before it expires.
    public var autoReissue: Int?
    public var paymentMethod: String?
    public var organization: JSONValue?
    public var requests: [RequestSummary]?

    public init(id: Int, status: OrderStatus, certificate: CertificateInfo) {
        self.id = id
        self.status = status
        self.certificate = certificate
    }

    enum CodingKeys: String, CodingKey {
        case id, status, certificate, product
        case orderValidFrom = "order_valid_from"
        case orderValidTill = "order_valid_till"
        case isRenewal = "is_renewal"
        case isRenewed = "is_renewed"
        case renewedOrderID = "renewed_order_id"
        case dateCreated = "date_created"
        case dcvMethod = "dcv_method"
        case disableRenewalNotifications = "disable_renewal_notifications"
        case autoRenew = "auto_renew"
        case autoReissue = "auto_reissue"
        case paymentMethod = "payment_method"
        case organization, requests
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int.self, forKey: .id)
        status = try c.decode(OrderStatus.self, forKey: .status)
        certificate = try c.decode(CertificateInfo.self, forKey: .certificate)
        orderValidFrom = try? c.decodeIfPresent(String.self, forKey: .orderValidFrom)
        orderValidTill = try? c.decodeIfPresent(String.self, forKey: .orderValidTill)
        isRenewal = try? c.decodeIfPresent(Bool.self, forKey: .isRenewal)
        isRenewed = try? c.decodeIfPresent(Bool.self, forKey: .isRenewed)
        renewedOrderID = try? c.decodeIfPresent(Int.self, forKey: .renewedOrderID)
        dateCreated = try? c.decodeIfPresent(String.self, forKey: .dateCreated)
        product = try? c.decodeIfPresent(ProductInfo.self, forKey: .product)
        dcvMethod = try? c.decodeIfPresent(String.self, forKey: .dcvMethod)
        disableRenewalNotifications = try? c.decodeIfPresent(Bool.self, forKey: .disableRenewalNotifications)
        autoRenew = try? c.decodeIfPresent(Int.self, forKey: .autoRenew)
        autoReissue = try? c.decodeIfPresent(Int.self, forKey: .autoReissue)
        paymentMethod = try? c.decodeIfPresent(String.self, forKey: .paymentMethod)
        organization = try? c.decodeIfPresent(JSONValue.self, forKey: .organization)
        requests = try? c.decodeIfPresent([RequestSummary].self, forKey: .requests)
    }
}

/// One item of `GET order/certificate`. `organization` is left undecoded: DV orders carry `[]`
/// where an object is expected.
public struct OrderListItem: Codable, Sendable, Hashable {
    public var id: Int
    public var status: OrderStatus
    public var certificate: CertificateInfo
    public var isRenewed: Bool?
    /// The order that renewed this one (`0` or absent: none).
    public var renewedOrderID: Int?
    public var dateCreated: String?
    public var product: ProductInfo?
    public var productNameID: String?
    public var validityYears: Int?
    public var organization: JSONValue?
    public var disableRenewalNotifications: Bool?
    public var container: Reference?
    public var hasDuplicates: Bool?

    public init(id: Int, status: OrderStatus, certificate: CertificateInfo) {
        self.id = id
        self.status = status
        self.certificate = certificate
    }

    enum CodingKeys: String, CodingKey {
        case id, status, certificate, product
        case isRenewed = "is_renewed"
        case renewedOrderID = "renewed_order_id"
        case dateCreated = "date_created"
        case productNameID = "product_name_id"
        case validityYears = "validity_years"
        case organization, container
        case disableRenewalNotifications = "disable_renewal_notifications"
        case hasDuplicates = "has_duplicates"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int.self, forKey: .id)
        status = try c.decode(OrderStatus.self, forKey: .status)
        certificate = try c.decode(CertificateInfo.self, forKey: .certificate)
        isRenewed = try? c.decodeIfPresent(Bool.self, forKey: .isRenewed)
        renewedOrderID = try? c.decodeIfPresent(Int.self, forKey: .renewedOrderID)
        dateCreated = try? c.decodeIfPresent(String.self, forKey: .dateCreated)
        product = try? c.decodeIfPresent(ProductInfo.self, forKey: .product)
        productNameID = try? c.decodeIfPresent(String.self, forKey: .productNameID)
        validityYears = try? c.decodeIfPresent(Int.self, forKey: .validityYears)
        organization = try? c.decodeIfPresent(JSONValue.self, forKey: .organization)
        disableRenewalNotifications = try? c.decodeIfPresent(Bool.self, forKey: .disableRenewalNotifications)
        container = try? c.decodeIfPresent(Reference.self, forKey: .container)
        hasDuplicates = try? c.decodeIfPresent(Bool.self, forKey: .hasDuplicates)
    }

    /// The product's `name_id`, from `product` or the flat `product_name_id`.
    public var productNameIDOrNil: String? { product?.nameID ?? productNameID }
}

/// `GET order/certificate`: `orders` is left out entirely when nothing matches.
public struct ListOrdersResponse: Codable, Sendable, Hashable {
    public struct Page: Codable, Sendable, Hashable {
        public var total: Int
        public var limit: Int
        public var offset: Int

        public init(total: Int, limit: Int, offset: Int) {
            self.total = total
            self.limit = limit
            self.offset = offset
        }
    }

    public var orders: [OrderListItem]
    public var page: Page

    public init(orders: [OrderListItem], page: Page) {
        self.orders = orders
        self.page = page
    }

    enum CodingKeys: String, CodingKey { case orders, page }

    /// `orders` is left out when empty, as the API does.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !orders.isEmpty { try c.encode(orders, forKey: .orders) }
        try c.encode(page, forKey: .page)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        orders = try c.decodeIfPresent([OrderListItem].self, forKey: .orders) ?? []
        page = try c.decodeIfPresent(Page.self, forKey: .page) ?? Page(total: orders.count, limit: 0, offset: 0)
    }
}

/// `POST order/certificate/{id}/reissue`: `{"id", "requests": [{"id", "status"}]}`.
public struct ReissueResponse: Codable, Sendable, Hashable {
    public struct Request: Codable, Sendable, Hashable {
        public var id: Int
        public var status: String?

        public init(id: Int, status: String?) {
            self.id = id
            self.status = status
        }

        /// A request just made, waiting to be processed.
        public static func pending(id: Int) -> Request { Request(id: id, status: "pending") }
    }

    public var id: Int
    public var requests: [Request]

    public init(id: Int, requests: [Request]) {
        self.id = id
        self.requests = requests
    }

    enum CodingKeys: String, CodingKey { case id, requests }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int.self, forKey: .id)
        requests = (try? c.decodeIfPresent([Request].self, forKey: .requests)) ?? []
    }
}
