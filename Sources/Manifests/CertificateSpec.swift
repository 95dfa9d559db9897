import CertCentralAPI
import Digests
import Files
import YAML

/// What certform learned from a certificate's CSR: enough to tell whether a new CSR changes the
/// certificate (same key and names means no reissue).
public struct CSRSummary: Sendable, Hashable {
    /// SHA-256 of the public key bits (the subjectPublicKey of the SPKI: an EC point or a PKCS #1
    /// RSA key), lowercase hex.
    public var publicKeySHA256: String
    /// The subject common name and the DNS names of the SAN extension, lowercased, sorted, unique.
    public var names: [String]
    /// "RSA 2048", "ECDSA P-256", … for messages.
    public var keyDescription: String

    public init(publicKeySHA256: String, names: [String], keyDescription: String) {
        self.publicKeySHA256 = publicKeySHA256
        self.names = names
        self.keyDescription = keyDescription
    }
}

/// A ``CSRSummary`` held by reference (see ``CertificateSpec/csrSummary``); prints as the summary,
/// so that a spec prints with it.
final class CSRSummaryBox: Sendable, CustomStringConvertible {
    let value: CSRSummary

    init(_ value: CSRSummary) {
        self.value = value
    }

    var description: String { String(describing: value) }
}

/// One certificate as the manifests declare it, after `defaults` are applied and every value is
/// validated. Field names follow the API's; optional fields are nil when the manifest leaves them
/// out, so that a request carries exactly what was written.
///
/// A value, with its fields held by reference and copied when one is changed while shared, as an
/// array's are: an array of specs then holds a pointer per certificate. Inline, each slot held
/// some 250 bytes, copying a spec retained each of its references, and putting the files' arrays
/// together held two arrays of 100,000 at once (25 MB each on lean manifests).
@dynamicMemberLookup
public struct CertificateSpec: Sendable {
    /// A spec's fields. The spec holds them by reference and copies them when it is changed while
    /// shared (see ``subscript(dynamicMember:)``). Read and write them as the spec's own
    /// (`spec.commonName`).
    public struct Fields: Sendable {
        // Laid out so that little is padding (Swift keeps declaration order): strings, places and
        // references first, the one-byte fields in the bytes after the CSR's blob id, a CSR's
        // location without an optional's byte, what few certificates write behind one reference,
        // and the manifest and CSR directory behind another: 169 bytes, where they took 233.

        /// The certificate's identity in state.
        public var name: String
        /// The manifest file (as the loader was given its path) and where the name was written.
        public var file: String {
            get { origin.file }
            set { origin = Origin(file: newValue, csrDirectory: origin.csrDirectory) }
        }
        public var location: SourceLocation
        /// Where `csr` or `csr_file` is written, for CSR diagnostics.
        public var csrLocation: SourceLocation? {
            get { csrPlace.line == 0 ? nil : csrPlace }
            set { csrPlace = newValue ?? Self.nowhere }
        }
        /// ``csrLocation``, line 0 for none (no place in a file has it).
        private var csrPlace = Self.nowhere
        private static let nowhere = SourceLocation(line: 0, column: 0)
        public var commonName: String {
            get { packedNames.commonName }
            set { packedNames.commonName = newValue }
        }
        /// nil when the manifest leaves `dns_names` out.
        public var dnsNames: [String]? {
            get { listsDNSNames ? packedNames.dnsNames : nil }
            set {
                packedNames.dnsNames = newValue ?? []
                listsDNSNames = newValue != nil
            }
        }
        /// Both held in one block of bytes (``CertificateNames``, as a state record holds its own);
        /// read and written as the strings above, each read making them anew.
        var packedNames: CertificateNames
        /// The order settings, held by reference (see ``OrderSettings``); the spec reads and writes
        /// them one by one (`spec.comments`).
        var sharedSettings: SharedOrderSettings
        /// ``CertificateSpec/csrSummary`` behind a reference: a plan whose CSRs the state vouched
        /// for holds none.
        var summary: CSRSummaryBox?
        /// What few certificates write, behind one reference: nil while none is set.
        private(set) var rare: Rare?
        /// The PEM text of the CSR, from `csr` or read from `csr_file`. Empty for a `csr_file` when the
        /// loader was asked not to hold CSR text (`plan`): ``ManifestSet/resolveCSR(_:)`` reads it
        /// again for the certificates whose request needs it.
        public var csr: String
        /// `csr_file` as written, when the CSR came from a file; made anew on each read.
        public var csrFile: String? {
            get { csrFileName.map { origin.csrDirectory + $0 } }
            set {
                let parts = newValue.map(Origin.split)
                origin = Origin(file: origin.file, csrDirectory: parts?.directory ?? "")
                csrFileName = parts?.name
            }
        }
        /// The manifest file and the directory part of `csr_file`, behind one reference that the
        /// certificates read one after another share (``shareOrigin(with:)``).
        private(set) var origin: Origin
        /// The rest of `csr_file`: a name of up to 15 bytes is held inline, where the whole path
        /// took a heap block (8 MB at 100,000 certificates).
        private var csrFileName: String?
        /// Whether the CSR comes from a `csr_file` (without putting its path together).
        var hasCSRFile: Bool { csrFileName != nil }
        /// `csr_file` as held: its directory part (up to its last `/`, or empty) and the rest,
        /// whose bytes one after the other are ``csrFile``'s — without putting them together.
        var csrFileParts: (directory: String, name: String)? { csrFileName.map { (origin.csrDirectory, $0) } }
        /// The SHA-256 of the CSR's bytes as read (the file, or the inline text), once the loader has
        /// read them.
        public var csrBytesDigest: CSRBytesDigest?
        public var product: Product
        /// Whether the manifest writes `dns_names` (an empty list is written).
        var listsDNSNames: Bool
        /// While loading: false when the entry had an error. Its CSR is still checked, so that every
        /// problem is reported, but it does not reach the ``ManifestSet``, whose specs are all valid.
        /// (A flag here rather than beside each spec lets the set take over the loaded array.)
        var isValid = true
        /// certform only: renew or reissue when the certificate expires within this many days.
        public var renewBeforeDays: Int {
            get { Int(renewDays) }
            set { renewDays = Int32(clamping: newValue) }
        }
        private var renewDays: Int32
        /// ``CertificateSpec/vouchedSpecDigest`` as the record holds it: 32 bytes, where its text
        /// took 112 on the heap.
        var vouched: RecordDigest?
        public var organizationUnits: [String]? {
            get { rare?.organizationUnits }
            set { rare = Rare(organizationUnits: newValue, serverPlatformID: serverPlatformID, movedFrom: movedFrom).orNil }
        }
        public var serverPlatformID: Int? {
            get { rare?.serverPlatformID }
            set { rare = Rare(organizationUnits: organizationUnits, serverPlatformID: newValue, movedFrom: movedFrom).orNil }
        }
        /// certform only: the name this certificate had before; its state record is adopted.
        public var movedFrom: String? {
            get { rare?.movedFrom }
            set { rare = Rare(organizationUnits: organizationUnits, serverPlatformID: serverPlatformID, movedFrom: newValue).orNil }
        }

        /// Holds `last`'s rare fields when they are the same as these (certificates read one after
        /// another usually write the same: a `server_platform` in `defaults`); else `last` becomes
        /// these.
        mutating func shareRare(with last: inout Rare?) {
            guard let rare else { return }
            if let last, last !== rare, last.holdsTheSame(as: rare) { self.rare = last } else { last = rare }
        }

        /// Sets `csr_file` to `path`, holding `last`'s origin when it is this manifest's and
        /// `path`'s directory, so that nothing is made but the name (the usual case: the
        /// certificates of a file keep their CSRs in one directory).
        mutating func setCSRFile(_ path: String, sharing last: Origin?) {
            guard let last, last === origin || sameBytes(last.file, origin.file) else {
                csrFile = path
                return
            }
            var bytes = path
            let name = last.csrDirectory.utf8.withContiguousStorageIfAvailable { directory in
                bytes.withUTF8 { path -> String? in
                    // The name starts after the last `/` (the directory ends with it), or at 0.
                    let cut = path.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0
                    guard cut == directory.count, path[..<cut].elementsEqual(directory) else { return nil }
                    return String(decoding: UnsafeBufferPointer(rebasing: path[cut...]), as: UTF8.self)
                }
            }
            guard let name = name ?? nil else {
                csrFile = path
                return
            }
            origin = last
            csrFileName = name
        }

        /// Holds `last`'s origin when it is the same as this one (the certificates of a file
        /// usually keep their CSRs in one directory); else `last` becomes this one.
        mutating func shareOrigin(with last: inout Origin?) {
            if let last, last !== origin, last.holdsTheSame(as: origin) { origin = last } else { last = origin }
        }

        init(name: String, file: String, location: SourceLocation, product: Product, packedNames: CertificateNames,
             listsDNSNames: Bool, csr: String, sharedSettings: SharedOrderSettings, renewBeforeDays: Int) {
            self.name = name
            self.origin = Origin(file: file, csrDirectory: "")
            self.location = location
            self.packedNames = packedNames
            self.sharedSettings = sharedSettings
            self.csr = csr
            self.product = product
            self.listsDNSNames = listsDNSNames
            self.renewDays = Int32(clamping: renewBeforeDays)
        }
    }

    /// A spec's fields that few certificates write; never changed once made.
    final class Rare: Sendable, CustomStringConvertible {
        let organizationUnits: [String]?
        let serverPlatformID: Int?
        let movedFrom: String?

        init(organizationUnits: [String]?, serverPlatformID: Int?, movedFrom: String?) {
            self.organizationUnits = organizationUnits
            self.serverPlatformID = serverPlatformID
            self.movedFrom = movedFrom
        }

        /// Byte for byte (see ``sameBytes(_:_:)``).
        func holdsTheSame(as other: Rare) -> Bool {
            serverPlatformID == other.serverPlatformID && sameBytes(movedFrom, other.movedFrom)
                && organizationUnits?.count == other.organizationUnits?.count
                && zip(organizationUnits ?? [], other.organizationUnits ?? []).allSatisfy(sameBytes)
        }

        /// Itself, or nil when nothing is set.
        var orNil: Rare? { organizationUnits == nil && serverPlatformID == nil && movedFrom == nil ? nil : self }

        /// The fields themselves, so that a spec prints with them.
        var description: String {
            "Rare(organizationUnits: \(String(describing: organizationUnits)), serverPlatformID: \(String(describing: serverPlatformID)), movedFrom: \(String(describing: movedFrom)))"
        }
    }

    /// The manifest file a spec was read from and the directory part of its `csr_file` (empty
    /// for none); never changed once made.
    final class Origin: Sendable, CustomStringConvertible {
        let file: String
        /// Up to and including the last `/` of `csr_file`.
        let csrDirectory: String

        init(file: String, csrDirectory: String) {
            self.file = file
            self.csrDirectory = csrDirectory
        }

        /// Byte for byte (see ``sameBytes(_:_:)``): `../csr/é/` composed and decomposed are two
        /// directories.
        func holdsTheSame(as other: Origin) -> Bool {
            sameBytes(file, other.file) && sameBytes(csrDirectory, other.csrDirectory)
        }

        /// `path` cut after its last `/` (an empty directory when it has none).
        static func split(_ path: String) -> (directory: String, name: String) {
            guard let (directory, name) = PathBytes.lastSlash(path) else { return ("", path) }
            return (directory + "/", String(name))
        }

        var description: String {
            "Origin(file: \(String(reflecting: file)), csrDirectory: \(String(reflecting: csrDirectory)))"
        }
    }

    /// Changed only while this spec is its sole holder (see ``subscript(dynamicMember:)``), so
    /// sharing it between threads is as safe as sharing an array.
    @usableFromInline
    final class Storage: @unchecked Sendable, CustomStringConvertible {
        @usableFromInline var fields: Fields

        @usableFromInline init(_ fields: Fields) {
            self.fields = fields
        }

        /// The fields themselves, so that a spec prints with them.
        @usableFromInline var description: String { String(describing: fields) }
    }

    @usableFromInline var storage: Storage

    // Inlinable, so that a caller's key path is a field access rather than a key path walked at
    // run time, as for ``StateRecord``.
    @inlinable
    public subscript<Value>(dynamicMember key: WritableKeyPath<Fields, Value>) -> Value {
        get { storage.fields[keyPath: key] }
        _modify {
            if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
            yield &storage.fields[keyPath: key]
        }
    }

    /// Set instead of ``csrSummary`` when a state record vouched for the CSR (see ``CSRDigest``):
    /// the spec digest recorded with it, which is this spec's digest.
    public var vouchedSpecDigest: String? {
        get { storage.fields.vouched?.text }
        set { self.vouched = newValue.map(RecordDigest.init) }
    }
    /// ``vouchedSpecDigest`` as held, to compare with a record's without making its text.
    public var vouchedRecordDigest: RecordDigest? { storage.fields.vouched }
    /// ``Fields/csrFileParts``, read without a key path (it cannot be written).
    var csrFileParts: (directory: String, name: String)? { storage.fields.csrFileParts }
    /// Filled in when CSR checks ran.
    public var csrSummary: CSRSummary? {
        get { storage.fields.summary?.value }
        set { self.summary = newValue.map(CSRSummaryBox.init) }
    }

    public init(
        name: String, file: String = "<memory>", location: SourceLocation = SourceLocation(line: 1, column: 1),
        product: Product, commonName: String, dnsNames: [String]? = nil, csr: String,
        dcvMethod: DCVMethod, validityYears: Int? = 1, renewBeforeDays: Int = 30
    ) {
        storage = Storage(Fields(
            name: name, file: file, location: location, product: product,
            packedNames: CertificateNames(commonName: commonName, dnsNames: dnsNames ?? []), listsDNSNames: dnsNames != nil,
            csr: csr, sharedSettings: .whole(OrderSettings(dcvMethod: dcvMethod, validityYears: validityYears)),
            renewBeforeDays: renewBeforeDays))
    }

    /// The order settings; setting them gives this spec a copy of its own.
    public var settings: OrderSettings {
        get { storage.fields.sharedSettings.value }
        set { self.sharedSettings = .whole(newValue) }
    }

    /// The same for every spec that holds the same copy of its settings (specs the loader read
    /// with equal settings, and copies of them): what depends on the settings alone can be
    /// worked out once per identity.
    public var settingsIdentity: ObjectIdentifier { ObjectIdentifier(storage.fields.sharedSettings) }

    /// When the spec's settings are its own `comments` and `custom_fields` over a copy of the
    /// rest that other specs share (the loader holds a certificate with a comment of its own so):
    /// that copy's identity, and the spec's `comments` and `custom_fields`. What depends on the
    /// rest of the settings can be worked out once per identity. Nil when the settings are held
    /// whole (``settingsIdentity`` then tells copies apart).
    public var ownNotes: (sharedIdentity: ObjectIdentifier, comments: String?, customFields: [CustomField]?)? {
        storage.fields.sharedSettings.ownNotes.map { (ObjectIdentifier($0.shared), $0.comments, $0.customFields) }
    }

    /// The DCV method, read where it is held: a certificate's settings are asked for it in every
    /// plan, and through ``subscript(dynamicMember:)`` a spec with its own notes put its whole
    /// settings together for it.
    public var dcvMethod: DCVMethod {
        get { storage.fields.sharedSettings.dcvMethod }
        set { settings.dcvMethod = newValue }
    }

    /// Whether the CSR must be read again (``ManifestSet/resolveCSR(_:)``) before a request can
    /// carry it: its text was not held, or it was vouched for rather than verified.
    public var needsCSRResolution: Bool {
        (storage.fields.hasCSRFile && storage.fields.csr.isEmpty) || (storage.fields.vouched != nil && storage.fields.summary == nil)
    }

    /// The common name and the DNS names, in manifest order; made anew on each read.
    public var allNames: [String] {
        var all: [String] = []
        storage.fields.packedNames.forEachName { bytes in
            all.append(String(decoding: bytes, as: UTF8.self))
            return true
        }
        return all
    }

    /// The common name and the DNS names (an empty list when the manifest leaves `dns_names` out),
    /// as held: compared as bytes with a state record's (`StateRecord.names`).
    public var names: CertificateNames { storage.fields.packedNames }

    /// Holds `names` (a state record's, see ``StateNames``) in place of its own when they are the
    /// same bytes. A spec whose fields are shared keeps its own: a copy of the fields would cost
    /// more than the names.
    mutating func shareNames(_ names: CertificateNames) {
        guard isKnownUniquelyReferenced(&storage) else { return }
        storage.fields.packedNames.share(names)
    }

    /// What the spec read before holds that the next may share.
    struct Previous {
        var rare: Rare?
        var origin: Origin?
    }

    /// ``Fields/setCSRFile(_:sharing:)`` with the origin of the spec read before.
    mutating func setCSRFile(_ path: String, sharing previous: Previous) {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
        storage.fields.setCSRFile(path, sharing: previous.origin)
    }

    /// Holds the rare fields and the origin of the spec read before when they are the same (see
    /// ``Fields/shareRare(with:)``, ``Fields/shareOrigin(with:)``).
    mutating func shareWithPrevious(_ previous: inout Previous) {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
        storage.fields.shareRare(with: &previous.rare)
        storage.fields.shareOrigin(with: &previous.origin)
    }

    /// The default `renew_before_days`.
    public static let defaultRenewBeforeDays = 30
}

/// The order settings one by one, as if they were the spec's own (`spec.comments`): read from
/// the shared copy, and written to a copy of this spec's own.
extension CertificateSpec {
    public subscript<Value>(dynamicMember key: WritableKeyPath<OrderSettings, Value>) -> Value {
        get { storage.fields.sharedSettings.value[keyPath: key] }
        set { settings[keyPath: key] = newValue }
    }
}

/// Whether two strings are the same bytes. Swift's `==` holds canonically equivalent strings
/// equal (`é` composed and decomposed), but a path names a file by its bytes and a value is sent
/// as written: what one certificate shares with another must be its own bytes.
func sameBytes(_ one: String?, _ other: String?) -> Bool {
    guard let one, let other else { return one == nil && other == nil }
    return PathBytes.same(one, other)
}
