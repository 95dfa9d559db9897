/// The keys a certificate entry (or `defaults`) may hold: the request parameters of the Order DV
/// SSL page under their API names, with the ones the API nests under `certificate` written at the
/// top level, plus certform's own `renew_before_days` and `moved_from`.
enum CertificateKey: String, CaseIterable {
    case product
    case commonName = "common_name"
    case dnsNames = "dns_names"
    case csr
    case csrFile = "csr_file"
    case organizationUnits = "organization_units"
    case serverPlatform = "server_platform"
    case validityYears = "validity_years"
    case validityDays = "validity_days"
    case customExpirationDate = "custom_expiration_date"
    case comments
    case autoRenew = "auto_renew"
    case customRenewalMessage = "custom_renewal_message"
    case disableRenewalNotifications = "disable_renewal_notifications"
    case paymentMethod = "payment_method"
    case dcvMethod = "dcv_method"
    case dcvEmails = "dcv_emails"
    case locale
    case skipApproval = "skip_approval"
    case disableCT = "disable_ct"
    case container
    case customFields = "custom_fields"
    case technicalContact = "technical_contact"
    case renewBeforeDays = "renew_before_days"
    case movedFrom = "moved_from"

    static let allNames = allCases.map(\.rawValue)

    /// The key spelled `name`: one hash lookup, where `init(rawValue:)` compares every case.
    static func named(_ name: String) -> CertificateKey? { byName[name] }
    private static let byName = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })
    /// The position of the key in `allCases`, for tables indexed by key (a switch compiles to a
    /// table lookup; a dictionary would hash on every read of every certificate).
    var ordinal: Int {
        switch self {
        case .product: 0
        case .commonName: 1
        case .dnsNames: 2
        case .csr: 3
        case .csrFile: 4
        case .organizationUnits: 5
        case .serverPlatform: 6
        case .validityYears: 7
        case .validityDays: 8
        case .customExpirationDate: 9
        case .comments: 10
        case .autoRenew: 11
        case .customRenewalMessage: 12
        case .disableRenewalNotifications: 13
        case .paymentMethod: 14
        case .dcvMethod: 15
        case .dcvEmails: 16
        case .locale: 17
        case .skipApproval: 18
        case .disableCT: 19
        case .container: 20
        case .customFields: 21
        case .technicalContact: 22
        case .renewBeforeDays: 23
        case .movedFrom: 24
        }
    }

    /// Keys that look like request parameters but that certform owns, with the reason.
    static let forbidden: [String: String] = [
        "renewal_of_order_id": "certform sets 'renewal_of_order_id' from state when it renews; remove it from the manifest",
        "renewed_thumbprint": "certform sets 'renewed_thumbprint' from state when it renews; remove it from the manifest",
        "certificate": "write the fields of the API's 'certificate' object (common_name, dns_names, csr, …) at the top level of the entry",
        "order_validity": "use 'validity_years', 'validity_days' or 'custom_expiration_date'",
    ]
}

/// Allowed values of the enumerated string parameters.
enum AllowedValues {
    static let topLevelKeys = ["apiVersion", "defaults", "certificates"]
    static let apiVersion = "certform/v1"
    static let contactKeys = ["first_name", "last_name", "telephone", "job_title", "email"]
}
