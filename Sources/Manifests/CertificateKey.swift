import Foundation

/// The keys a certificate entry (or `defaults`) may hold: the request parameters of the Order DV
/// SSL page under their API names, with the ones the API nests under `certificate` written at the
/// top level, plus certform's own `renew_before_days` and `moved_from`. `order_validity` is the
/// API's other spelling of the three validity fields (never together with them).
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
    case orderValidity = "order_validity"
    case comments
    case autoRenew = "auto_renew"
    case autoReissue = "auto_reissue"
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

    /// The key spelled `name`. Every key of every certificate is looked up, so without hashing
    /// the text: its length, first, middle and last bytes tell the keys apart, and the one key
    /// they point to is then compared whole (`init(rawValue:)` compares every case).
    static func named(_ name: String) -> CertificateKey? {
        var name = name
        return name.withUTF8 { bytes in
            guard let signature = signature(bytes) else { return nil }
            for (candidate, key) in bySignature where candidate == signature {
                var raw = key.rawValue
                return raw.withUTF8 { $0.count == bytes.count && memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 } ? key : nil
            }
            return nil
        }
    }

    /// Length, first, middle and last bytes of a name of 1–255 bytes, packed.
    private static func signature(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32? {
        guard !bytes.isEmpty, bytes.count < 256 else { return nil }
        return UInt32(bytes.count) << 24 | UInt32(bytes[0]) << 16 | UInt32(bytes[bytes.count / 2]) << 8 | UInt32(bytes[bytes.count - 1])
    }

    private static let bySignature: [(UInt32, CertificateKey)] = {
        let table = allCases.map { key in
            var raw = key.rawValue
            return (raw.withUTF8 { signature($0)! }, key)
        }
        precondition(Set(table.map(\.0)).count == table.count, "two certificate keys share a signature")
        return table
    }()
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
        case .orderValidity: 10
        case .comments: 11
        case .autoRenew: 12
        case .autoReissue: 13
        case .customRenewalMessage: 14
        case .disableRenewalNotifications: 15
        case .paymentMethod: 16
        case .dcvMethod: 17
        case .dcvEmails: 18
        case .locale: 19
        case .skipApproval: 20
        case .disableCT: 21
        case .container: 22
        case .customFields: 23
        case .technicalContact: 24
        case .renewBeforeDays: 25
        case .movedFrom: 26
        }
    }

    /// Keys that look like request parameters but that certform owns, with the reason.
    static let forbidden: [String: String] = [
        "renewal_of_order_id": "certform sets 'renewal_of_order_id' from state when it renews; remove it from the manifest",
        "renewed_thumbprint": "certform sets 'renewed_thumbprint' from state when it renews; remove it from the manifest",
        "certificate": "write the fields of the API's 'certificate' object (common_name, dns_names, csr, …) at the top level of the entry",
    ]
}

/// Allowed values of the enumerated string parameters.
enum AllowedValues {
    static let topLevelKeys = ["apiVersion", "defaults", "certificates"]
    static let apiVersion = "certform/v1"
    static let contactKeys = ["first_name", "last_name", "telephone", "job_title", "email"]
}
