/// A plain value of a JSON object's member, read straight from the text: a string without escapes
/// (its bytes, between the quotes), an integer of at most 18 digits, `true`, `false`, `null`, or an
/// array of such strings.
public enum JSONPlainValue {
    case null
    case bool(Bool)
    case int(Int)
    case string(UnsafeBufferPointer<UInt8>)
    case strings([UnsafeBufferPointer<UInt8>])
}

/// Reads one member of a streamed object, `"name": {…}`, whose object holds only plain members
/// (``JSONPlainValue``), without building a ``JSONValue``: a state record, 20 such members, was a
/// dictionary of 20 values built and taken apart again, a fifth of reading a large state.
///
/// A fast path, never a second dialect: it accepts only text that ``JSONParser`` parses to the
/// same values, and gives up (false) on anything else — an escape, a fraction or exponent, a
/// nested object, a longer number, any syntax error — so that the caller parses the text in full,
/// which gives the same answer or the exact error. The members are handed over in the order
/// written; a key written twice is handed over twice, so the caller's last assignment wins, as the
/// parser's last value does.
public enum JSONPlainMember {
    /// Calls `name` with the member's name, then `field` with each member of its object; false as
    /// soon as the text is not in this form or `field` returns false (some calls may have been
    /// made by then).
    public static func read(_ text: UnsafeBufferPointer<UInt8>, name: (UnsafeBufferPointer<UInt8>) -> Void,
                            field: (UnsafeBufferPointer<UInt8>, JSONPlainValue) -> Bool) -> Bool {
        read(prefixOf: text, name: name, field: field) == text.count
    }

    /// ``read(_:name:field:)`` of the member that `text` starts with, whatever follows it: how
    /// many bytes it took (any whitespace, the member, and any whitespace after it), or nil. A
    /// member cut short by the end of `text` is not taken.
    public static func read(prefixOf text: UnsafeBufferPointer<UInt8>, name: (UnsafeBufferPointer<UInt8>) -> Void,
                            field: (UnsafeBufferPointer<UInt8>, JSONPlainValue) -> Bool) -> Int? {
        var cursor = Cursor(bytes: text)
        cursor.skipWhitespace()
        guard let memberName = cursor.string() else { return nil }
        name(memberName)
        guard cursor.take(UInt8(ascii: ":")), cursor.take(UInt8(ascii: "{")) else { return nil }
        if !cursor.take(UInt8(ascii: "}")) {
            while true {
                guard let key = cursor.string(), cursor.take(UInt8(ascii: ":")), let value = cursor.value(), field(key, value) else { return nil }
                if cursor.take(UInt8(ascii: ",")) { continue }
                guard cursor.take(UInt8(ascii: "}")) else { return nil }
                break
            }
        }
        cursor.skipWhitespace()
        return cursor.index
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        /// After any whitespace, `byte`, taken; false (nothing taken but the whitespace) otherwise.
        mutating func take(_ byte: UInt8) -> Bool {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// After any whitespace, a string without escapes or control characters: its bytes.
        mutating func string() -> UnsafeBufferPointer<UInt8>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return UnsafeBufferPointer(rebasing: bytes[start..<index - 1])
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                index += 1
            }
            return nil
        }

        /// After any whitespace, a plain value, which must be followed by whitespace, ',', '}' or
        /// ']' (what the parser would then find is checked by the caller).
        mutating func value() -> JSONPlainValue? {
            skipWhitespace()
            guard index < bytes.count else { return nil }
            let value: JSONPlainValue
            switch bytes[index] {
            case UInt8(ascii: "\""):
                guard let text = string() else { return nil }
                return .string(text)
            case UInt8(ascii: "["):
                index += 1
                var items: [UnsafeBufferPointer<UInt8>] = []
                if take(UInt8(ascii: "]")) { return .strings(items) }
                while true {
                    guard let item = string() else { return nil }
                    items.append(item)
                    if take(UInt8(ascii: ",")) { continue }
                    guard take(UInt8(ascii: "]")) else { return nil }
                    return .strings(items)
                }
            case UInt8(ascii: "t"):
                guard word("true") else { return nil }
                value = .bool(true)
            case UInt8(ascii: "f"):
                guard word("false") else { return nil }
                value = .bool(false)
            case UInt8(ascii: "n"):
                guard word("null") else { return nil }
                value = .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard let number = integer() else { return nil }
                value = .int(number)
            default:
                return nil
            }
            // A literal or number runs up to a delimiter, as the parser reads it ("truex", "1.5"
            // and "12a" are left to the parser).
            guard index < bytes.count else { return value }
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"): return value
            default: return nil
            }
        }

        mutating func word(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
            index += count
            return true
        }

        /// `-?(0|[1-9][0-9]*)` of at most 18 digits, which always fits an `Int`.
        mutating func integer() -> Int? {
            let negative = bytes[index] == UInt8(ascii: "-")
            if negative { index += 1 }
            let start = index
            var value = 0
            while index < bytes.count, (48...57).contains(bytes[index]) {
                // Counted before it is added, so that the value never overflows.
                if index - start == 18 { return nil }
                value = value * 10 + Int(bytes[index] - 48)
                index += 1
            }
            let digits = index - start
            guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
            return negative ? -value : value
        }
    }
}
