/// Text a state record holds once per record, inside the value (32 bytes) without a heap
/// allocation when every character is from one of three alphabets of 16 (a thumbprint or serial
/// number in lowercase or uppercase hex, a timestamp such as `2026-06-01T00:00:00Z`), and as a
/// string otherwise. Any text reads back exactly as written:
/// the packed form keeps which 16 characters, how many, and each one's place among them. As
/// strings, a record's thumbprint, serial number and order time took 224 bytes of heap; at 100,000
/// records that was 22 MB of a plan's peak.
struct RecordText: Sendable, Hashable {
    private enum Form: Sendable, Hashable {
        /// Up to 48 characters of ``alphabets[alphabet]``, four bits each, first in the low bits of `low`.
        case packed(low: UInt64, middle: UInt64, high: UInt64, count: UInt8, alphabet: UInt8)
        case text(String)
    }

    private let form: Form

    /// Tried in order, so one text has one form (digits alone are lowercase hex): equal texts are
    /// equal values, and the synthesized `==` and `hash` stay those of the text.
    private static let alphabets: [[UInt8]] = [
        Array("0123456789abcdef".utf8),
        Array("0123456789ABCDEF".utf8),
        Array("0123456789-:TZ.+".utf8),
    ]

    /// Each alphabet's lookup: a byte's place in it plus one, or 0 where it is not in it.
    private static let places: [[UInt8]] = alphabets.map { alphabet in
        var places = [UInt8](repeating: 0, count: 256)
        for (index, byte) in alphabet.enumerated() { places[Int(byte)] = UInt8(index + 1) }
        return places
    }

    private static let capacity = 48

    init(_ text: String) {
        var contiguous = text
        form = contiguous.withUTF8(Self.packed) ?? .text(text)
    }

    /// This UTF-8 text, without making a string of it when it packs (equal to ``init(_:)`` of the
    /// text decoded, malformed bytes repaired: those never pack).
    init(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        form = Self.packed(bytes) ?? .text(String(decoding: bytes, as: UTF8.self))
    }

    private static func packed(_ bytes: UnsafeBufferPointer<UInt8>) -> Form? {
        guard !bytes.isEmpty, bytes.count <= capacity else { return nil }
        alphabets: for alphabet in places.indices {
            var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
            let places = places[alphabet]
            for (index, byte) in bytes.enumerated() {
                let place = places[Int(byte)]
                guard place > 0 else { continue alphabets }
                let bits = UInt64(place - 1) << (4 * UInt64(index % 16))
                switch index / 16 {
                case 0: words.0 |= bits
                case 1: words.1 |= bits
                default: words.2 |= bits
                }
            }
            return .packed(low: words.0, middle: words.1, high: words.2, count: UInt8(bytes.count), alphabet: UInt8(alphabet))
        }
        return nil
    }

    /// Whether the text is held without a string (for tests).
    var isPacked: Bool {
        if case .packed = form { return true }
        return false
    }

    /// The text as it was read.
    var text: String {
        switch form {
        case .text(let text): return text
        case .packed(let low, let middle, let high, let count, let alphabet):
            let symbols = Self.alphabets[Int(alphabet)]
            return String(unsafeUninitializedCapacity: Int(count)) { out in
                for index in 0..<Int(count) {
                    let word = index < 16 ? low : index < 32 ? middle : high
                    out[index] = symbols[Int(word >> (4 * UInt64(index % 16)) & 15)]
                }
                return Int(count)
            }
        }
    }
}
