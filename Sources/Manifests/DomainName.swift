/// The rules for DNS names in manifests (SPEC §2.2).
public enum DomainName {
    /// Why `name` is not an acceptable DNS name, or nil when it is. Wildcards (`*.` as the first
    /// label) pass here; whether a wildcard is allowed is the caller's rule.
    public static func problem(with name: String) -> String? {
        // Nearly every name passes: one tight pass says so, and only a name it doubts is looked
        // at rule by rule, for the message.
        // Read in place (a native or small string always is): `withUTF8` needs a copy of the
        // string to call it on, and a copy of a name of more than 15 bytes retains it.
        if name.utf8.withContiguousStorageIfAvailable(isPlainValid) == true { return nil }
        return slowProblem(with: name)
    }

    /// True when `bytes` is certainly an acceptable name: an optional `*.` label, then at least two
    /// labels of 1–63 lowercase ASCII letters, digits and '-', none starting or ending with '-',
    /// 253 bytes at most. False says nothing: ``slowProblem(with:)`` decides.
    private static func isPlainValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        if bytes.count >= 2, bytes[0] == UInt8(ascii: "*"), bytes[1] == UInt8(ascii: ".") { index = 2 }
        guard bytes.count <= 253, index < bytes.count else { return false }
        // Label by label: each byte is a lowercase letter, a digit or '-' (one test of a bit in a
        // table of the 128 ASCII bytes), and only a label's ends are looked at again.
        let (low, high) = labelBytes
        var labels = 0
        while true {
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                guard byte < 128, (byte < 64 ? low : high) & (1 << UInt64(byte & 63)) != 0 else { break }
                index += 1
            }
            let length = index - start
            guard length > 0, length <= 63, bytes[start] != UInt8(ascii: "-"), bytes[index - 1] != UInt8(ascii: "-") else { return false }
            labels += 1
            if index == bytes.count { return labels >= 2 }
            guard bytes[index] == UInt8(ascii: ".") else { return false }
            index += 1
        }
    }

    /// The bytes a label is made of — `a`–`z`, `0`–`9` and `-` — as bits of two words (bytes
    /// 0–63, then 64–127).
    private static let labelBytes: (UInt64, UInt64) = {
        var words: [UInt64] = [0, 0]
        for byte in Array("abcdefghijklmnopqrstuvwxyz0123456789-".utf8) { words[Int(byte >> 6)] |= 1 << UInt64(byte & 63) }
        return (words[0], words[1])
    }()

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

    public static func isWildcard(_ name: String) -> Bool {
        // The bytes answer as `hasPrefix` does (no character is canonically `*` or `.` but
        // those), unless a non-ASCII byte follows, which may join the `.` to a combining mark.
        var bytes = name.utf8.makeIterator()
        guard bytes.next() == UInt8(ascii: "*"), bytes.next() == UInt8(ascii: ".") else { return false }
        guard let third = bytes.next(), third >= 0x80 else { return true }
        return name.hasPrefix("*.")
    }

    /// The name without its wildcard label.
    public static func base(of name: String) -> String {
        isWildcard(name) ? String(name.dropFirst(2)) : name
    }
}
