/// The rules for DNS names in manifests (SPEC §2.2).
public enum DomainName {
    /// Why `name` is not an acceptable DNS name, or nil when it is. Wildcards (`*.` as the first
    /// label) pass here; whether a wildcard is allowed is the caller's rule.
    public static func problem(with name: String) -> String? {
        if name.isEmpty { return "an empty DNS name" }
        if name.utf8.count > 253 { return "'\(name)' is longer than 253 characters" }
        if name.contains(where: { $0.isUppercase }) {
            return "'\(name)' has uppercase letters; write '\(name.lowercased())'"
        }
        if !name.unicodeScalars.allSatisfy(\.isASCII) {
            return "'\(name)' is not ASCII; give internationalized names in punycode ('xn--…')"
        }
        var labels = name.split(separator: ".", omittingEmptySubsequences: false)
        if labels.first == "*" {
            labels.removeFirst()
        }
        if labels.count < 2 {
            return "'\(name)' needs at least two labels (like 'example.com')"
        }
        for label in labels {
            if label.isEmpty { return "'\(name)' has an empty label" }
            if label == "*" { return "'\(name)' has a wildcard that is not the first label" }
            if label.utf8.count > 63 { return "'\(name)' has a label longer than 63 characters" }
            if label.first == "-" || label.last == "-" {
                return "'\(name)' has a label that starts or ends with '-'"
            }
            for byte in label.utf8 {
                let ok = (97...122).contains(byte) || (48...57).contains(byte) || byte == 45
                if !ok {
                    return "'\(name)' has the character '\(Character(Unicode.Scalar(byte)))'; DNS names take lowercase letters, digits and '-'"
                }
            }
        }
        return nil
    }

    public static func isWildcard(_ name: String) -> Bool { name.hasPrefix("*.") }

    /// The name without its wildcard label.
    public static func base(of name: String) -> String {
        isWildcard(name) ? String(name.dropFirst(2)) : name
    }

    /// True when `domain` is `name` or a parent domain of it (`example.com` for `a.b.example.com`).
    public static func isSameOrParent(_ domain: String, of name: String) -> Bool {
        let base = self.base(of: name)
        return base == domain || base.hasSuffix("." + domain)
    }
}
