import Crypto
import Dates
import Files
import Foundation
import Parallel
import YAML

/// Why a `csr_file` could not be read.
public struct CSRFileError: Error, Sendable {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
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

    /// The repository the CSR files were read from, to read them again (``resolveCSR(_:)``).
    var root: RepositoryRoot?

    /// How the CSRs were checked: how many CSR files were read, how many were known from git's
    /// index without reading, and how many signatures were verified (the rest a record vouched for).
    public var csrCounts = CSRCounts()

    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    public var hasErrors: Bool { errorCount > 0 }
}

/// What checking the CSRs took (``ManifestSet/csrCounts``), for `CERTFORM_TIMINGS=1`.
public struct CSRCounts: Sendable, Equatable {
    /// CSR files opened and read.
    public var read = 0
    /// CSR files whose blob id came from git's index, unread (``GitIndex``).
    public var knownFromIndex = 0
    /// CSRs whose signature and names were verified.
    public var verified = 0
    /// CSRs a state record vouched for (``CSRDigest``), read or not.
    public var vouched = 0

    public init() {}

    /// "CSRs: 100000 vouched for by the state (99000 unread, known from git's index), 1000 read, 1000 verified"
    public var summary: String {
        "CSRs: \(vouched) vouched for by the state (\(knownFromIndex) unread, known from git's index), \(read) read, \(verified) verified"
    }
}

/// The manifest files read and decoded, before any CSR is (``ManifestLoader/read()``); the
/// checks that need every file come in ``ManifestLoader/check(_:recorded:)``.
public struct ReadManifests {
    var root: RepositoryRoot?
    /// The certificates of each file, in order (not joined: that would copy every spec).
    var certificates: [[CertificateSpec]]
    /// What the checks after the read need of each file's certificates (``CheckKeys``).
    var keys: [CheckKeys] = []
    var diagnostics: [Diagnostic]
    /// The manifest files read, as for ``ManifestSet/files``.
    public var files: [String]
    /// The manifests' bytes so far; the CSR files are added when they are read.
    var hasher: SHA256
    /// Git's index of the repository, when the loader ``ManifestLoader/usesGitIndex``.
    var gitIndex: GitIndex? = nil
    /// The first file whose certificates may not yet hold their records' names (see
    /// ``ManifestLoader/stateNames``); those from here on are given them in ``ManifestLoader/check(_:recorded:)``.
    var namesDueFrom = 0
}

/// Loads every `*.yaml` / `*.yml` file under a directory (recursively, sorted by path), applies
/// `defaults`, validates every rule of SPEC §2.2 and reports every problem.
///
/// Manifest files and `csr_file`s are read only when they resolve inside the repository (see
/// ``RepositoryRoot``) to regular files of bounded size; anything else is reported by the path
/// as written and never opened.
public struct ManifestLoader: Sendable {
    public var directory: String
    /// The day that `custom_expiration_date` is checked against.
    public var asOf: CalendarDate
    /// CSR checks (parse, signature, key, names); off when only the digest is wanted, and for
    /// benchmarks of the loader itself.
    public var checksCSRs: Bool
    /// Whether `csr_file`s are read at all (the digest covers them); off only for the loading
    /// benchmark, which measures YAML into the model and nothing else.
    public var readsCSRFiles: Bool
    /// Whether each spec keeps the text of its `csr_file` (``CertificateSpec/csr``). Off for
    /// `plan` and `validate`, which need it for a few certificates or none: a plan reads it again
    /// for the requests it makes (``ManifestSet/resolveCSR(_:)``).
    public var keepsCSRText: Bool
    /// Whether a CSR file that git's index knows unchanged goes unread when a state record vouches
    /// for its blob id (``GitIndex``, ``CSRDigest``); `plan` sets it, with ``keepsCSRText`` off.
    /// The index is read before the manifests, so that its bytes are freed before the manifests and
    /// the state fill memory (at 100,000 CSR files it is 9 MB, read beside a plan's largest).
    public var usesGitIndex = false
    /// A state's names, for certificates to share their records' (``StateNames``); `plan` hands
    /// them over when it has read the state.
    public var stateNames: StateNames?
    /// How many certificates' CSRs are checked at a time (``csrBatchSize``; tests make it smaller).
    var csrBatch = ManifestLoader.csrBatchSize

    public init(directory: String, asOf: CalendarDate, checksCSRs: Bool = true, readsCSRFiles: Bool = true, keepsCSRText: Bool = true) {
        self.directory = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        self.asOf = asOf
        self.checksCSRs = checksCSRs
        self.readsCSRFiles = readsCSRFiles
        self.keepsCSRText = keepsCSRText
    }

    /// The largest manifest file read (benchmarks load manifests of about 100 MB).
    public static let manifestSizeLimit = 256 << 20
    /// The largest `csr_file` read (SPEC §2.1); a CSR is a few KiB.
    static let csrFileSizeLimit = 64 << 10

    /// Reads every manifest file of `directory`, then runs the checks that need them all.
    public func load() -> ManifestSet {
        check(read())
    }

    /// Reads and decodes every manifest file of `directory`; no CSR is read yet.
    public func read() -> ReadManifests {
        read(sideBySide: nil)
    }

    /// `sideBySide` forces how files are shared out (tests hold both ways to the same answer).
    func read(sideBySide forced: Bool?) -> ReadManifests {
        let listing = listManifestFiles()
        guard let root = listing.root, !listing.files.isEmpty else {
            return ReadManifests(root: nil, certificates: [], diagnostics: listing.diagnostics, files: [], hasher: SHA256())
        }
        let gitIndex = usesGitIndex && readsCSRFiles && !keepsCSRText ? GitIndex.load(worktree: root.path) : nil
        var hasher = SHA256()
        var files: [String] = []
        var certificates: [[CertificateSpec]] = [], keys: [CheckKeys] = []
        var diagnostics = listing.diagnostics
        // Many files of a like size are read side by side, each on one core (parse and decode in
        // turn). A file that holds most of the bytes is read alone, parsed on one core while its
        // entries are decoded on another.
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let total = listing.files.reduce(0) { $0 + $1.size }
        let sideBySide = forced ?? (cores > 1 && listing.files.count > 1 && 2 * (listing.files.map(\.size).max() ?? 0) <= total)
        var namesDueFrom = 0
        func collect(_ file: FileRead) {
            files.append(file.path)
            if case .failure(let error) = file.bytes {
                diagnostics.append(.error(ManifestWalk.message(.file(error)), file: file.path, at: nil))
            }
            keys.append(file.keys)
            certificates.append(file.certificates)
            diagnostics += file.diagnostics
        }
        if sideBySide {
            let read = Self.readSideBySide(listing.files, directory: directory, asOf: asOf, names: stateNames, hasher: &hasher)
            read.files.forEach(collect)
            namesDueFrom = read.namesDueFrom
        } else {
            // One at a time, each file read a piece at a time and hashed as it is read. The files
            // read before the state's names came are given them between files: those begun after
            // they came were given them by their readers.
            var names = NameSharing(stateNames)
            for found in listing.files {
                let namesCame = names.isAvailable
                if namesCame { names.share(&certificates, from: namesDueFrom) }
                collect(Self.streamFile(found, directory: directory, asOf: asOf, hasher: &hasher, names: stateNames))
                if namesCame { namesDueFrom = certificates.count }
            }
        }
        return ReadManifests(root: root, certificates: certificates, keys: keys, diagnostics: diagnostics, files: files, hasher: hasher,
                             gitIndex: gitIndex, namesDueFrom: namesDueFrom)
    }

    /// One manifest file read and decoded: its path as diagnostics name it, its bytes (for the
    /// digest; nil when it was hashed as it was read) or why it could not be read, and what it holds.
    struct FileRead: Sendable {
        var path: String
        var bytes: Result<[UInt8]?, FileReadError>
        var certificates: [CertificateSpec] = []
        var diagnostics: [Diagnostic] = []
        /// What the checks after the read need of `certificates`: the decoder's, worked out as it
        /// made each spec, or else worked out by the file's reader once it is read, on the core
        /// that read it, while its specs are in that core's cache.
        var keys = CheckKeys()
    }

    static func readFile(_ found: ManifestWalk.Found, directory: String, asOf: CalendarDate, decodesOnThread: Bool,
                         names: StateNames? = nil) -> FileRead {
        let path = shownPath(found.relative, directory: directory)
        var file = FileRead(path: path, bytes: FileBytes.read(found.realPath, limit: manifestSizeLimit, followsSymlinks: false).map { $0 })
        if case .success(let bytes?) = file.bytes {
            let read = readWithKeys(bytes: bytes, file: path, asOf: asOf, decodesOnThread: decodesOnThread, names: names)
            (file.certificates, file.diagnostics) = (read.certificates, read.diagnostics)
            file.keys = read.keys ?? CheckKeys(of: read.certificates)
        }
        return file
    }

    /// The checks that need every manifest: names unique, CSRs read and checked — except those a
    /// state record vouches for (`recorded`, see ``CSRDigest``) — and duplicate purchases.
    /// `read` is consumed: its specs move into the set, each file's freed as soon as they are
    /// checked, rather than held beside the set.
    public func check(_ read: consuming ReadManifests, recorded: RecordedCSRs? = nil) -> ManifestSet {
        guard let root = read.root else {
            return ManifestSet(certificates: [], diagnostics: read.diagnostics.sorted(), files: [], digest: "")
        }
        let readsCSRFiles = self.readsCSRFiles, directories = RealDirectories(), paths = ResolvedPaths()
        // Only a plan that may skip reading CSR files needs to know what git knows of them.
        let index = recorded != nil ? read.gitIndex : nil
        let files = CSRFiles(
            read: { spec, written in
                readsCSRFiles ? Self.readCSRFile(written, of: spec, in: root, directories: directories, paths: paths) : .success(nil)
            },
            identify: index.map { index in
                { @Sendable (spec: CertificateSpec, parts: (directory: String, name: String), directory: inout CSRDirectory?) -> CSRBytesDigest? in
                    func canonical() -> String? {
                        RepositoryRoot.inResolvedDirectory(paths.resolve(parts.directory + parts.name, relativeTo: spec.file), directories: directories)
                    }
                    // `directory/name`, as ResolvedPaths takes it; anything else the long way.
                    guard let (writtenDirectory, name) = ResolvedPaths.directoryAndName(parts) else { return canonical().flatMap(index.blobID) }
                    if directory?.holds(spec.file, writtenDirectory) != true {
                        // The long way's answer ends with "/" and the name: what is before is the directory's.
                        directory = CSRDirectory(manifest: spec.file, written: writtenDirectory,
                                                 opened: canonical().map { index.directory(canonical: Array($0.utf8.dropLast(name.utf8.count))) })
                    }
                    return directory?.opened.flatMap { index.blobID(in: $0, name: name) }
                }
            })
        var names = NameSharing(stateNames)
        names.share(&read.certificates, from: read.namesDueFrom)
        // Moved, not copied: `finish` frees each file's specs once it has checked them, and the
        // names' hashes once it has looked for names defined twice.
        let certificates = read.certificates, keys = read.keys
        read.certificates = []
        read.keys = []
        var set = finish(certificates: consume certificates, keys: consume keys, diagnostics: read.diagnostics, files: read.files, hasher: read.hasher,
                         recorded: recorded, csrFiles: files)
        set.root = root
        return set
    }

    /// The repository, the manifest files of `directory` in path order (see ``ManifestWalk``) and
    /// the problems found on the way; no root when there is no directory to read.
    func listManifestFiles() -> (root: RepositoryRoot?, files: [ManifestWalk.Found], diagnostics: [Diagnostic]) {
        func problem(_ message: String) -> [Diagnostic] { [.error(message, file: directory, at: nil)] }
        guard let status = FileStatus(path: directory) else {
            return (nil, [], problem("the manifests directory does not exist (set --manifests or CERTFORM_MANIFESTS)"))
        }
        guard status.kind == .directory else {
            return (nil, [], problem("not a directory; --manifests names the directory that holds the *.yaml files"))
        }
        let root: RepositoryRoot, realPath: String
        switch (RepositoryRoot.enclosing(directory), RealPath.resolve(directory)) {
        case (.success(let found), .success(let resolved)): (root, realPath) = (found, resolved)
        case (.failure(let error), _), (_, .failure(let error)):
            return (nil, [], problem("cannot resolve the manifests directory or its repository: it \(error)"))
        }
        guard root.contains(realPath) else {
            return (nil, [], problem("the manifests directory \(FileRefusal.outside(root: root.path)); it was not read"))
        }
        var walk = ManifestWalk(root: root, directory: directory)
        walk.walk("", realPath: realPath)
        // By bytes: two names that spell the same text differently are two files, in one order
        // on every checkout (the manifests' digest follows it).
        let files = walk.files.sorted { $0.relative.utf8.lexicographicallyPrecedes($1.relative.utf8) }
        if files.isEmpty, walk.diagnostics.isEmpty {
            return (root, [], problem("no manifest files (*.yaml, *.yml) in this directory"))
        }
        return (root, files, walk.diagnostics)
    }

    /// The text of `spec`'s csr_file, `written` relative to the directory of its manifest, when it
    /// resolves inside `root` to a regular file of at most 64 KiB; anything else is not opened.
    static func readCSRFile(_ written: String, of spec: CertificateSpec, in root: RepositoryRoot,
                            directories: RealDirectories? = nil, paths: ResolvedPaths? = nil) -> Result<String?, CSRFileError> {
        let resolved = paths?.resolve(written, relativeTo: spec.file) ?? resolve(written, relativeTo: spec.file)
        switch root.read(resolved, limit: csrFileSizeLimit, directories: directories) {
        case .success(let bytes):
            guard let text = String(validating: bytes, as: UTF8.self) else {
                return .failure(CSRFileError(reason: "it is not UTF-8 text"))
            }
            return .success(text)
        case .failure(.file(.missing)):
            return .failure(CSRFileError(reason: "'\(resolved)' does not exist"))
        case .failure(let refusal):
            return .failure(CSRFileError(reason: "it \(refusal)"))
        }
    }

    /// Reads manifest text that is not on disk (tests, stdin); `csr_file` is not available.
    public func load(text: String, file: String) -> ManifestSet {
        let result = Self.read(bytes: Array(text.utf8), file: file, asOf: asOf)
        var hasher = SHA256()
        hasher.update(data: Array(text.utf8))
        return finish(certificates: [result.certificates], diagnostics: result.diagnostics, files: [file], hasher: hasher,
                      csrFiles: CSRFiles(read: { _, _ in .failure(CSRFileError(reason: "csr_file is not available for in-memory manifests")) }))
    }

    /// Warns about each certificate that has the common name of an earlier one. `checked` are
    /// valid certificates (``finish(certificates:diagnostics:files:hasher:recorded:csrFiles:)``
    /// removes the others first): their common names are lowercase ASCII, whose bytes compare as
    /// their text does.
    /// `hashes` are their common names' (``CheckKeys/commonNames``), worked out here when not given.
    static func warnAboutSharedCommonNames(in checked: [CertificateSpec], hashes: [UInt32]? = nil, diagnostics: inout [Diagnostic]) {
        // By position: a spec is large, and copying each one costs more than the look-up. By the
        // names' bytes: a string made of each common name was about a third of this check.
        let hashes = hashes ?? CheckKeys(of: checked).commonNames
        RepeatedKeys.forEach(hashes: hashes, equal: { checked[$0].names.commonNameHasSameBytes(as: checked[$1].names) }) { repeated, first in
            let spec = checked[repeated]
            diagnostics.append(.warning("certificates '\(checked[first].name)' and '\(spec.name)' both have common_name '\(spec.commonName)' (a likely duplicate purchase)", file: spec.file, at: spec.location))
        }
    }

    static func read(bytes: [UInt8], file: String, asOf: CalendarDate, decodesOnThread: Bool = true,
                     names: StateNames? = nil) -> (certificates: [CertificateSpec], diagnostics: [Diagnostic]) {
        let read = readWithKeys(bytes: bytes, file: file, asOf: asOf, decodesOnThread: decodesOnThread, names: names)
        return (read.certificates, read.diagnostics)
    }

    /// ``read(bytes:file:asOf:decodesOnThread:names:)``, with the certificates' ``CheckKeys``
    /// when the decoder worked them out.
    static func readWithKeys(bytes: [UInt8], file: String, asOf: CalendarDate, decodesOnThread: Bool,
                             names: StateNames?) -> (certificates: [CertificateSpec], diagnostics: [Diagnostic], keys: CheckKeys?) {
        switch read(file: file, asOf: asOf, decodesOnThread: decodesOnThread, names: names, parse: { (streaming) throws(YAMLError) in
            try YAMLParser.parse(bytes, streaming: streaming)
        }) {
        case .read(let certificates, let diagnostics, let keys): return (certificates, diagnostics, keys)
        case .failed(let error): return ([], [.error(error.message, file: file, at: error.location)], nil)
        case .readWholeAgain:
            let whole = readWhole(bytes: bytes, file: file, asOf: asOf, names: names)
            return (whole.certificates, whole.diagnostics, nil)
        }
    }

    /// What a streamed read of one file came to.
    enum StreamedRead {
        /// The certificates, the diagnostics, and the certificates' ``CheckKeys`` when the
        /// decoder worked them out (the certificates are one document's, all streamed).
        case read([CertificateSpec], [Diagnostic], CheckKeys?)
        /// libyaml stopped at an error.
        case failed(YAMLError)
        /// The file must be read again as one tree (rare, and only for such a file): `defaults`
        /// written after `certificates` (its entries were read without it), or an anchor used in
        /// a way that recorded entries cannot follow (``YAMLError/needsWholeRead``).
        case readWholeAgain
    }

    /// Decodes a file that `parse` reads with the streaming it is given.
    static func read(file: String, asOf: CalendarDate, decodesOnThread: Bool, names: StateNames? = nil,
                     parse: (YAMLStreaming) throws(YAMLError) -> YAMLFile) -> StreamedRead {
        // The entries of `certificates` are decoded as the parser reaches them, on a second
        // thread unless other files keep the cores busy. The parser only records each entry's
        // events; the decoder makes them into a tree (a plain entry straight from its records,
        // see PlainAssembly), decodes it and frees it. With a second thread, that keeps the
        // parsing thread (the longer of the two) to libyaml and recording, and nothing an entry
        // needs is made on one thread and freed on the other: its tree is made and freed by the
        // decoder, and its events' buffers go back to the parser to record later entries in
        // (RecordingPool; in glibc a free on another thread can take the maker's arena lock, see
        // BENCHMARKS.md). A large manifest is never held whole.
        let decoder = EntryDecoder(file: file, asOf: asOf, onThread: decodesOnThread, names: names)
        var parsed: YAMLFile
        let (streaming, flush) = streaming(to: decoder)
        do {
            // The last batch goes to the decoder even after an error: a recorded entry in it may
            // hold an earlier one.
            defer {
                flush()
                decoder.finish()
            }
            parsed = try parse(streaming)
        } catch {
            if error.needsWholeRead { return .readWholeAgain }
            // The decoding thread's error, if any, comes first in reading order: it is in a value
            // recorded before the parser stopped (or is the parser's own, handed over with the
            // value it stopped in).
            return .failed(decoder.failure ?? error)
        }
        if let failure = decoder.failure { return .failed(failure) }
        parsed.problems += decoder.problems
        let streamed = decoder.takeStreamed()
        for (index, entry) in streamed where !entry.sawDefaults && DocumentReader.hasDefaults(parsed.documents[index]) {
            return .readWholeAgain
        }
        let (certificates, diagnostics) = decode(parsed, file: file, asOf: asOf, streamed: streamed)
        return .read(certificates, diagnostics, streamedKeys(of: certificates, streamed))
    }

    /// The keys the decoder worked out, when `certificates` are exactly the specs it made: the
    /// only document's, with no entry made otherwise — the same array, not a copy that another
    /// entry or document was added to (nil otherwise: worked out again from the certificates).
    static func streamedKeys(of certificates: [CertificateSpec], _ streamed: [Int: DocumentReader.Streamed]) -> CheckKeys? {
        guard streamed.count == 1, let only = streamed.first?.value, only.keys.names.count == certificates.count else { return nil }
        func storage(_ specs: [CertificateSpec]) -> UnsafePointer<CertificateSpec>? { specs.withUnsafeBufferPointer { $0.baseAddress } }
        return storage(only.specs) == storage(certificates) ? only.keys : nil
    }

    /// Where the parser sends the entries of `certificates`: to `decoder`, 256 at a time, their
    /// values recorded rather than made (made by the parser only when they come from a merge
    /// key). Recorded and then made straight from their records, the entries of a file read
    /// alongside others cost a little less than made by the parser as it reads them (0.594
    /// against 0.605 s for the lean bench's load). `flush` sends the last batch.
    static func streaming(to decoder: EntryDecoder) -> (YAMLStreaming, flush: () -> Void) {
        // Used by the parsing thread only, through the closures below.
        final class Batch {
            var entries: [EntryDecoder.Entry] = []
            var document = 0
        }
        let batch = Batch()
        func flush() {
            if !batch.entries.isEmpty { decoder.send(.entries(batch.document, batch.entries)) }
            batch.entries = []
            decoder.recycle()
        }
        func add(_ document: Int, _ entry: EntryDecoder.Entry) {
            if document != batch.document { flush() }
            batch.document = document
            batch.entries.append(entry)
            if batch.entries.count == 256 { flush() }
        }
        let begin = { (document: Int, pairsBefore: [YAMLPair]) in
            flush()
            let found = DocumentReader.defaults(in: pairsBefore)
            decoder.send(.begin(document, defaults: found ?? [], sawDefaults: found != nil))
        }
        return (.recording(key: "certificates", begin: begin, assembly: { _, assembler in decoder.send(.assembly(assembler)) },
                           entry: { add($0, .made($1)) }, recorded: { add($0, .recorded($1)) }), flush)
    }

    /// Reads a file as whole trees, without streaming; its certificates are then given the state's
    /// names, if they have come.
    static func readWhole(bytes: [UInt8], file: String, asOf: CalendarDate,
                          names: StateNames? = nil) -> (certificates: [CertificateSpec], diagnostics: [Diagnostic]) {
        do {
            var read = decode(try YAMLParser.parse(bytes), file: file, asOf: asOf, streamed: [:])
            var sharing = NameSharing(names)
            sharing.share(&read.certificates)
            return read
        } catch {
            return ([], [.error(error.message, file: file, at: error.location)])
        }
    }

    static func decode(_ parsed: YAMLFile, file: String, asOf: CalendarDate, streamed: [Int: DocumentReader.Streamed]) -> (certificates: [CertificateSpec], diagnostics: [Diagnostic]) {
        var reader = DocumentReader(file: file, asOf: asOf)
        for problem in parsed.problems {
            reader.error(problem.message, at: problem.location)
        }
        if parsed.documents.isEmpty || parsed.documents.allSatisfy(\.isNull) {
            reader.warning("this file holds no YAML documents", at: nil)
        }
        var certificates: [CertificateSpec] = []
        for (index, document) in parsed.documents.enumerated() {
            let read = reader.read(document: document, streamed: streamed[index])
            if certificates.isEmpty { certificates = read } else { certificates += read }
        }
        return (certificates, reader.diagnostics)
    }

    /// `written` relative to the directory of `manifest`, unless it is absolute.
    static func resolve(_ written: String, relativeTo manifest: String) -> String {
        if PathBytes.isAbsolute(written) { return written }
        // Lexical only (no symlinks resolved): the same answer as the shell's ../ for these paths.
        let joined = resolvedParts(written, relativeTo: manifest).joined(separator: "/")
        return joined.isEmpty ? "." : joined
    }

    /// The components of `written` (not absolute) resolved against the directory of `manifest`.
    static func resolvedParts(_ written: String, relativeTo manifest: String) -> [Substring] {
        let base = PathBytes.components(manifest).dropLast()
        var parts: [Substring] = []
        for part in Array(base) + PathBytes.components(written) {
            switch part {
            case "", ".": if parts.isEmpty && PathBytes.isAbsolute(manifest) { parts.append("") }
            case "..":
                if let last = parts.last, last != "..", last != "" { parts.removeLast() } else { parts.append(part) }
            default: parts.append(part)
            }
        }
        return parts
    }

    static func update(_ hasher: inout SHA256, with bytes: [UInt8]) {
        update(&hasher, length: bytes.count)
        hasher.update(data: bytes)
    }

    /// Each part of the digest goes in after its length, so that no two lists of parts hash alike.
    static func update(_ hasher: inout SHA256, length: Int) {
        var length = UInt64(length).bigEndian
        withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
    }

    /// A manifest's path as diagnostics name it: the directory given, then the path under it.
    static func shownPath(_ relative: String, directory: String) -> String {
        directory == "." ? relative : "\(directory)/\(relative)"
    }

    /// The path in the manifests directory of the manifest that diagnostics name `shown`
    /// (``shownPath(_:directory:)`` undone, by bytes); `shown` itself when it is not in the
    /// directory (a manifest loaded from memory).
    static func pathInDirectory(_ shown: String, directory: String) -> String {
        guard directory != "." else { return shown }
        let prefix = directory.utf8.count + 1
        guard shown.utf8.count > prefix, shown.utf8.starts(with: directory.utf8),
              shown.utf8.dropFirst(prefix - 1).first == UInt8(ascii: "/") else { return shown }
        return String(decoding: shown.utf8.dropFirst(prefix), as: UTF8.self)
    }
}
