import Crypto
import Dates
import Foundation
import YAML

/// Why a `csr_file` could not be read.
public struct CSRFileError: Error, Sendable {
    public var reason: String
}

/// Everything read from a manifests directory.
public struct ManifestSet: Sendable {
    /// Valid certificates, sorted by name. A certificate with an error is left out.
    public var certificates: [CertificateSpec]
    /// Every problem, sorted by file and position.
    public var diagnostics: [Diagnostic]
    /// The manifest files read, in order, as paths joined to the directory given.
    public var files: [String]
    /// SHA-256 over every manifest file and every CSR file it references, so that a saved plan can
    /// tell whether its inputs changed (`sha256:` + hex).
    public var digest: String

    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    public var hasErrors: Bool { errorCount > 0 }
}

/// Loads every `*.yaml` / `*.yml` file under a directory (recursively, sorted by path), applies
/// `defaults`, validates every rule of SPEC §2.2 and reports every problem.
public struct ManifestLoader: Sendable {
    public var directory: String
    /// The day that `custom_expiration_date` is checked against.
    public var asOf: CalendarDate
    /// CSR checks (parse, signature, key, names); off only for benchmarks of the loader itself.
    public var checksCSRs: Bool

    public init(directory: String, asOf: CalendarDate, checksCSRs: Bool = true) {
        self.directory = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        self.asOf = asOf
        self.checksCSRs = checksCSRs
    }

    public func load() -> ManifestSet {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            return ManifestSet(certificates: [], diagnostics: [.error("the manifests directory does not exist (set --manifests or CERTFORM_MANIFESTS)", file: directory, at: nil)], files: [], digest: "")
        }
        guard isDirectory.boolValue else {
            return ManifestSet(certificates: [], diagnostics: [.error("not a directory; --manifests names the directory that holds the *.yaml files", file: directory, at: nil)], files: [], digest: "")
        }
        let relativePaths = Self.manifestFiles(in: directory)
        if relativePaths.isEmpty {
            return ManifestSet(certificates: [], diagnostics: [.error("no manifest files (*.yaml, *.yml) in this directory", file: directory, at: nil)], files: [], digest: "")
        }
        var hasher = SHA256()
        var files: [String] = []
        var certificates: [(spec: CertificateSpec, isValid: Bool)] = []
        var diagnostics: [Diagnostic] = []
        for relative in relativePaths {
            let path = directory == "." ? relative : "\(directory)/\(relative)"
            files.append(path)
            guard let data = FileManager.default.contents(atPath: path) else {
                diagnostics.append(.error("cannot read this file", file: path, at: nil))
                continue
            }
            Self.update(&hasher, with: Array(relative.utf8))
            Self.update(&hasher, with: Array(data))
            var csrFiles: [String: String] = [:]
            let result = Self.read(bytes: Array(data), file: path, asOf: asOf) { written in
                let resolved = Self.resolve(written, relativeTo: path)
                guard let contents = FileManager.default.contents(atPath: resolved) else {
                    let exists = FileManager.default.fileExists(atPath: resolved)
                    return .failure(CSRFileError(reason: exists ? "'\(resolved)' is not readable" : "'\(resolved)' does not exist"))
                }
                guard let text = String(data: contents, encoding: .utf8) else {
                    return .failure(CSRFileError(reason: "'\(resolved)' is not UTF-8 text"))
                }
                csrFiles[written] = text
                return .success(text)
            }
            for (written, text) in csrFiles.sorted(by: { $0.key < $1.key }) {
                Self.update(&hasher, with: Array(written.utf8))
                Self.update(&hasher, with: Array(text.utf8))
            }
            certificates += result.certificates
            diagnostics += result.diagnostics
        }
        return finish(certificates: certificates, diagnostics: diagnostics, files: files,
                      digest: "sha256:" + CSRInspector.hex(hasher.finalize()))
    }

    /// Reads manifest text that is not on disk (tests, stdin); `csr_file` is not available.
    public func load(text: String, file: String) -> ManifestSet {
        let result = Self.read(bytes: Array(text.utf8), file: file, asOf: asOf) { _ in
            .failure(CSRFileError(reason: "csr_file is not available for in-memory manifests"))
        }
        return finish(certificates: result.certificates, diagnostics: result.diagnostics, files: [file],
                      digest: "sha256:" + CSRInspector.hex(SHA256.hash(data: Array(text.utf8))))
    }

    /// The checks that need every file: names unique across manifests, CSRs, duplicate purchases.
    func finish(certificates: [(spec: CertificateSpec, isValid: Bool)], diagnostics: [Diagnostic], files: [String], digest: String) -> ManifestSet {
        var diagnostics = diagnostics
        var byName: [String: CertificateSpec] = [:]
        var unique: [(spec: CertificateSpec, isValid: Bool)] = []
        for (spec, isValid) in certificates {
            if let first = byName[spec.name] {
                diagnostics.append(.error("certificate '\(spec.name)' is defined twice: also at \(first.file):\(first.location.line):\(first.location.column)", file: spec.file, at: spec.location))
                diagnostics.append(.error("certificate '\(spec.name)' is defined twice: also at \(spec.file):\(spec.location.line):\(spec.location.column)", file: first.file, at: first.location))
                unique.removeAll { $0.spec.name == spec.name }
                continue
            }
            byName[spec.name] = spec
            unique.append((spec, isValid))
        }
        var checked: [CertificateSpec] = []
        checked.reserveCapacity(unique.count)
        for (var spec, isValid) in unique {
            if checksCSRs, !spec.csr.isEmpty {
                switch CSRInspector.inspect(pem: spec.csr, declaredNames: spec.allNames) {
                case .success(let summary):
                    spec.csrSummary = summary
                case .failure(let failure):
                    let source = spec.csrFile.map { "csr_file '\($0)'" } ?? "csr"
                    diagnostics.append(.error("\(source) of certificate '\(spec.name)': \(failure)", file: spec.file, at: spec.csrLocation ?? spec.location))
                    continue
                }
            }
            if isValid { checked.append(spec) }
        }
        var byCommonName: [String: CertificateSpec] = [:]
        for spec in checked {
            if let other = byCommonName[spec.commonName] {
                diagnostics.append(.warning("certificates '\(other.name)' and '\(spec.name)' both have common_name '\(spec.commonName)' (a likely duplicate purchase)", file: spec.file, at: spec.location))
            } else {
                byCommonName[spec.commonName] = spec
            }
        }
        checked.sort { $0.name < $1.name }
        diagnostics.sort()
        return ManifestSet(certificates: checked, diagnostics: diagnostics, files: files, digest: digest)
    }

    static func read(bytes: [UInt8], file: String, asOf: CalendarDate,
                     readCSRFile: @escaping (String) -> Result<String, CSRFileError>) -> (certificates: [(spec: CertificateSpec, isValid: Bool)], diagnostics: [Diagnostic]) {
        let parsed: YAMLFile
        do {
            parsed = try YAMLParser.parse(bytes)
        } catch {
            return ([], [.error(error.message, file: file, at: error.location)])
        }
        var reader = DocumentReader(file: file, asOf: asOf, readCSRFile: readCSRFile)
        for problem in parsed.problems {
            reader.error(problem.message, at: problem.location)
        }
        if parsed.documents.isEmpty || parsed.documents.allSatisfy(\.isNull) {
            reader.warning("this file holds no YAML documents", at: nil)
        }
        var certificates: [(spec: CertificateSpec, isValid: Bool)] = []
        for document in parsed.documents {
            certificates += reader.read(document: document)
        }
        return (certificates, reader.diagnostics)
    }

    /// `*.yaml` and `*.yml` files below `directory`, relative to it, sorted by path.
    static func manifestFiles(in directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var paths: [String] = []
        while let next = enumerator.nextObject() as? String {
            if next.hasSuffix(".yaml") || next.hasSuffix(".yml") {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: "\(directory)/\(next)", isDirectory: &isDirectory), !isDirectory.boolValue {
                    paths.append(next)
                }
            }
        }
        return paths.sorted()
    }

    /// `written` relative to the directory of `manifest`, unless it is absolute.
    static func resolve(_ written: String, relativeTo manifest: String) -> String {
        if written.hasPrefix("/") { return written }
        let base = manifest.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        var parts: [Substring] = []
        for part in Array(base) + written.split(separator: "/", omittingEmptySubsequences: false) {
            switch part {
            case "", ".": if parts.isEmpty && manifest.hasPrefix("/") { parts.append("") }
            case "..":
                if let last = parts.last, last != "..", last != "" { parts.removeLast() } else { parts.append(part) }
            default: parts.append(part)
            }
        }
        // Lexical only (no symlinks resolved): the same answer as the shell's ../ for these paths.
        let joined = parts.joined(separator: "/")
        return joined.isEmpty ? "." : joined
    }

    static func update(_ hasher: inout SHA256, with bytes: [UInt8]) {
        var length = UInt64(bytes.count).bigEndian
        withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
        hasher.update(data: bytes)
    }
}
