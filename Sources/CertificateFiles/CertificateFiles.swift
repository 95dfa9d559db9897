import CertCentral
import Files
import Foundation
import States

/// Writes each issued certificate of state to `DIRECTORY/NAME.pem` — the leaf, then the
/// intermediates — when the file is missing or holds another certificate than the recorded one
/// (SPEC §6, `refresh --certs-dir`). A download is written only when its leaf's SHA-1 is the
/// recorded thumbprint, its public key is the CSR's and its names include the manifest's (a
/// state edited to point one name at another's certificate — two certificates may share a key —
/// would otherwise have it written under the wrong name); files are replaced atomically and are
/// public material (mode 0644). Private keys are never read or written.
public struct CertificateFiles: Sendable {
    /// What happened to one name's file.
    public enum Outcome: Sendable, Hashable {
        case written(path: String, replaced: Bool)
        case upToDate(path: String)
        case skipped(String)
        case failed(String)
    }

    public struct Report: Sendable, Hashable {
        public var name: String
        public var outcome: Outcome
    }

    public let directory: String
    let client: CertCentralClient

    public init(directory: String, client: CertCentralClient) {
        self.directory = directory
        self.client = client
    }

    /// The file of `name`.
    public func path(for name: String) -> String { "\(directory)/\(name).pem" }

    /// What a certificate's file must hold, from its manifest entry: the SHA-256 of its CSR's
    /// public key (``CertificateBundle/publicKeySHA256``) and its names (common name and DNS
    /// names, lowercased).
    public struct Expected: Sendable {
        public var publicKeySHA256: String
        public var names: Set<String>

        public init(publicKeySHA256: String, names: Set<String>) {
            self.publicKeySHA256 = publicKeySHA256
            self.names = names
        }
    }

    /// Brings the files of every issued record up to date; a name without an entry in
    /// `expected` is skipped, since its certificate could not be checked.
    public func sync(_ state: State, expected: [String: Expected]) async -> [Report] {
        var reports: [Report] = []
        for (name, record) in state.certificates.sorted(by: { $0.key < $1.key }) where record.status == .issued {
            reports.append(Report(name: name, outcome: await sync(name, record: record, expected: expected[name])))
        }
        return reports
    }

    func sync(_ name: String, record: StateRecord, expected: Expected?) async -> Outcome {
        guard let thumbprint = record.thumbprint?.uppercased(), let certificateID = record.certificateID else {
            return .skipped("state has no thumbprint or certificate id for it yet; run 'certform refresh'")
        }
        let path = path(for: name)
        let existing = currentBundle(at: path)
        if let existing, existing.thumbprint == thumbprint, expected.map({ $0.names.isSubset(of: existing.dnsNames) }) ?? true {
            return .upToDate(path: path)
        }
        guard let expected else { return .skipped("no CSR in the manifests to check its key against; nothing written") }
        // Names the manifest added since the order: its certificate cannot carry them until the
        // reissue apply places — nothing to write, and nothing wrong.
        let ordered = Set(([record.commonName] + record.dnsNames).map { $0.lowercased() })
        guard expected.names.isSubset(of: ordered) else {
            return .skipped("the manifest names \(expected.names.subtracting(ordered).sorted().joined(separator: ", ")), which the order does not yet (a reissue or renewal is to come); nothing written")
        }
        let bundle: CertificateBundle
        do {
            bundle = try CertificateBundle(pem: try await client.downloadCertificate(certificateID))
        } catch {
            return .failed("certificate \(certificateID) could not be downloaded: \(error)")
        }
        guard bundle.thumbprint == thumbprint else {
            return .failed("the downloaded certificate's SHA-1 \(bundle.thumbprint) is not the recorded thumbprint \(thumbprint); nothing written")
        }
        guard bundle.publicKeySHA256 == expected.publicKeySHA256 else {
            return .failed("the downloaded certificate's public key is not the CSR's; nothing written")
        }
        let missing = expected.names.subtracting(bundle.dnsNames).sorted()
        guard missing.isEmpty else {
            return .failed("the downloaded certificate does not name \(missing.joined(separator: ", ")), which the manifest gives this certificate; nothing written")
        }
        do {
            try AtomicFile.write(bundle.chainPEM, to: path, newFileMode: 0o644)
        } catch {
            return .failed(error.description)
        }
        return .written(path: path, replaced: existing != nil)
    }

    /// The certificates in the file at `path`, nil when there is no readable certificate there.
    func currentBundle(at path: String) -> CertificateBundle? {
        guard case .success(let bytes) = FileBytes.read(path, limit: 1 << 20, followsSymlinks: false) else { return nil }
        return try? CertificateBundle(pem: String(decoding: bytes, as: UTF8.self))
    }
}
