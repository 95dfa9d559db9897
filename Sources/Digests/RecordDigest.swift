/// A digest as certform writes it, `sha256:` and 64 lowercase hex digits, held in 32 bytes; any
/// other text (a hand-edited record) is held as written, so that it is written back unchanged.
/// Held as text, a state record's three digests were three strings of 112 bytes each on the heap,
/// and each certificate whose CSR a record vouched for held a fourth.
///
/// Equal texts are equal values: a text in certform's form is always held as bytes, so a value
/// held as text never equals one held as bytes.
public struct RecordDigest: Sendable, Hashable {
    private enum Form: Sendable, Hashable {
        case sha256(UInt64, UInt64, UInt64, UInt64)
        case text(String)
    }

    private let form: Form

    private static let prefix = Array("sha256:".utf8)

    public init(_ text: String) {
        var contiguous = text
        form = contiguous.withUTF8(Self.sha256) ?? .text(text)
    }

    /// The digest of this UTF-8 text, without making a string of it when it is in certform's form
    /// (equal to ``init(_:)`` of the text decoded, malformed bytes repaired).
    public init(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        form = Self.sha256(bytes) ?? .text(String(decoding: bytes, as: UTF8.self))
    }

    private static func sha256(_ bytes: UnsafeBufferPointer<UInt8>) -> Form? {
        guard bytes.count == 7 + 64, bytes.starts(with: prefix) else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &words) { out in
            values.withUnsafeBufferPointer { values in
                var invalid: UInt8 = 0
                for index in 0..<32 {
                    let high = values[Int(bytes[7 + 2 * index])], low = values[Int(bytes[8 + 2 * index])]
                    invalid |= (high | low) & 0x10
                    out[index] = high << 4 | low & 0x0F
                }
                return invalid == 0
            }
        }
        return parsed ? .sha256(words.0, words.1, words.2, words.3) : nil
    }

    /// The digest `sha256:` + the hex of these 32 bytes, without building its text.
    public init(sha256 bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count == 32, "a SHA-256 digest has 32 bytes")
        form = .sha256(bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                       bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
    }

    /// `body` of the digest's text as UTF-8, without making a string of it when it is in
    /// certform's form (a plan hashes one per certificate).
    public func withUTF8<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        switch form {
        case .text(var text): return text.withUTF8(body)
        case .sha256(let a, let b, let c, let d):
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 7 + 64) { out in
                Self.write(a, b, c, d, into: out)
                return body(UnsafeBufferPointer(out))
            }
        }
    }

    /// `sha256:` and the hex of the words' bytes, into `out` (71 bytes).
    private static func write(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64, into out: UnsafeMutableBufferPointer<UInt8>) {
        withUnsafeBytes(of: (a, b, c, d)) { bytes in
            for (index, byte) in prefix.enumerated() { out[index] = byte }
            for (index, byte) in bytes.enumerated() {
                out[7 + 2 * index] = digits[Int(byte >> 4)]
                out[8 + 2 * index] = digits[Int(byte & 15)]
            }
        }
    }

    /// The digest as it was read.
    public var text: String {
        switch form {
        case .text(let text): return text
        case .sha256(let a, let b, let c, let d):
            return String(unsafeUninitializedCapacity: 7 + 64) { out in
                Self.write(a, b, c, d, into: out)
                return 7 + 64
            }
        }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// Each byte's value as a lowercase hex digit, or 0x10 where it is none (uppercase is not the
    /// form certform writes, so such a digest is kept as text).
    private static let values: [UInt8] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt8(byte) - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt8(byte) - UInt8(ascii: "a") + 10
        default: return 0x10
        }
    }
}
