import Escaping

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

    /// A JSON string. Besides what JSON requires, DEL and every character the terminal escaping
    /// shows escaped (``isEscaped(_:)``: C1 controls, line separators, bidirectional controls and
    /// marks, zero-width and invisible characters, the BOM, tags) are written as `\uXXXX` too, so that JSON printed to a
    /// terminal carries no control character; and a `[` after `##` as `\u005b`, so that JSON in a
    /// CI log never holds a GitHub workflow command of the old form (`##[error]`).
    public static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings hold no byte that is escaped or starts a character that may be: copied whole.
        var text = text
        let plain = text.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xC2 || $0 == 0xD8 || $0 == 0xE2 || $0 == 0xEF || $0 == 0xF3 || $0 == 0x23 }) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if plain {
            out.append(UInt8(ascii: "\""))
        } else {
            writeEscaped(text, into: &out)
        }
    }

    /// The characters above ASCII that are written as `\uXXXX`: exactly those the terminal escaping
    /// shows escaped (``Escape/isControl(_:)``, one predicate for both), so that JSON passed
    /// through it stays JSON. Their lead bytes are the ones ``writeString(_:into:)`` looks for.
    static func isEscaped(_ scalar: UInt32) -> Bool {
        scalar >= 0x80 && Unicode.Scalar(scalar).map(Escape.isControl) == true
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
            case 0xC2, 0xD8, 0xE2, 0xEF, 0xF3:
                // The lead bytes of every character escaped besides ASCII ones: the character is
                // decoded, and written as `\uXXXX` (a surrogate pair above U+FFFF) when it is one.
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                var sequence = [byte]
                while sequence.count < length, let next = bytes.next() { sequence.append(next) }
                var scalar = UInt32(byte) & (length == 4 ? 0x07 : length == 3 ? 0x0F : 0x1F)
                for continuation in sequence.dropFirst() { scalar = scalar << 6 | UInt32(continuation & 0x3F) }
                guard sequence.count == length, isEscaped(scalar) else {
                    out.append(contentsOf: sequence)
                    break
                }
                func unit(_ value: UInt32) {
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u"), hex[Int(value >> 12 & 15)], hex[Int(value >> 8 & 15)],
                                            hex[Int(value >> 4 & 15)], hex[Int(value & 15)]])
                }
                if scalar > 0xFFFF {
                    unit(0xD800 + ((scalar - 0x10000) >> 10))
                    unit(0xDC00 + ((scalar - 0x10000) & 0x3FF))
                } else {
                    unit(scalar)
                }
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
