import YAML

/// The DV SSL products of the Order DV SSL endpoint; the raw value is the URL path segment.
public enum Product: String, Sendable, Hashable, CaseIterable {
    case sslDVGeoTrust = "ssl_dv_geotrust"
    case sslDVRapidSSL = "ssl_dv_rapidssl"
    case wildcardDVGeoTrust = "wildcard_dv_geotrust"
    case wildcardDVRapidSSL = "wildcard_dv_rapidssl"
    case cloudDVGeoTrust = "cloud_dv_geotrust"

    /// Wildcard products secure `*.name` and need a wildcard `common_name`.
    public var isWildcard: Bool {
        self == .wildcardDVGeoTrust || self == .wildcardDVRapidSSL
    }
}

/// The domain control validation methods (Glossary – DCV methods).
public enum DCVMethod: String, Sendable, Hashable, CaseIterable {
    case email
    case dnsTXTToken = "dns-txt-token"
    case dnsCNAMEToken = "dns-cname-token"
    case httpToken = "http-token"

    /// Token methods hand back a random value that must be published before issuance.
    public var usesToken: Bool { self != .email }
}

/// One `dcv_emails` entry: where DCV email for one of the certificate's names goes.
public struct DCVEmail: Sendable, Hashable {
    public var dnsName: String
    public var emailDomain: String
    public var email: String?

    public init(dnsName: String, emailDomain: String, email: String? = nil) {
        self.dnsName = dnsName
        self.emailDomain = emailDomain
        self.email = email
    }
}

/// The `technical_contact` object.
public struct TechnicalContact: Sendable, Hashable {
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
}

/// One account-specific custom field.
public struct CustomField: Sendable, Hashable {
    public var metadataID: Int
    public var value: String

    public init(metadataID: Int, value: String) {
        self.metadataID = metadataID
        self.value = value
    }
}

/// What certform learned from a certificate's CSR: enough to tell whether a new CSR changes the
/// certificate (same key and names means no reissue).
public struct CSRSummary: Sendable, Hashable {
    /// SHA-256 of the public key bits (the subjectPublicKey of the SPKI: an EC point or a PKCS #1
    /// RSA key), lowercase hex.
    public var publicKeySHA256: String
    /// The subject common name and the DNS names of the SAN extension, lowercased, sorted, unique.
    public var names: [String]
    /// "RSA 2048", "ECDSA P-256", … for messages.
    public var keyDescription: String

    public init(publicKeySHA256: String, names: [String], keyDescription: String) {
        self.publicKeySHA256 = publicKeySHA256
        self.names = names
        self.keyDescription = keyDescription
    }
}

/// One certificate as the manifests declare it, after `defaults` are applied and every value is
/// validated. Field names follow the API's; optional fields are nil when the manifest leaves them
/// out, so that a request carries exactly what was written.
public struct CertificateSpec: Sendable {
    /// The certificate's identity in state.
    public var name: String
    /// The manifest file (as the loader was given its path) and where the name was written.
    public var file: String
    public var location: SourceLocation

    public var product: Product
    public var commonName: String
    public var dnsNames: [String]?
    /// The PEM text of the CSR, from `csr` or read from `csr_file`.
    public var csr: String
    /// `csr_file` as written, when the CSR came from a file.
    public var csrFile: String?
    /// Where `csr` or `csr_file` is written, for CSR diagnostics.
    public var csrLocation: SourceLocation?
    public var organizationUnits: [String]?
    public var serverPlatformID: Int?
    public var validityYears: Int?
    public var validityDays: Int?
    public var customExpirationDate: String?
    public var comments: String?
    public var autoRenew: Int?
    public var customRenewalMessage: String?
    public var disableRenewalNotifications: Bool?
    public var paymentMethod: String?
    public var dcvMethod: DCVMethod
    public var dcvEmails: [DCVEmail]?
    public var locale: String?
    public var skipApproval: Bool?
    public var disableCT: Bool?
    public var containerID: Int?
    public var customFields: [CustomField]?
    public var technicalContact: TechnicalContact?
    /// certform only: renew or reissue when the certificate expires within this many days.
    public var renewBeforeDays: Int
    /// certform only: the name this certificate had before; its state record is adopted.
    public var movedFrom: String?
    /// Filled in when CSR checks ran.
    public var csrSummary: CSRSummary?

    public init(
        name: String, file: String = "<memory>", location: SourceLocation = SourceLocation(line: 1, column: 1),
        product: Product, commonName: String, dnsNames: [String]? = nil, csr: String,
        dcvMethod: DCVMethod, validityYears: Int? = 1, renewBeforeDays: Int = 30
    ) {
        self.name = name
        self.file = file
        self.location = location
        self.product = product
        self.commonName = commonName
        self.dnsNames = dnsNames
        self.csr = csr
        self.dcvMethod = dcvMethod
        self.validityYears = validityYears
        self.renewBeforeDays = renewBeforeDays
    }

    /// The common name and the DNS names, in manifest order.
    public var allNames: [String] { [commonName] + (dnsNames ?? []) }

    /// The default `renew_before_days`.
    public static let defaultRenewBeforeDays = 30
}
