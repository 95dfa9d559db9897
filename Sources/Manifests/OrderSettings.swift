import CertCentralAPI

/// A certificate's order settings: the fields of the order body besides `certificate` and the
/// renewal fields — exactly what the settings digest covers (`SpecDigest.settings` in Plans).
/// Most come from `defaults`, so many certificates have the same ones; a ``CertificateSpec``
/// holds them by reference, and the loader gives equal settings one shared copy.
public struct OrderSettings: Sendable, Hashable {
    public var dcvMethod: DCVMethod
    public var validityYears: Int?
    public var validityDays: Int?
    public var customExpirationDate: String?
    /// The order's term as the `order_validity` object (exactly one of its fields set); never
    /// together with the three root fields above.
    public var orderValidity: OrderValidity?
    public var comments: String?
    /// 0 when written: certform renews, so CertCentral's own auto-renew stays off.
    public var autoRenew: Int?
    /// Multi-year Plan orders: 1 lets CertCentral reissue the certificate by itself 30 days before
    /// it expires, 0 not.
    public var autoReissue: Int?
    public var customRenewalMessage: String?
    public var disableRenewalNotifications: Bool?
    public var paymentMethod: PaymentMethod?
    public var dcvEmails: [DCVEmail]?
    public var locale: String?
    public var skipApproval: Bool?
    public var disableCT: Bool?
    public var containerID: Int?
    public var customFields: [CustomField]?
    public var technicalContact: TechnicalContact?

    public init(dcvMethod: DCVMethod, validityYears: Int? = nil) {
        self.dcvMethod = dcvMethod
        self.validityYears = validityYears
    }
}

/// One copy of order settings that any number of specs refer to; never changed once made (a spec
/// whose settings change gets a copy of its own). Equal by value, so that a set of them finds the
/// copy a document already holds.
final class SharedOrderSettings: Sendable, Hashable, CustomStringConvertible {
    let value: OrderSettings

    /// The settings themselves, so that a spec prints (and compares in tests) with them.
    var description: String { String(describing: value) }

    init(_ value: OrderSettings) {
        self.value = value
    }

    static func == (lhs: SharedOrderSettings, rhs: SharedOrderSettings) -> Bool {
        lhs === rhs || lhs.value == rhs.value
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(value)
    }
}

/// Gives equal settings one shared copy while a document is read. At 100,000 certificates the
/// settings held inline in every spec were a tenth of a plan's memory, though most certificates
/// of a manifest that uses `defaults` have the same. The set holds references only: settings that
/// are all different (a comment per certificate) cost a pointer each here, not a second copy.
struct OrderSettingsPool {
    private var shared = Set<SharedOrderSettings>()

    mutating func share(_ settings: OrderSettings) -> SharedOrderSettings {
        let made = SharedOrderSettings(settings)
        return shared.insert(made).memberAfterInsert
    }
}
