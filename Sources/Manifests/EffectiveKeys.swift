import YAML

/// The value of each certificate key after `defaults` are applied, indexed by the key's ordinal
/// (a certificate is read once per entry of a possibly huge manifest, so no hashing here).
///
/// The values of `defaults` are one table that every certificate of a document shares; a
/// certificate's own values are kept beside it, so that reading a certificate neither copies
/// the table nor retains and releases every default.
struct EffectiveKeys {
    private var inherited = [YAMLNode?](repeating: nil, count: CertificateKey.allCases.count)  // at most 64 keys: `ownKeys`
    /// Bit `ordinal` is set for each key in `own`.
    private var ownKeys: UInt64 = 0
    private var own: [Own] = []

    private struct Own {
        var ordinal: Int
        var node: YAMLNode
    }

    /// The keys of `pairs`, a later pair replacing an earlier one; pairs whose key is not a
    /// certificate key are left out (``DocumentReader/checkKeys(_:context:)`` reports them).
    /// They become the values that ``set(_:)`` overrides.
    init(_ pairs: [YAMLPair] = []) {
        for pair in pairs {
            guard let raw = pair.key.scalarValue, let key = CertificateKey.named(raw) else { continue }
            inherited[key.ordinal] = pair.value
        }
    }

    /// Sets the pair's key to its value, replacing an earlier one; false when the key is not a
    /// certificate key (nothing is set).
    mutating func set(_ pair: YAMLPair) -> Bool {
        guard let raw = pair.key.scalarValue, let key = CertificateKey.named(raw) else { return false }
        let bit: UInt64 = 1 << UInt64(key.ordinal)
        if ownKeys & bit != 0, let index = own.firstIndex(where: { $0.ordinal == key.ordinal }) {
            own[index].node = pair.value
        } else {
            if own.isEmpty { own.reserveCapacity(8) }
            own.append(Own(ordinal: key.ordinal, node: pair.value))
            ownKeys |= bit
        }
        return true
    }

    /// The value of the key at `ordinal`, its own or inherited, null included.
    private func value(at ordinal: Int) -> YAMLNode? {
        if ownKeys & (1 << UInt64(ordinal)) != 0 {
            for index in own.indices where own[index].ordinal == ordinal { return own[index].node }
        }
        return inherited[ordinal]
    }

    /// The value, unless it is absent or null (null unsets a default).
    subscript(key: CertificateKey) -> YAMLNode? {
        guard let value = value(at: key.ordinal), !value.isNull else { return nil }
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
    /// keeps its anchor's place) — but for `comments` and `custom_fields`, which may be the
    /// certificate's own (both ``ownPlace`` when one is); nil when another is written in the
    /// certificate's entry.
    func settingsPlaces(before certificate: SourceLocation) -> [SourceLocation?]? {
        var places: [SourceLocation?] = []
        places.reserveCapacity(Self.settingsKeys.count)
        for key in Self.settingsKeys {
            guard let value = value(at: key.ordinal) else {
                places.append(nil)
                continue
            }
            if value.location < certificate {
                places.append(value.location)
            } else if key == .comments || key == .customFields {
                places.append(Self.ownPlace)
            } else {
                return nil
            }
        }
        // Both held over the same copy of the rest, whichever of them is the certificate's own.
        if places[Self.commentsIndex] == Self.ownPlace || places[Self.customFieldsIndex] == Self.ownPlace {
            (places[Self.commentsIndex], places[Self.customFieldsIndex]) = (Self.ownPlace, Self.ownPlace)
        }
        return places
    }

    private static let commentsIndex = settingsKeys.firstIndex(of: .comments)!
    private static let customFieldsIndex = settingsKeys.firstIndex(of: .customFields)!

    /// The place of a `comments` or `custom_fields` written in the certificate's own entry: line 0,
    /// which no place in a file has.
    static let ownPlace = SourceLocation(line: 0, column: 0)
}
