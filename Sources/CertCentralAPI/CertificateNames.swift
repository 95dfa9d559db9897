/// A certificate's common name and DNS names, held as one run of UTF-8 bytes: each name's length
/// (in seven-bit groups, low first, the last without the high bit), then its bytes, the common
/// name first. As a string and an array of strings, a certificate's names took a heap block per
/// name and one for the list — about 340 bytes for a common name and three DNS names of 30
/// characters — where one block of about 150 bytes holds them here. Both a manifest's
/// certificate (`CertificateSpec`) and a state record hold their names so: 100,000 of each held
/// some 40 MB of names as strings at the height of a plan. A plan compares a certificate's names
/// with its record's as bytes (``hasSameBytes(as:)``, ``commonNameIs(_:)``,
/// ``dnsNamesAre(_:)``), and makes strings of them only where it needs text.
///
/// Reads back exactly what was stored: the names are kept as the strings' UTF-8, or as the bytes
/// read from a file, which decode to the same strings (malformed bytes are repaired the same way
/// on every read). Equality and hashing are those of the strings, so that two values are equal
/// exactly when their names are.
public struct CertificateNames: Sendable, Hashable, CustomStringConvertible {
    private var bytes: [UInt8]

    public init(commonName: String, dnsNames: [String]) {
        bytes = []
        bytes.reserveCapacity(commonName.utf8.count + dnsNames.reduce(0) { $0 + $1.utf8.count } + dnsNames.count + 1)
        Self.append(commonName.utf8, to: &bytes)
        for name in dnsNames { Self.append(name.utf8, to: &bytes) }
    }

    /// The names as read from a file's bytes, without making strings of them.
    public init(commonName: UnsafeBufferPointer<UInt8>, dnsNames: [UnsafeBufferPointer<UInt8>]) {
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
    /// The buffers stay valid until `forEachName` returns (one buffer holds every name).
    public func forEachName(_ body: (UnsafeBufferPointer<UInt8>) -> Bool) {
        bytes.withUnsafeBufferPointer { Self.forEachName(in: $0, body) }
    }

    private static func forEachName(in buffer: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) {
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

    public var commonName: String {
        get { withCommonName { String(decoding: $0, as: UTF8.self) } }
        set { self = CertificateNames(commonName: newValue, dnsNames: dnsNames) }
    }

    public var dnsNames: [String] {
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
        set { self = CertificateNames(commonName: commonName, dnsNames: newValue) }
    }

    /// Whether the common name is `name`, as strings compare, without making a string of it
    /// when its bytes are `name`'s.
    public func commonNameIs(_ name: String) -> Bool {
        withCommonName { Self.bytes($0, equal: name) } || commonName == name
    }

    /// Whether the DNS names are `names`, in order, as strings compare, without making strings of
    /// them when their bytes are those of `names`.
    public func dnsNamesAre(_ names: [String]) -> Bool {
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

    /// A hash of the common name's bytes, and whether two common names have the same bytes: a
    /// look-up by common name without a string made per certificate. A valid common name is
    /// lowercase ASCII (SPEC §2.2), whose bytes compare as its text does.
    public var commonNameBytesHash: Int {
        var hasher = Hasher()
        withCommonName { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        return hasher.finalize()
    }

    public func commonNameHasSameBytes(as other: CertificateNames) -> Bool {
        withCommonName { mine in other.withCommonName { mine.elementsEqual($0) } }
    }

    private func withCommonName<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        var result: Result?
        forEachName { bytes in
            result = body(bytes)
            return false
        }
        return result ?? body(UnsafeBufferPointer(start: nil, count: 0))
    }

    /// Whether both hold the same bytes: then their names are equal, without a string made. (Names
    /// may be equal with other bytes: canonically equivalent, or repaired alike; ``==`` says.)
    public func hasSameBytes(as other: CertificateNames) -> Bool {
        bytes == other.bytes
    }

    /// Whether the two hold one block of bytes (a copy of one another), not only the same bytes.
    public func sharesBlock(with other: CertificateNames) -> Bool {
        bytes.withUnsafeBufferPointer { mine in
            other.bytes.withUnsafeBufferPointer { mine.baseAddress == $0.baseAddress }
        }
    }

    /// Holds `other`'s block in place of its own when the two hold the same bytes, so that one
    /// block serves both (a manifest's certificate and its state record, see `StateNames`).
    /// Changes no name: the bytes are the same.
    public mutating func share(_ other: CertificateNames) {
        if !sharesBlock(with: other) && hasSameBytes(as: other) { self = other }
    }

    /// Calls `body` with the common name's bytes and the DNS names' bytes in the order sorting
    /// their strings gives, when every name is ASCII — whose bytes order as their strings do, so
    /// that text made of these bytes is the text made of the strings sorted — without making a
    /// string of any; returns whether it did. False, `body` not called, when a name is not ASCII.
    /// The buffers are valid only within `body`. (Not generic: a plan calls it for every
    /// certificate, from another module, which would not specialise it.)
    public func withASCIINamesSorted(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UnsafeBufferPointer<UInt8>>) -> Void) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var count = 0, ascii = true
            Self.forEachName(in: buffer) { name in
                count += 1
                for byte in name where byte >= 0x80 { ascii = false }
                return ascii
            }
            guard ascii else { return false }
            guard count > 0 else {
                body(UnsafeBufferPointer(start: nil, count: 0), UnsafeBufferPointer(start: nil, count: 0))
                return true
            }
            // On the stack (a plan vouches for one certificate's names after another), not an array.
            return withUnsafeTemporaryAllocation(of: UnsafeBufferPointer<UInt8>.self, capacity: count) { names in
                var filled = 0, inOrder = true
                Self.forEachName(in: buffer) { name in
                    if filled > 1, name.lexicographicallyPrecedes(names[filled - 1]) { inOrder = false }
                    names.initializeElement(at: filled, to: name)
                    filled += 1
                    return true
                }
                var dnsNames = UnsafeMutableBufferPointer(rebasing: names[1..<filled])
                if !inOrder { dnsNames.sort { $0.lexicographicallyPrecedes($1) } }
                body(names[0], UnsafeBufferPointer(dnsNames))
                return true
            }
        }
    }

    public static func == (lhs: CertificateNames, rhs: CertificateNames) -> Bool {
        lhs.bytes == rhs.bytes || (lhs.commonName == rhs.commonName && lhs.dnsNames == rhs.dnsNames)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(commonName)
        hasher.combine(dnsNames)
    }

    /// The names, so that a certificate, a record or a change prints with them rather than with
    /// their bytes.
    public var description: String { "CertificateNames(commonName: \(String(reflecting: commonName)), dnsNames: \(dnsNames))" }
}
