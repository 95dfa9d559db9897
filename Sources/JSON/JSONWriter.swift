/// Deterministic JSON text: keys sorted by their UTF-8 bytes, no escaped slashes, integers exact.
public enum JSONWriter {
    /// Two-space indentation, `"key": value`, a trailing newline: the state and plan file form.
    public static func pretty(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(value, into: &out, indent: 0, pretty: true)
        out.append(0x0A)
        return String(decoding: out, as: UTF8.self)
    }

    /// `value` pretty-printed as it appears `indent` levels deep in a pretty document (no trailing
    /// newline), for writers that assemble a document from parts.
    public static func pretty(_ value: JSONValue, indent: Int) -> [UInt8] {
        var out: [UInt8] = []
        write(value, into: &out, indent: indent, pretty: true)
        return out
    }

    /// `text` as a JSON string literal, escaped as every string of a document is.
    public static func stringLiteral(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        writeString(text, into: &out)
        return out
    }

    /// The order of an object's keys in every document: by their UTF-8 bytes.
    public static func keyPrecedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    /// No whitespace: the form sent over the wire.
    public static func compact(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        write(value, into: &out, indent: 0, pretty: false)
        return String(decoding: out, as: UTF8.self)
    }

    static func write(_ value: JSONValue, into out: inout [UInt8], indent: Int, pretty: Bool) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number): out.append(contentsOf: String(number).utf8)
        case .double(let number):
            if number.isFinite {
                out.append(contentsOf: (number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)).utf8)
            } else {
                out.append(contentsOf: "null".utf8)
            }
        case .string(let text): writeString(text, into: &out)
        case .array(let items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (position, item) in items.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { newline(&out, indent + 1) }
                write(item, into: &out, indent: indent + 1, pretty: pretty)
            }
            if pretty { newline(&out, indent) }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            let keys = object.keys.sorted(by: keyPrecedes)
            for (position, key) in keys.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { newline(&out, indent + 1) }
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(0x20) }
                write(object[key]!, into: &out, indent: indent + 1, pretty: pretty)
            }
            if pretty { newline(&out, indent) }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func newline(_ out: inout [UInt8], _ indent: Int) {
        out.append(0x0A)
        for _ in 0..<(indent * 2) { out.append(0x20) }
    }

    /// A JSON string. Besides what JSON requires, DEL, the C1 controls (U+0080–U+009F), the line
    /// separators, the bidirectional overrides and marks, and the zero-width characters of
    /// U+200B–U+200F and U+2060–U+2064 are written as `\uXXXX` too, so that JSON printed to a
    /// terminal carries no control character; and a `[` after `##` as `\u005b`, so that JSON in a
    /// CI log never holds a GitHub workflow command of the old form (`##[error]`).
    public static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings hold no byte that is escaped or starts a character that may be: copied whole.
        var text = text
        let plain = text.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 || $0 == 0x23 }) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if plain {
            out.append(UInt8(ascii: "\""))
        } else {
            writeEscaped(text, into: &out)
        }
    }

    /// The inside of ``writeString(_:into:)``'s string and its closing quote, byte by byte.
    static func writeEscaped(_ text: String, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        var bytes = text.utf8.makeIterator()
        while let byte = bytes.next() {
            switch byte {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x5B where out.count >= 2 && out[out.count - 1] == 0x23 && out[out.count - 2] == 0x23:
                out.append(contentsOf: Array("\\u005b".utf8))
            case 0x00..<0x20, 0x7F:
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            case 0xC2:
                // U+0080…U+00BF: C1 controls are escaped, the rest written as they are.
                guard let next = bytes.next() else { out.append(byte); break }
                if next < 0xA0 {
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(next >> 4)], hex[Int(next & 15)]])
                } else {
                    out.append(contentsOf: [byte, next])
                }
            case 0xE2:
                // U+2028/2029 (line breaks to some readers) and the bidirectional overrides
                // U+202A…202E and U+2066…2069 are escaped; any other character is written as is.
                guard let second = bytes.next() else { out.append(byte); break }
                guard let third = bytes.next() else { out.append(contentsOf: [byte, second]); break }
                let scalar = (UInt32(byte & 0x0F) << 12) | (UInt32(second & 0x3F) << 6) | UInt32(third & 0x3F)
                if (0x200B...0x200F).contains(scalar) || (0x2028...0x202E).contains(scalar) || (0x2060...0x2064).contains(scalar)
                    || (0x2066...0x2069).contains(scalar) {
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u"), hex[Int(scalar >> 12)], hex[Int((scalar >> 8) & 15)],
                                            hex[Int((scalar >> 4) & 15)], hex[Int(scalar & 15)]])
                } else {
                    out.append(contentsOf: [byte, second, third])
                }
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
