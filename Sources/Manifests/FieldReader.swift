import YAML

/// Typed reads of scalar, list and object values, with a problem for every wrong type.
struct FieldReader {
    /// The certificate's name; `owner` words it for messages only when there is a problem.
    let certificate: String
    var owner: String { "certificate '\(certificate)'" }
    var problems: [(String, SourceLocation)] = []

    init(certificate: String) {
        self.certificate = certificate
    }

    mutating func problem(_ message: String, at location: SourceLocation) {
        problems.append((message, location))
    }

    mutating func missing(_ key: String, at location: SourceLocation, hint: String) {
        problem("\(owner) is missing '\(key)' (\(hint))", at: location)
    }

    private mutating func wrongType(_ key: String, expected: String, found node: YAMLNode) {
        var found = node.kindDescription
        if case .scalar(let value, _) = node.kind, !node.isNull { found = "'\(value)'" }
        problem("'\(key)' of \(owner) must be \(expected), found \(found)", at: node.location)
    }

    /// Any scalar, as written (so `no` and `0012` stay strings).
    mutating func string(_ node: YAMLNode, key: String) -> String? {
        guard case .scalar(let value, _) = node.kind, !node.isNull else {
            wrongType(key, expected: "a string", found: node)
            return nil
        }
        return value
    }

    /// A plain decimal integer.
    mutating func integer(_ node: YAMLNode, key: String) -> Int? {
        if case .scalar(let value, .plain) = node.kind, !node.isExplicitString, let number = Self.decimal(value) {
            return number
        }
        wrongType(key, expected: "a decimal integer", found: node)
        return nil
    }

    /// `true` or `false`, unquoted.
    mutating func boolean(_ node: YAMLNode, key: String) -> Bool? {
        if case .scalar(let value, .plain) = node.kind, !node.isExplicitString {
            if value == "true" { return true }
            if value == "false" { return false }
        }
        wrongType(key, expected: "true or false", found: node)
        return nil
    }

    /// One of the values of `Value`, written as its raw value, with a suggestion for a near miss.
    /// (The list of what is allowed is made only for the message.)
    mutating func choice<Value: CaseIterable & RawRepresentable>(_ node: YAMLNode, key: String, of type: Value.Type) -> Value? where Value.RawValue == String {
        guard let value = string(node, key: key) else { return nil }
        if let chosen = Value(rawValue: value) { return chosen }
        let allowed = Value.allCases.map { $0.rawValue }
        problem("'\(key)' of \(owner) must be one of \(allowed.joined(separator: ", ")), found '\(value)'\(Suggestion.clause(for: value, in: allowed))", at: node.location)
        return nil
    }

    mutating func list(_ node: YAMLNode, key: String) -> [YAMLNode]? {
        guard case .sequence(let items) = node.kind else {
            wrongType(key, expected: "a list", found: node)
            return nil
        }
        return items
    }

    /// A mapping whose keys come from `allowed`; unknown keys are reported with a suggestion.
    mutating func object(_ node: YAMLNode, key: String, allowed: [String]) -> FieldObject? {
        guard case .mapping(let pairs) = node.kind else {
            wrongType(key, expected: "a mapping", found: node)
            return nil
        }
        var result = FieldObject()
        result.values.reserveCapacity(pairs.count)
        for pair in pairs {
            guard let name = pair.key.scalarValue else {
                problem("keys of '\(key)' must be strings", at: pair.key.location)
                continue
            }
            guard allowed.contains(name) else {
                problem("unknown key '\(name)' in \(key) of \(owner)\(Suggestion.clause(for: name, in: allowed)); allowed: \(allowed.joined(separator: ", "))", at: pair.key.location)
                continue
            }
            if !pair.value.isNull { result.values.append((name, pair.value)) }
        }
        return result
    }

    /// The value of an optional sign and 1–18 decimal digits (so that it never overflows), or nil.
    static func decimal(_ text: String) -> Int? {
        var text = text
        return text.withUTF8 { bytes -> Int? in
            var index = 0
            let negative = bytes.first == UInt8(ascii: "-")
            if negative || bytes.first == UInt8(ascii: "+") { index = 1 }
            guard bytes.count > index, bytes.count - index <= 18 else { return nil }
            var value = 0
            while index < bytes.count {
                let digit = Int(bytes[index]) &- 48
                guard digit >= 0 && digit <= 9 else { return nil }
                value = value &* 10 &+ digit
                index += 1
            }
            return negative ? -value : value
        }
    }
}


/// The non-null values of a small mapping (a contact, a custom field) by key. The YAML reader has
/// already refused duplicate keys, and a scan of five keys beats hashing them.
struct FieldObject {
    var values: [(String, YAMLNode)] = []

    subscript(name: String) -> YAMLNode? {
        values.first { $0.0 == name }?.1
    }
}
