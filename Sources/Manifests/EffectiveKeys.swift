import YAML

/// The value of each certificate key after `defaults` are applied, indexed by the key's ordinal
/// (a certificate is read once per entry of a possibly huge manifest, so no hashing here).
struct EffectiveKeys {
    private var values = [YAMLNode?](repeating: nil, count: CertificateKey.allCases.count)

    /// The keys of `pairs`, a later pair replacing an earlier one; pairs whose key is not a
    /// certificate key are left out (``DocumentReader/checkKeys(_:context:)`` reports them).
    init(_ pairs: [YAMLPair] = []) {
        for pair in pairs { _ = set(pair) }
    }

    /// Sets the pair's key to its value, replacing an earlier one; false when the key is not a
    /// certificate key (nothing is set).
    mutating func set(_ pair: YAMLPair) -> Bool {
        guard let raw = pair.key.scalarValue, let key = CertificateKey.named(raw) else { return false }
        values[key.ordinal] = pair.value
        return true
    }

    /// The value, unless it is absent or null (null unsets a default).
    subscript(key: CertificateKey) -> YAMLNode? {
        guard let value = values[key.ordinal], !value.isNull else { return nil }
        return value
    }

    /// The keys that make up ``OrderSettings``.
    static let settingsKeys: [CertificateKey] = [
        .dcvMethod, .validityYears, .validityDays, .customExpirationDate, .orderValidity, .comments, .autoRenew,
        .autoReissue, .customRenewalMessage, .disableRenewalNotifications, .paymentMethod, .dcvEmails, .locale,
        .skipApproval, .disableCT, .container, .customFields, .technicalContact,
    ]

    /// Where the value of each settings key is written (nil for a key not given), when all of them
    /// are written before `certificate` — in `defaults`, or behind an anchor (an alias's node
    /// keeps its anchor's place); nil when one is written in the certificate's own entry.
    func settingsPlaces(before certificate: SourceLocation) -> [SourceLocation?]? {
        var places: [SourceLocation?] = []
        places.reserveCapacity(Self.settingsKeys.count)
        for key in Self.settingsKeys {
            guard let value = values[key.ordinal] else {
                places.append(nil)
                continue
            }
            if !(value.location < certificate) { return nil }
            places.append(value.location)
        }
        return places
    }
}
