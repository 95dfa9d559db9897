import CertCentralAPI
import Crypto
import Digests
import Foundation

/// The identity of a CSR's bytes (the `csr_file` as read, or the inline `csr` as written): their
/// git blob id, the SHA-1 of `blob <size>\0` followed by the bytes, held in 20 bytes rather than as
/// text (a plan may hold one per certificate). It is the id git itself gives the file, so for a
/// committed CSR file the repository's index already holds it (``GitIndex``) and a plan need not
/// read the file at all; `git hash-object FILE` prints it.
public struct CSRBytesDigest: Sendable, Hashable {
    private var words: (UInt64, UInt64, UInt32)

    public init(of bytes: some DataProtocol) {
        var hasher = Insecure.SHA1()
        hasher.update(data: Array("blob \(bytes.count)\u{0}".utf8))
        hasher.update(data: bytes)
        self.init(blobID: Array(hasher.finalize()))
    }

    /// The 20 bytes of a blob id, as an index entry holds them.
    init(blobID bytes: some Collection<UInt8>) {
        precondition(bytes.count == 20, "a SHA-1 blob id has 20 bytes")
        var words: (UInt64, UInt64, UInt32) = (0, 0, 0)
        withUnsafeMutableBytes(of: &words) { raw in
            raw.copyBytes(from: bytes)
        }
        self.words = words
    }

    /// Lowercase hex, as `git hash-object` prints it.
    public var hex: String {
        withHex { String(decoding: $0, as: UTF8.self) }
    }

    /// `body` of ``hex`` as UTF-8, without making a string of it.
    func withHex<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        withUnsafeBytes(of: words) { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { out in
                for index in 0..<20 {
                    out[2 * index] = Self.digits[Int(bytes[index] >> 4)]
                    out[2 * index + 1] = Self.digits[Int(bytes[index] & 15)]
                }
                return body(UnsafeBufferPointer(out))
            }
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func == (lhs: CSRBytesDigest, rhs: CSRBytesDigest) -> Bool {
        lhs.words == rhs.words
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes(of: words) { hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: $0.prefix(20))) }
    }
}

/// A state record's `csr_digest` (SPEC §3): what certform vouches for once it has verified a CSR.
///
/// It is the digest of the CSR's bytes *bound to* the product, common name, DNS names and
/// `spec_digest` they were verified with, so that one equal digest proves all of it at once: these
/// bytes parse, their signature verifies, their key is one DigiCert takes, their names are among
/// these names, and this spec's digest (which covers the CSR's key and names) is that
/// `spec_digest`. A record whose names or spec digest changed since (a refresh, a reissue, a hand
/// edit) no longer matches, and the CSR is verified again: the digest can never vouch for a key
/// other than the one it was recorded with.
///
/// The state is trusted as far as it goes: a digest forged by hand could hide a CSR problem from a
/// plan in which that CSR is not sent, but a CSR that is sent is always read and verified again
/// (``ManifestSet/resolveCSR(_:)``).
public enum CSRDigest {
    /// `sha256:` + hex over the CSR bytes' git blob id and what they were verified with:
    /// `csr_blob=HEX\nproduct=…\ncommon_name=…\ndns_names=A,B\nspec_digest=…\n`, the names sorted.
    public static func of(_ bytes: CSRBytesDigest, product: Product, commonName: String, dnsNames: [String], specDigest: String) -> String {
        "sha256:" + CSRInspector.hex(digest(bytes, product: product, commonName: commonName, dnsNames: dnsNames, specDigest: specDigest))
    }

    /// Whether `recorded` is ``of(_:product:commonName:dnsNames:specDigest:)`` for these, without
    /// building its text (a plan asks for the certificates whose names are not ASCII in order; the
    /// others are matched from their bytes, ``matches(_:_:product:names:specDigest:)``).
    static func matches(_ recorded: RecordDigest, _ bytes: CSRBytesDigest, product: Product, commonName: String,
                        dnsNames: [String], specDigest: String) -> Bool {
        var specDigest = specDigest
        return specDigest.withUTF8 { matches(recorded, bytes, product: product, commonName: commonName, dnsNames: dnsNames, specDigest: $0) }
    }

    /// ``matches(_:_:product:commonName:dnsNames:specDigest:)`` with the spec digest's text as bytes.
    static func matches(_ recorded: RecordDigest, _ bytes: CSRBytesDigest, product: Product, commonName: String,
                        dnsNames: [String], specDigest: UnsafeBufferPointer<UInt8>) -> Bool {
        digest(bytes, product: product, commonName: commonName, dnsNames: dnsNames, specDigest: specDigest)
            .withUnsafeBytes { recorded == RecordDigest(sha256: $0) }
    }

    /// The same, for names as a certificate holds them: hashed from their bytes when they are
    /// ASCII (the DNS names sorted as their bytes, which is as their strings sort), without a
    /// string made.
    static func matches(_ recorded: RecordDigest, _ bytes: CSRBytesDigest, product: Product, names: CertificateNames,
                        specDigest: UnsafeBufferPointer<UInt8>) -> Bool {
        var held: SHA256.Digest?
        let ascii = names.withASCIINamesSorted { commonName, dnsNames in
            held = digest(bytes, product: product, specDigest: specDigest, commonName: commonName, dnsNames: dnsNames)
        }
        guard ascii, let held else {
            return matches(recorded, bytes, product: product, commonName: names.commonName, dnsNames: names.dnsNames, specDigest: specDigest)
        }
        return held.withUnsafeBytes { recorded == RecordDigest(sha256: $0) }
    }

    static func matches(_ recorded: String, _ bytes: CSRBytesDigest, product: Product, commonName: String,
                        dnsNames: [String], specDigest: String) -> Bool {
        matches(RecordDigest(recorded), bytes, product: product, commonName: commonName, dnsNames: dnsNames, specDigest: specDigest)
    }

    static func digest(_ bytes: CSRBytesDigest, product: Product, commonName: String, dnsNames: [String], specDigest: String) -> SHA256.Digest {
        var specDigest = specDigest
        return specDigest.withUTF8 { digest(bytes, product: product, commonName: commonName, dnsNames: dnsNames, specDigest: $0) }
    }

    static func digest(_ bytes: CSRBytesDigest, product: Product, commonName: String, dnsNames: [String],
                       specDigest: UnsafeBufferPointer<UInt8>) -> SHA256.Digest {
        digest(bytes, product: product, specDigest: specDigest) { hasher in
            func add(_ text: String) {
                var text = text
                text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            }
            add(commonName)
            add("\ndns_names=")
            // Sorted; names are usually written, and recorded, in order already.
            let sorted = dnsNames.count < 2 || dnsNames.indices.dropFirst().allSatisfy { dnsNames[$0 - 1] <= dnsNames[$0] }
            for (index, name) in (sorted ? dnsNames : dnsNames.sorted()).enumerated() {
                if index > 0 { add(",") }
                add(name)
            }
        }
    }

    /// The digest of names given as bytes, the DNS names in order. The text is put together on
    /// the stack and hashed at once (a plan checks one per certificate, and a dozen small
    /// updates of the hasher cost more than the hashing); text over a kilobyte is hashed a
    /// part at a time.
    static func digest(_ bytes: CSRBytesDigest, product: Product, specDigest: UnsafeBufferPointer<UInt8>,
                       commonName: UnsafeBufferPointer<UInt8>, dnsNames: UnsafeBufferPointer<UnsafeBufferPointer<UInt8>>) -> SHA256.Digest {
        let fixed = "csr_blob=".utf8.count + 40 + "\nproduct=".utf8.count + product.rawValue.utf8.count + "\ncommon_name=".utf8.count
            + "\ndns_names=".utf8.count + "\nspec_digest=".utf8.count + 1
        let count = fixed + commonName.count + dnsNames.reduce(max(0, dnsNames.count - 1)) { $0 + $1.count } + specDigest.count
        guard count <= 1024 else {
            return digest(bytes, product: product, specDigest: specDigest) { hasher in
                hasher.update(bufferPointer: UnsafeRawBufferPointer(commonName))
                hasher.update(static: "\ndns_names=")
                for (index, name) in dnsNames.enumerated() {
                    if index > 0 { hasher.update(static: ",") }
                    hasher.update(bufferPointer: UnsafeRawBufferPointer(name))
                }
            }
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { text in
            var end = 0
            func add(_ part: UnsafeBufferPointer<UInt8>) {
                guard let base = part.baseAddress, !part.isEmpty else { return }
                (text.baseAddress! + end).update(from: base, count: part.count)
                end += part.count
            }
            func add(_ part: StaticString) {
                add(UnsafeBufferPointer(start: part.utf8Start, count: part.utf8CodeUnitCount))
            }
            add("csr_blob=")
            bytes.withHex { add($0) }
            add("\nproduct=")
            var product = product.rawValue
            product.withUTF8 { add($0) }
            add("\ncommon_name=")
            add(commonName)
            add("\ndns_names=")
            for (index, name) in dnsNames.enumerated() {
                if index > 0 { add(",") }
                add(name)
            }
            add("\nspec_digest=")
            add(specDigest)
            add("\n")
            precondition(end == count, "the csr_digest text's length")
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: text[..<end])))
            return hasher.finalize()
        }
    }

    /// The digest, with `addNames` adding `COMMON_NAME\ndns_names=A,B`.
    private static func digest(_ bytes: CSRBytesDigest, product: Product, specDigest: UnsafeBufferPointer<UInt8>,
                               addNames: (inout SHA256) -> Void) -> SHA256.Digest {
        var hasher = SHA256()
        func add(_ text: String) {
            var text = text
            text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        }
        add("csr_blob=")
        bytes.withHex { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        add("\nproduct=")
        add(product.rawValue)
        add("\ncommon_name=")
        addNames(&hasher)
        add("\nspec_digest=")
        hasher.update(bufferPointer: UnsafeRawBufferPointer(specDigest))
        add("\n")
        return hasher.finalize()
    }

    /// The `csr_digest` for `spec` with `specDigest`, when its CSR bytes are known.
    public static func of(_ spec: CertificateSpec, specDigest: String) -> String? {
        guard let bytes = spec.csrBytesDigest ?? (spec.csr.isEmpty ? nil : CSRBytesDigest(of: Array(spec.csr.utf8))) else { return nil }
        return of(bytes, product: spec.product, commonName: spec.commonName, dnsNames: spec.dnsNames ?? [], specDigest: specDigest)
    }
}

/// What a state record remembers of a verified CSR: its `csr_digest` and the `spec_digest` it
/// was recorded with, as the record holds them.
public struct RecordedCSR: Sendable, Hashable {
    public var csrDigest: RecordDigest
    public var specDigest: RecordDigest

    public init(csrDigest: RecordDigest, specDigest: RecordDigest) {
        self.csrDigest = csrDigest
        self.specDigest = specDigest
    }

    public init(csrDigest: String, specDigest: String) {
        self.init(csrDigest: RecordDigest(csrDigest), specDigest: RecordDigest(specDigest))
    }
}

/// What the state remembers of verified CSRs, by certificate name (a record's `csr_digest` and
/// `spec_digest`). The records that may vouch for a certificate's CSR are those of its name and
/// of its `moved_from`.
public struct RecordedCSRs: Sendable {
    let lookup: @Sendable (String) -> RecordedCSR?

    public init(_ lookup: @escaping @Sendable (_ name: String) -> RecordedCSR?) {
        self.lookup = lookup
    }

    /// The spec digest of the record that vouches for `spec`'s CSR, whose bytes have `bytes`.
    func vouchedSpecDigest(for spec: CertificateSpec, bytes: CSRBytesDigest) -> RecordDigest? {
        func vouched(by name: String) -> RecordDigest? {
            guard let record = lookup(name) else { return nil }
            let matches = record.specDigest.withUTF8 {
                CSRDigest.matches(record.csrDigest, bytes, product: spec.product, names: spec.names, specDigest: $0)
            }
            return matches ? record.specDigest : nil
        }
        return vouched(by: spec.name) ?? spec.movedFrom.flatMap(vouched(by:))
    }
}

extension SHA256 {
    mutating func update(static text: StaticString) {
        update(bufferPointer: UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
