import YAML

/// The value of each certificate key after `defaults` are applied, indexed by the key's ordinal
/// (a certificate is read once per entry of a possibly huge manifest, so no hashing here).
struct EffectiveKeys {
    private var values = [YAMLNode?](repeating: nil, count: CertificateKey.allCases.count)

    /// Sets the pair's key to its value; a later pair replaces an earlier one.
    mutating func set(_ pair: YAMLPair) {
        guard let raw = pair.key.scalarValue, let key = CertificateKey.named(raw) else { return }
        values[key.ordinal] = pair.value
    }

    /// The value, unless it is absent or null (null unsets a default).
    subscript(key: CertificateKey) -> YAMLNode? {
        guard let value = values[key.ordinal], !value.isNull else { return nil }
        return value
    }
}
