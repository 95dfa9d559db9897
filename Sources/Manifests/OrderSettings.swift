import CertCentralAPI
import YAML

/// A certificate's order settings: the fields of the order body besides `certificate` and the
/// renewal fields — exactly what the settings digest covers (`SpecDigest.settings` in Plans).
/// Most come from `defaults`, so many certificates have the same ones; a ``CertificateSpec``
/// holds them by reference, and the loader gives equal settings one shared copy.
public struct OrderSettings: Sendable, Hashable {
    public var dcvMethod: DCVMethod
    public var validityYears: Int?
    public var validityDays: Int? {
        get { self[rare: \.validityDays] }
        set { self[rare: \.validityDays] = newValue }
    }
    public var customExpirationDate: String? {
        get { self[rare: \.customExpirationDate] }
        set { self[rare: \.customExpirationDate] = newValue }
    }
    /// The order's term as the `order_validity` object (exactly one of its fields set); never
    /// together with the three root fields above.
    public var orderValidity: OrderValidity? {
        get { self[rare: \.orderValidity] }
        set { self[rare: \.orderValidity] = newValue }
    }
    public var comments: String?
    /// 0 when written: certform renews, so CertCentral's own auto-renew stays off.
    public var autoRenew: Int?
    /// Multi-year Plan orders: 1 lets CertCentral reissue the certificate by itself 30 days before
    /// it expires, 0 not.
    public var autoReissue: Int? {
        get { self[rare: \.autoReissue] }
        set { self[rare: \.autoReissue] = newValue }
    }
    public var customRenewalMessage: String? {
        get { self[rare: \.customRenewalMessage] }
        set { self[rare: \.customRenewalMessage] = newValue }
    }
    public var disableRenewalNotifications: Bool? {
        get { self[rare: \.disableRenewalNotifications] }
        set { self[rare: \.disableRenewalNotifications] = newValue }
    }
    public var paymentMethod: PaymentMethod? {
        get { self[rare: \.paymentMethod] }
        set { self[rare: \.paymentMethod] = newValue }
    }
    public var dcvEmails: [DCVEmail]? {
        get { self[rare: \.dcvEmails] }
        set { self[rare: \.dcvEmails] = newValue }
    }
    public var locale: String? {
        get { self[rare: \.locale] }
        set { self[rare: \.locale] = newValue }
    }
    public var skipApproval: Bool?
    public var disableCT: Bool? {
        get { self[rare: \.disableCT] }
        set { self[rare: \.disableCT] = newValue }
    }
    public var containerID: Int? {
        get { self[rare: \.containerID] }
        set { self[rare: \.containerID] = newValue }
    }
    public var customFields: [CustomField]?
    public var technicalContact: TechnicalContact?

    public init(dcvMethod: DCVMethod, validityYears: Int? = nil) {
        self.dcvMethod = dcvMethod
        self.validityYears = validityYears
    }

    /// The settings few certificates write (a term other than years, payment, locale, DCV emails,
    /// a container, …), behind one reference allocated when one is set: inline they took some
    /// 160 bytes of every copy, and on manifests where each certificate has a comment of its own,
    /// every certificate has its own copy (16 MB at 100,000).
    struct Rare: Sendable, Hashable {
        var validityDays: Int?
        var customExpirationDate: String?
        var orderValidity: OrderValidity?
        var autoReissue: Int?
        var customRenewalMessage: String?
        var disableRenewalNotifications: Bool?
        var paymentMethod: PaymentMethod?
        var dcvEmails: [DCVEmail]?
        var locale: String?
        var disableCT: Bool?
        var containerID: Int?

        static let empty = Rare()
    }

    /// Prints as the settings it holds, so that a spec prints with every setting.
    private final class RareBox: Sendable, Hashable, CustomStringConvertible {
        let value: Rare

        init(_ value: Rare) {
            self.value = value
        }

        var description: String { String(describing: value) }

        static func == (lhs: RareBox, rhs: RareBox) -> Bool { lhs === rhs || lhs.value == rhs.value }
        func hash(into hasher: inout Hasher) { hasher.combine(value) }
    }

    /// nil while every rare setting is unset, so that equal settings are equal boxes or none.
    private var rareBox: RareBox?

    private subscript<Value>(rare key: WritableKeyPath<Rare, Value>) -> Value {
        get { (rareBox?.value ?? .empty)[keyPath: key] }
        set {
            var rare = rareBox?.value ?? .empty
            rare[keyPath: key] = newValue
            rareBox = rare == .empty ? nil : RareBox(rare)
        }
    }
}

/// One copy of order settings that any number of specs refer to; never changed once made (a spec
/// whose settings change gets a copy of its own). Either the whole settings, or — for a
/// certificate whose only settings of its own are `comments` and `custom_fields`, the usual way
/// to write one per certificate — those two over another copy that holds the rest: some 48
/// bytes where a whole copy takes about 170 (on lean manifests, 13 MB of a plan's peak at
/// 100,000 certificates was such copies).
class SharedOrderSettings: @unchecked Sendable, CustomStringConvertible {
    /// The settings.
    var value: OrderSettings { preconditionFailure("WholeOrderSettings or OwnNotesOrderSettings holds them") }

    /// A copy of `settings`.
    static func whole(_ settings: OrderSettings) -> SharedOrderSettings { WholeOrderSettings(settings) }

    /// The settings themselves, so that a spec prints (and compares in tests) with them.
    var description: String { String(describing: value) }

    /// The DCV method, without the settings put together (``OwnNotesOrderSettings/value`` makes a copy).
    var dcvMethod: DCVMethod { value.dcvMethod }

    /// For ``OwnNotesOrderSettings``, the copy shared under its own notes and those notes; nil
    /// for settings held whole.
    var ownNotes: (shared: WholeOrderSettings, comments: String?, customFields: [CustomField]?)? { nil }
}

/// The whole settings.
final class WholeOrderSettings: SharedOrderSettings, @unchecked Sendable {
    let settings: OrderSettings

    init(_ settings: OrderSettings) {
        self.settings = settings
    }

    override var value: OrderSettings { settings }

    override var dcvMethod: DCVMethod { settings.dcvMethod }

    /// Whether these are `other`, compared where they are held (not copied out first).
    func holds(_ other: OrderSettings) -> Bool { settings == other }
}

/// A certificate's own `comments` and `custom_fields` over settings that hold the rest.
final class OwnNotesOrderSettings: SharedOrderSettings, @unchecked Sendable {
    let base: WholeOrderSettings
    let comments: String?
    let customFields: [CustomField]?

    init(over base: WholeOrderSettings, with settings: OrderSettings) {
        self.base = base
        comments = settings.comments
        customFields = settings.customFields
    }

    override var value: OrderSettings {
        var settings = base.settings
        settings.comments = comments
        settings.customFields = customFields
        return settings
    }

    override var dcvMethod: DCVMethod { base.settings.dcvMethod }

    override var ownNotes: (shared: WholeOrderSettings, comments: String?, customFields: [CustomField]?)? {
        (base, comments, customFields)
    }
}

/// Gives certificates whose settings are all written in the same places — in `defaults`, or
/// behind the same anchors — one shared copy of them while a document is read. Settings are
/// made only of the values written there, so the places identify them without hashing any
/// text. A certificate whose `comments` or `custom_fields` are its own (a comment per
/// certificate), and every other setting written in shared places, holds those two over the
/// first such certificate's copy; one with any other setting of its own gets a whole copy of
/// its own and costs nothing here. At 100,000 certificates, settings held inline in every spec
/// were a tenth of a plan's memory.
struct OrderSettingsPool {
    private var shared: [SettingsPlaces: WholeOrderSettings] = [:]

    /// `places`: where each settings key's value is written, ``EffectiveKeys/ownPlace`` for
    /// `comments` and `custom_fields` written in the certificate's own entry, or nil when another
    /// key is the certificate's own (see ``EffectiveKeys/settingsPlaces(before:)``).
    mutating func share(_ settings: OrderSettings, writtenAt places: SettingsPlaces?) -> SharedOrderSettings {
        guard let places else { return WholeOrderSettings(settings) }
        // The same places give the same settings (but for what is the certificate's own);
        // compared all the same, as a guard, and cheap: the strings of equal settings share
        // their storage.
        if let existing = shared[places] {
            if existing.holds(settings) { return existing }
            if places.contains(EffectiveKeys.ownPlace) {
                let own = OwnNotesOrderSettings(over: existing, with: settings)
                if own.value == settings { return own }
            }
            return WholeOrderSettings(settings)
        }
        let made = WholeOrderSettings(settings)
        shared[places] = made
        return made
    }
}
