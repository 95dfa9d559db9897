/// The body of `POST order/certificate/{product}` (Order DV SSL), field for field as the API page
/// names them. The planner builds it, the plan shows it, apply sends it, and the sandbox decodes
/// it: one type, so that client and sandbox cannot disagree on a field.
///
/// Decoding accepts what the page's own example sends, since real clients copy it: `0`/`1` where
/// the table says boolean, and `"custom_expiration_date": ""` meaning none.
public struct OrderRequest: Codable, Sendable, Hashable {
    public var certificate: CertificateRequest
    public var dcvMethod: DCVMethod
    public var validityYears: Int?
    public var validityDays: Int?
    public var customExpirationDate: String?
    /// The order's term as one object, instead of the three root fields above (never with them).
    public var orderValidity: OrderValidity?
    public var comments: String?
    public var autoRenew: Int?
    /// Multi-year Plan orders: `1` asks CertCentral to reissue the certificate by itself 30 days
    /// before it expires, `0` not to.
    public var autoReissue: Int?
    public var customRenewalMessage: String?
    public var disableRenewalNotifications: Bool?
    public var paymentMethod: PaymentMethod?
    public var dcvEmails: [DCVEmail]?
    public var locale: String?
    public var skipApproval: Bool?
    public var disableCT: Bool?
    public var container: IDReference?
    public var customFields: [CustomField]?
    public var technicalContact: TechnicalContact?
    /// Set by certform from state for a renewal, never from a manifest.
    public var renewalOfOrderID: Int?
    public var renewedThumbprint: String?

    public init(certificate: CertificateRequest, dcvMethod: DCVMethod) {
        self.certificate = certificate
        self.dcvMethod = dcvMethod
    }

    enum CodingKeys: String, CodingKey {
        case certificate, comments, locale, container
        case dcvMethod = "dcv_method"
        case validityYears = "validity_years"
        case validityDays = "validity_days"
        case customExpirationDate = "custom_expiration_date"
        case orderValidity = "order_validity"
        case autoRenew = "auto_renew"
        case autoReissue = "auto_reissue"
        case customRenewalMessage = "custom_renewal_message"
        case disableRenewalNotifications = "disable_renewal_notifications"
        case paymentMethod = "payment_method"
        case dcvEmails = "dcv_emails"
        case skipApproval = "skip_approval"
        case disableCT = "disable_ct"
        case customFields = "custom_fields"
        case technicalContact = "technical_contact"
        case renewalOfOrderID = "renewal_of_order_id"
        case renewedThumbprint = "renewed_thumbprint"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        certificate = try c.decode(CertificateRequest.self, forKey: .certificate)
        dcvMethod = try c.decode(DCVMethod.self, forKey: .dcvMethod)
        validityYears = try c.decodeIfPresent(Int.self, forKey: .validityYears)
        validityDays = try c.decodeIfPresent(Int.self, forKey: .validityDays)
        customExpirationDate = try c.decodeIfPresent(String.self, forKey: .customExpirationDate).flatMap { $0.isEmpty ? nil : $0 }
        orderValidity = try c.decodeIfPresent(OrderValidity.self, forKey: .orderValidity)
        comments = try c.decodeIfPresent(String.self, forKey: .comments)
        autoRenew = try c.decodeIfPresent(Int.self, forKey: .autoRenew)
        autoReissue = try c.decodeIfPresent(Int.self, forKey: .autoReissue)
        customRenewalMessage = try c.decodeIfPresent(String.self, forKey: .customRenewalMessage)
        disableRenewalNotifications = try c.decodeIfPresent(Flag.self, forKey: .disableRenewalNotifications)?.value
        paymentMethod = try c.decodeIfPresent(PaymentMethod.self, forKey: .paymentMethod)
        dcvEmails = try c.decodeIfPresent([DCVEmail].self, forKey: .dcvEmails)
        locale = try c.decodeIfPresent(String.self, forKey: .locale)
        skipApproval = try c.decodeIfPresent(Flag.self, forKey: .skipApproval)?.value
        disableCT = try c.decodeIfPresent(Flag.self, forKey: .disableCT)?.value
        container = try c.decodeIfPresent(IDReference.self, forKey: .container)
        customFields = try c.decodeIfPresent([CustomField].self, forKey: .customFields)
        technicalContact = try c.decodeIfPresent(TechnicalContact.self, forKey: .technicalContact)
        renewalOfOrderID = try c.decodeIfPresent(Int.self, forKey: .renewalOfOrderID)
        renewedThumbprint = try c.decodeIfPresent(String.self, forKey: .renewedThumbprint)
    }

    /// Every name the certificate will carry: the common name, then `dns_names`.
    public var names: [String] { [certificate.commonName] + (certificate.dnsNames ?? []) }
}

/// The `order_validity` object of an order: the order's (plan's) term as `years`, `days` or
/// `custom_expiration_date` (`yyyy-MM-dd`), with the same ranges as the root fields. Like the root
/// field, `"custom_expiration_date": ""` means none.
public struct OrderValidity: Codable, Sendable, Hashable {
    public var years: Int?
    public var days: Int?
    public var customExpirationDate: String?

    public init(years: Int? = nil, days: Int? = nil, customExpirationDate: String? = nil) {
        self.years = years
        self.days = days
        self.customExpirationDate = customExpirationDate
    }

    enum CodingKeys: String, CodingKey {
        case years, days
        case customExpirationDate = "custom_expiration_date"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        years = try c.decodeIfPresent(Int.self, forKey: .years)
        days = try c.decodeIfPresent(Int.self, forKey: .days)
        customExpirationDate = try c.decodeIfPresent(String.self, forKey: .customExpirationDate).flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// The body of `POST order/certificate/{order_id}/reissue`: the certificate and approval fields.
public struct ReissueRequest: Codable, Sendable, Hashable {
    public var certificate: CertificateRequest
    public var skipApproval: Bool?

    public init(certificate: CertificateRequest, skipApproval: Bool? = nil) {
        self.certificate = certificate
        self.skipApproval = skipApproval
    }

    enum CodingKeys: String, CodingKey {
        case certificate
        case skipApproval = "skip_approval"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        certificate = try c.decode(CertificateRequest.self, forKey: .certificate)
        skipApproval = try c.decodeIfPresent(Flag.self, forKey: .skipApproval)?.value
    }
}

/// The `certificate` object of an order or reissue: what shapes the certificate.
public struct CertificateRequest: Codable, Sendable, Hashable {
    public var commonName: String
    /// Left out when empty.
    public var dnsNames: [String]?
    public var csr: String
    public var organizationUnits: [String]?
    public var serverPlatform: IDReference?

    public init(commonName: String, dnsNames: [String]? = nil, csr: String,
                organizationUnits: [String]? = nil, serverPlatform: IDReference? = nil) {
        self.commonName = commonName
        self.dnsNames = dnsNames
        self.csr = csr
        self.organizationUnits = organizationUnits
        self.serverPlatform = serverPlatform
    }

    enum CodingKeys: String, CodingKey {
        case csr
        case commonName = "common_name"
        case dnsNames = "dns_names"
        case organizationUnits = "organization_units"
        case serverPlatform = "server_platform"
    }
}

/// `{"id": N}`: a server platform or container.
public struct IDReference: Codable, Sendable, Hashable {
    public var id: Int
    public init(id: Int) { self.id = id }
}

/// One `dcv_emails` entry: where DCV email for one of the certificate's names goes.
public struct DCVEmail: Codable, Sendable, Hashable {
    public var dnsName: String
    public var emailDomain: String
    public var email: String?

    public init(dnsName: String, emailDomain: String, email: String? = nil) {
        self.dnsName = dnsName
        self.emailDomain = emailDomain
        self.email = email
    }

    enum CodingKeys: String, CodingKey {
        case email
        case dnsName = "dns_name"
        case emailDomain = "email_domain"
    }
}

extension DCVEmail {
    /// SPEC §2.2's rule for `email_domain`: the base domain of `name` (`*.` taken off) or a parent
    /// domain of it (`example.com` for `a.b.example.com`), never a top-level domain alone (`com`),
    /// which no WHOIS record of the name's is at. Case as written: callers lowercase when theirs
    /// may differ. The one rule for the manifest reader and for entries read back from a state.
    public static func isEmailDomain(_ domain: String, of name: String) -> Bool {
        let base = DCVPublication.baseName(name)
        return domain.contains(".") && (base == domain || base.hasSuffix("." + domain))
    }

    /// SPEC §2.2's rule for `email`: one `@` with something before it, at `domain` or a subdomain
    /// of it. Whether the address is plausible otherwise is the manifest reader's check.
    public static func isAddress(_ email: String, in domain: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && (parts[1] == domain || parts[1].hasSuffix("." + domain))
    }

    /// Whether this entry keeps both rules (its `email`, if any, an address in its domain).
    public var keepsRules: Bool {
        Self.isEmailDomain(emailDomain, of: dnsName) && email.map { Self.isAddress($0, in: emailDomain) } ?? true
    }
}

/// The `technical_contact` object.
public struct TechnicalContact: Codable, Sendable, Hashable {
    public var firstName: String
    public var lastName: String
    public var telephone: String
    public var jobTitle: String?
    public var email: String

    public init(firstName: String, lastName: String, telephone: String, jobTitle: String? = nil, email: String) {
        self.firstName = firstName
        self.lastName = lastName
        self.telephone = telephone
        self.jobTitle = jobTitle
        self.email = email
    }

    enum CodingKeys: String, CodingKey {
        case telephone, email
        case firstName = "first_name"
        case lastName = "last_name"
        case jobTitle = "job_title"
    }
}

/// One account-specific custom field.
public struct CustomField: Codable, Sendable, Hashable {
    public var metadataID: Int
    public var value: String

    public init(metadataID: Int, value: String) {
        self.metadataID = metadataID
        self.value = value
    }

    enum CodingKeys: String, CodingKey {
        case value
        case metadataID = "metadata_id"
    }
}

/// A boolean as the API page's example writes it: `true`/`false`, or `1`/`0`.
struct Flag: Decodable {
    var value: Bool

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            value = flag
        } else if let number = try? container.decode(Int.self), number == 0 || number == 1 {
            value = number == 1
        } else {
            throw DecodingError.typeMismatch(Bool.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a boolean"))
        }
    }
}
