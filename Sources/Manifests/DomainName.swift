/// The rules for DNS names in manifests (SPEC §2.2).
public enum DomainName {
    /// Why `name` is not an acceptable DNS name, or nil when it is. Wildcards (`*.` as the first
    /// label) pass here; whether a wildcard is allowed is the caller's rule.
    public static func problem(with name: String) -> String? {
        // Nearly every name passes: one tight pass says so, and only a name it doubts is looked
        // at rule by rule, for the message.
        var copy = name
        if copy.withUTF8(isPlainValid) { return nil }
        return slowProblem(with: name)
    }

    /// True when `bytes` is certainly an acceptable name: an optional `*.` label, then at least two
    /// labels of 1–63 lowercase ASCII letters, digits and '-', none starting or ending with '-',
    /// 253 bytes at most. False says nothing: ``slowProblem(with:)`` decides.
    private static func isPlainValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        if bytes.count >= 2, bytes[0] == UInt8(ascii: "*"), bytes[1] == UInt8(ascii: ".") { index = 2 }
        guard bytes.count <= 253, index < bytes.count else { return false }
        var labels = 1, labelLength = 0, previous: UInt8 = UInt8(ascii: ".")
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                guard labelLength > 0, previous != UInt8(ascii: "-") else { return false }
                labels += 1
                labelLength = 0
            } else if (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) {
                labelLength += 1
            } else if byte == UInt8(ascii: "-"), previous != UInt8(ascii: ".") {
                labelLength += 1
            } else {
                return false
            }
            guard labelLength <= 63 else { return false }
            previous = byte
            index += 1
        }
        return labels >= 2 && labelLength > 0 && previous != UInt8(ascii: "-")
    }

    /// ``problem(with:)`` rule by rule.
    static func slowProblem(with name: String) -> String? {
        if name.isEmpty { return "an empty DNS name" }
        if name.utf8.count > 253 { return "'\(name)' is longer than 253 characters" }
        // Bytes, not Characters: nearly every name is ASCII, and Character properties are slow.
        var copy = name
        return copy.withUTF8 { bytes in
            var isASCII = true, hasUppercase = false
            for byte in bytes {
                if byte >= 0x80 { isASCII = false }
                if byte >= 65 && byte <= 90 { hasUppercase = true }
            }
            if isASCII ? hasUppercase : name.contains(where: { $0.isUppercase }) {
                return "'\(name)' has uppercase letters; write '\(name.lowercased())'"
            }
            if !isASCII {
                return "'\(name)' is not ASCII; give internationalized names in punycode ('xn--…')"
            }
            return labelsProblem(in: bytes[...], name: name)
        }
    }

    /// Why the labels of `name` (ASCII, without uppercase letters; `utf8` its bytes) are not
    /// acceptable, or nil: one pass over the bytes, label by label (this runs for every name of
    /// every manifest).
    private static func labelsProblem(in utf8: Slice<UnsafeBufferPointer<UInt8>>, name: String) -> String? {
        var utf8 = utf8
        if utf8.starts(with: [UInt8(ascii: "*"), UInt8(ascii: ".")]) || utf8.elementsEqual([UInt8(ascii: "*")]) {
            utf8 = utf8.dropFirst(min(2, utf8.count))
        }
        var labelCount = 0
        var problem: String?
        var labelStart = utf8.startIndex
        for index in utf8.startIndex...utf8.endIndex where index == utf8.endIndex || utf8[index] == UInt8(ascii: ".") {
            let label = utf8[labelStart..<index]
            labelStart = index + 1
            labelCount += 1
            if problem == nil { problem = labelProblem(label, in: name) }
        }
        // Too few labels is the first thing to say about a name.
        if labelCount < 2 {
            return "'\(name)' needs at least two labels (like 'example.com')"
        }
        return problem
    }

    /// Why `label`, one label of `name`, is not acceptable, or nil.
    private static func labelProblem(_ label: Slice<UnsafeBufferPointer<UInt8>>, in name: String) -> String? {
        if label.isEmpty { return "'\(name)' has an empty label" }
        if label.elementsEqual([UInt8(ascii: "*")]) { return "'\(name)' has a wildcard that is not the first label" }
        if label.count > 63 { return "'\(name)' has a label longer than 63 characters" }
        if label.first == UInt8(ascii: "-") || label.last == UInt8(ascii: "-") {
            return "'\(name)' has a label that starts or ends with '-'"
        }
        for byte in label where !((97...122).contains(byte) || (48...57).contains(byte) || byte == 45) {
            return "'\(name)' has the character '\(Character(Unicode.Scalar(byte)))'; DNS names take lowercase letters, digits and '-'"
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
