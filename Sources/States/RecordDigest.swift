/// A digest as a state record holds it: `sha256:` and 64 lowercase hex digits in 32 bytes, and
/// anything else (a hand-edited record) as written, so that it is written back unchanged. Held as
/// text, a record's three digests were three strings of 112 bytes each on the heap.
struct RecordDigest: Sendable, Hashable {
    private enum Form: Sendable, Hashable {
        case sha256(UInt64, UInt64, UInt64, UInt64)
        case text(String)
    }

    private let form: Form

    private static let prefix = Array("sha256:".utf8)

    init(_ text: String) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        let parsed = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard bytes.count == Self.prefix.count + 64, bytes.starts(with: Self.prefix) else { return false }
            return withUnsafeMutableBytes(of: &words) { out in
                for index in 0..<32 {
                    guard let high = Self.value(bytes[7 + 2 * index]), let low = Self.value(bytes[8 + 2 * index]) else { return false }
                    out[index] = high << 4 | low
                }
                return true
            }
        } ?? false
        form = parsed ? .sha256(words.0, words.1, words.2, words.3) : .text(text)
    }

    /// The digest as it was read.
    var text: String {
        switch form {
        case .text(let text): return text
        case .sha256(let a, let b, let c, let d):
            return withUnsafeBytes(of: (a, b, c, d)) { bytes in
                String(unsafeUninitializedCapacity: Self.prefix.count + 64) { out in
                    for (index, byte) in Self.prefix.enumerated() { out[index] = byte }
                    for (index, byte) in bytes.enumerated() {
                        out[7 + 2 * index] = Self.digits[Int(byte >> 4)]
                        out[8 + 2 * index] = Self.digits[Int(byte & 15)]
                    }
                    return Self.prefix.count + 64
                }
            }
        }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// A lowercase hex digit's value; uppercase is not the form certform writes, so it is kept as text.
    private static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
