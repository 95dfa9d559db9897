/// A record's common name and DNS names, held as one run of UTF-8 bytes: each name's length (in
/// seven-bit groups, low first, the last without the high bit), then its bytes, the common name
/// first. As a string and an array of strings, a record's names took a heap block per name and
/// one for the list — about 340 bytes for a common name and three DNS names of 30 characters,
/// 40 MB of a plan's peak at 100,000 records — where one block of about 150 bytes holds them
/// here. A plan compares every record's names with its certificate's as bytes
/// (``commonNameIs(_:)``, ``dnsNamesAre(_:)``), and decodes them only for the few records it
/// changes or finds orphaned, each read making its strings anew.
///
/// Reads back exactly what was stored: the names are kept as the strings' UTF-8, or as the bytes
/// read from the state file, which decode to the same strings (malformed bytes are repaired the
/// same way on every read). Equality and hashing are those of the strings, so that two records
/// are equal exactly when their names are.
struct RecordNames: Sendable, Hashable, CustomStringConvertible {
    private var bytes: [UInt8]

    init(commonName: String, dnsNames: [String]) {
        bytes = []
        bytes.reserveCapacity(commonName.utf8.count + dnsNames.reduce(0) { $0 + $1.utf8.count } + dnsNames.count + 1)
        Self.append(commonName.utf8, to: &bytes)
        for name in dnsNames { Self.append(name.utf8, to: &bytes) }
    }

    /// The names as read from a state file's text, without making strings of them.
    init(commonName: UnsafeBufferPointer<UInt8>, dnsNames: [UnsafeBufferPointer<UInt8>]) {
        bytes = []
        bytes.reserveCapacity(commonName.count + dnsNames.reduce(0) { $0 + $1.count } + dnsNames.count + 1)
        Self.append(commonName, to: &bytes)
        for name in dnsNames { Self.append(name, to: &bytes) }
    }

    private static func append(_ name: some Collection<UInt8>, to bytes: inout [UInt8]) {
        var length = name.count
        while length >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: length) | 0x80)
            length >>= 7
        }
        bytes.append(UInt8(length))
        bytes.append(contentsOf: name)
    }

    /// Calls `body` with each name's bytes in order, the common name first, until it returns false.
    private func forEachName(_ body: (UnsafeBufferPointer<UInt8>) -> Bool) {
        bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            while index < buffer.count {
                var length = 0, shift = 0
                while buffer[index] & 0x80 != 0 {
                    length |= Int(buffer[index] & 0x7F) << shift
                    shift += 7
                    index += 1
                }
                length |= Int(buffer[index]) << shift
                index += 1
                guard body(UnsafeBufferPointer(rebasing: buffer[index..<(index + length)])) else { return }
                index += length
            }
        }
    }

    var commonName: String {
        get {
            var name = ""
            forEachName { bytes in
                name = String(decoding: bytes, as: UTF8.self)
                return false
            }
            return name
        }
        set { self = RecordNames(commonName: newValue, dnsNames: dnsNames) }
    }

    var dnsNames: [String] {
        get {
            var names: [String] = []
            var isFirst = true
            forEachName { bytes in
                if !isFirst { names.append(String(decoding: bytes, as: UTF8.self)) }
                isFirst = false
                return true
            }
            return names
        }
        set { self = RecordNames(commonName: commonName, dnsNames: newValue) }
    }

    /// Whether the common name is `name`, as strings compare, without making a string of it
    /// when its bytes are `name`'s (a plan asks this of every record it finds).
    func commonNameIs(_ name: String) -> Bool {
        var same = false
        forEachName { bytes in
            same = Self.bytes(bytes, equal: name)
            return false
        }
        return same || commonName == name
    }

    /// Whether the DNS names are `names`, in order, as strings compare, without making strings of
    /// them when their bytes are those of `names`.
    func dnsNamesAre(_ names: [String]) -> Bool {
        var position = -1  // the common name comes first
        var same = true
        forEachName { bytes in
            defer { position += 1 }
            guard position >= 0 else { return true }
            same = position < names.count && Self.bytes(bytes, equal: names[position])
            return same
        }
        return (same && position == names.count) || dnsNames == names
    }

    private static func bytes(_ bytes: UnsafeBufferPointer<UInt8>, equal name: String) -> Bool {
        name.utf8.withContiguousStorageIfAvailable { $0.elementsEqual(bytes) } ?? name.utf8.elementsEqual(bytes)
    }

    static func == (lhs: RecordNames, rhs: RecordNames) -> Bool {
        lhs.bytes == rhs.bytes || (lhs.commonName == rhs.commonName && lhs.dnsNames == rhs.dnsNames)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(commonName)
        hasher.combine(dnsNames)
    }

    /// The names, so that a record prints with them rather than with their bytes.
    var description: String { "RecordNames(commonName: \(String(reflecting: commonName)), dnsNames: \(dnsNames))" }
}
