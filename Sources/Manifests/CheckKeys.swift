import Parallel

/// What the checks after the read need of one file's certificates, worked out as soon as the file
/// is read: each name's and common name's hash (``RepeatedKeys``), how many were read with an
/// error, and whether the names come in order. With many files, each file's are worked out on
/// the core that read it while its specs are still in the cache. Worked out after every manifest
/// was read, each of those checks walked all the specs again, and every walk missed the cache once
/// a spec: 32 of the 60 ms of those checks at 100,000 certificates.
struct CheckKeys: Sendable, Equatable {
    /// The hash of each spec's name (`String.hashValue`, cut to 32 bits), in the file's order.
    var names: [UInt32]
    /// The hash of each spec's common name (``CertificateNames/commonNameBytesHash``, cut to 32 bits).
    var commonNames: [UInt32]
    /// How many specs were read with an error (``CertificateSpec/isValid`` false).
    var invalid: Int
    /// Whether each name sorts after the one before it.
    var inOrder: Bool

    /// No certificates yet: ``append(_:after:)`` adds each as it is made (a large file's decoding
    /// thread, which has time to spare, does that while the parser reads on).
    init() {
        names = []
        commonNames = []
        invalid = 0
        inOrder = true
    }

    /// A large file's on every core (one pass for all four, where each check had a pass of its own);
    /// a file of fewer than 4,096 certificates on this thread.
    init(of specs: [CertificateSpec]) {
        self.init()
        names.reserveCapacity(specs.count)
        commonNames.reserveCapacity(specs.count)
        guard specs.count >= 4096 else {
            for index in specs.indices { add(Self.key(specs, index)) }
            return
        }
        for key in ConcurrentMap.map(indices: specs.count, serialBelow: 4096, { Self.key(specs, $0) }) { add(key) }
    }

    /// Adds `spec`, which comes after `previous` (nil for the first).
    mutating func append(_ spec: CertificateSpec, after previous: CertificateSpec?) {
        add(Self.key(of: spec, after: previous))
    }

    private mutating func add(_ key: Key) {
        names.append(key.name)
        commonNames.append(key.commonName)
        if !key.isValid { invalid += 1 }
        if !key.follows { inOrder = false }
    }

    private static func key(_ specs: [CertificateSpec], _ index: Int) -> Key {
        key(of: specs[index], after: index == 0 ? nil : specs[index - 1])
    }

    private static func key(of spec: CertificateSpec, after previous: CertificateSpec?) -> Key {
        Key(name: UInt32(truncatingIfNeeded: spec.name.hashValue),
            commonName: UInt32(truncatingIfNeeded: spec.names.commonNameBytesHash),
            isValid: spec.isValid, follows: previous.map { $0.name < spec.name } ?? true)
    }

    private struct Key {
        var name: UInt32
        var commonName: UInt32
        var isValid: Bool
        var follows: Bool
    }
}
