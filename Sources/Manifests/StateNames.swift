import CertCentralAPI
import Synchronization

/// The names of a state's records, handed to the loader once the state is read: `plan` reads the
/// state beside the manifests, and the state is usually read first. A certificate whose names
/// are the same bytes as its record's then holds the record's block (``CertificateNames``)
/// rather than one of its own: at 100,000 certificates the manifests' copies were 19 MB at the
/// height of a plan. Nothing is compared differently: the two held the same bytes.
///
/// The readers look for the names as they make each certificate, and the certificates made
/// before the names came are given them then (by the file's reader, or by the loader between
/// files, or at the latest by ``ManifestLoader/check(_:recorded:)``). A file read again as one
/// tree (``ManifestLoader/readWhole(bytes:file:asOf:names:)``) is given them once it is read.
public final class StateNames: Sendable {
    /// The names of the record of a certificate's name, if there is one.
    public typealias Lookup = @Sendable (_ name: String) -> CertificateNames?

    /// Set once. An atomic load rather than a lock: every reader looks once per certificate until
    /// the names come (most of a large read, when the state is read last), and readers taking a
    /// lock shared by every core were about half of what sharing the names cost loading
    /// (BENCHMARKS.md).
    private let lookup = AtomicLazyReference<Provided>()

    private final class Provided: Sendable {
        let lookup: Lookup
        init(_ lookup: @escaping Lookup) { self.lookup = lookup }
    }

    public init() {}

    /// Hands over the state's names; the loader's readers use them from then on. The first names
    /// provided are the ones used.
    public func provide(_ lookup: @escaping Lookup) {
        _ = self.lookup.storeIfNil(Provided(lookup))
    }

    /// The names, once provided.
    var current: Lookup? {
        lookup.load()?.lookup
    }
}

/// One reader's use of ``StateNames``: waits for them (a look per certificate until they come),
/// then gives each certificate its record's block where the bytes are the same.
struct NameSharing {
    private let source: StateNames?
    private var lookup: StateNames.Lookup?

    init(_ source: StateNames?) {
        self.source = source
    }

    /// Whether the names have come; true from the first time it is, never false after.
    var isAvailable: Bool {
        mutating get {
            if lookup == nil, let source { lookup = source.current }
            return lookup != nil
        }
    }

    /// Whether the names came since the last look: the certificates made before are then due
    /// theirs (``share(_:)`` each).
    mutating func cameNow() -> Bool {
        lookup == nil && isAvailable
    }

    /// Gives `spec` its record's block when its names are the same bytes, once this reader has
    /// seen the names come (``isAvailable``, ``cameNow()``). It does not look for them itself:
    /// names found here, after a reader's `cameNow()` said no, would never be new to the next
    /// `cameNow()`, and the certificates made before would keep their own blocks.
    func share(_ spec: inout CertificateSpec) {
        guard let names = lookup?(spec.name) else { return }
        spec.shareNames(names)
    }

    /// ``share(_:)`` for every certificate of `specs`.
    mutating func share(_ specs: inout [CertificateSpec]) {
        guard isAvailable else { return }
        for index in specs.indices { share(&specs[index]) }
    }

    /// ``share(_:)`` for every certificate of the files `files[from...]` (each file's certificates).
    mutating func share(_ files: inout [[CertificateSpec]], from first: Int) {
        guard isAvailable, first < files.count else { return }
        for file in first..<files.count { share(&files[file]) }
    }
}
