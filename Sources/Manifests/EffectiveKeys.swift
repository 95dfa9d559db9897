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

    /// Where the value of the key at `ordinal` is written, null included (the node not copied).
    private func location(at ordinal: Int) -> SourceLocation? {
        if ownKeys & (1 << UInt64(ordinal)) != 0 {
            for index in own.indices where own[index].ordinal == ordinal { return own[index].node.location }
        }
        return inherited[ordinal]?.location
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
    func settingsPlaces(before certificate: SourceLocation) -> SettingsPlaces? {
        var places = SettingsPlaces()
        for (index, key) in Self.settingsKeys.enumerated() {
            guard let location = location(at: key.ordinal) else { continue }
            if location < certificate {
                places.append(location, at: index)
            } else if key == .comments || key == .customFields {
                places.append(Self.ownPlace, at: index)
            } else {
                return nil
            }
        }
        // Both held over the same copy of the rest, whichever of them is the certificate's own.
        if places[Self.commentsIndex] == Self.ownPlace || places[Self.customFieldsIndex] == Self.ownPlace {
            places[Self.commentsIndex] = Self.ownPlace
            places[Self.customFieldsIndex] = Self.ownPlace
        }
        return places
    }

    private static let commentsIndex = settingsKeys.firstIndex(of: .comments)!
    private static let customFieldsIndex = settingsKeys.firstIndex(of: .customFields)!

    /// The place of a `comments` or `custom_fields` written in the certificate's own entry: line 0,
    /// which no place in a file has.
    static let ownPlace = SourceLocation(line: 0, column: 0)
}

/// Where each of ``EffectiveKeys/settingsKeys`` is written (nil for a key not given): which keys
/// are given, then their places, in one array hashed as one run of bytes. Held as an array of
/// 18 optional places it was hashed one field at a time, for every certificate of a manifest.
struct SettingsPlaces: Hashable, ExpressibleByArrayLiteral {
    /// Bit `index` of the first element set for each key given; then, for each, its line above
    /// its column.
    private var packed: [UInt64]

    init() {
        packed = []
        packed.reserveCapacity(1 + EffectiveKeys.settingsKeys.count)
        packed.append(0)
    }

    /// The places given, in the order of ``EffectiveKeys/settingsKeys``; the rest absent.
    init(arrayLiteral places: SourceLocation?...) {
        self.init()
        for (index, place) in places.enumerated() { self[index] = place }
    }

    private var given: UInt64 { packed[0] }

    /// Where the given place of key `index` is held: after the mark and the places of the keys
    /// before it.
    private func slot(_ index: Int) -> Int {
        1 + (given & ((1 << UInt64(index)) - 1)).nonzeroBitCount
    }

    private static func pack(_ place: SourceLocation) -> UInt64 {
        UInt64(UInt32(clamping: place.line)) << 32 | UInt64(UInt32(clamping: place.column))
    }

    /// Gives key `index`, which must come after every key given so far, its place.
    mutating func append(_ place: SourceLocation, at index: Int) {
        precondition(given >> UInt64(index) == 0, "places are appended in the keys' order")
        packed[0] |= 1 << UInt64(index)
        packed.append(Self.pack(place))
    }

    subscript(index: Int) -> SourceLocation? {
        get {
            guard given & (1 << UInt64(index)) != 0 else { return nil }
            let value = packed[slot(index)]
            return SourceLocation(line: Int(value >> 32), column: Int(value & 0xFFFF_FFFF))
        }
        set {
            let bit: UInt64 = 1 << UInt64(index), slot = slot(index)
            switch (given & bit != 0, newValue) {
            case (true, let place?): packed[slot] = Self.pack(place)
            case (true, nil):
                packed.remove(at: slot)
                packed[0] &= ~bit
            case (false, let place?):
                packed.insert(Self.pack(place), at: slot)
                packed[0] |= bit
            case (false, nil): break
            }
        }
    }

    /// Whether some key is given `place`.
    func contains(_ place: SourceLocation) -> Bool {
        packed.dropFirst().contains(Self.pack(place))
    }

    static func == (lhs: SettingsPlaces, rhs: SettingsPlaces) -> Bool {
        lhs.packed == rhs.packed
    }

    func hash(into hasher: inout Hasher) {
        packed.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
