import Crypto
import Digests
import Dispatch
import Files
import Foundation
import Synchronization

/// The checks that need every manifest: unique names, and each certificate's CSR — read from its
/// file and checked on every core (a signature check per certificate was most of a large plan),
/// unless a state record vouches for the very same bytes (``CSRDigest``).
extension ManifestLoader {
    /// The outcome of reading and checking one certificate's CSR.
    struct CSROutcome: Sendable {
        /// The text read from `csr_file`, until its spec has it (``complete(_:with:keepsCSRText:)``).
        var text: String?
        /// Whether `csr_file` was read.
        var read = false
        var digest: CSRBytesDigest?
        var summary: CSRSummary?
        /// The spec digest of the record that vouched for the CSR, when one did.
        var vouched: RecordDigest?
        /// Whether the blob id came from git's index, the file unread.
        var fromIndex = false
        var problem: String?
    }

    /// CSRs are read and checked this many certificates at a time, so that the text of at most
    /// so many CSR files is held at once (``csrBatch``, which tests make smaller).
    static let csrBatchSize = 4096

    /// How the CSR files named by `csr_file` are reached: `read` returns a file's text (nil when
    /// files are not read); `identify`, when there is a git index, the blob id a file has without
    /// reading it (``GitIndex``), or nil when only reading can tell. `identify` keeps the last
    /// directory it worked out in the ``CSRDirectory`` it is given, one per run of certificates.
    struct CSRFiles: Sendable {
        var read: @Sendable (CertificateSpec, String) -> Result<String?, CSRFileError>
        /// Takes the spec and its `csr_file` as held (``CertificateSpec/Fields/csrFileParts``):
        /// the path is put together only when it must be resolved the long way.
        var identify: (@Sendable (CertificateSpec, (directory: String, name: String), inout CSRDirectory?) -> CSRBytesDigest?)? = nil
    }

    /// The directory where the csr_files that one manifest names in one directory (`../csr` of
    /// `../csr/web.csr`) lie, by its canonical path and opened (``GitIndex/Directory``) — or nil,
    /// when they are not identified without reading them. Worked out the long way for the first
    /// such file, and kept for the files after it: a run of certificates usually names one
    /// directory, and the long way (a path resolved, its directory looked up, a new string) was
    /// most of identifying a file. Manifest and directory are compared as bytes, as the file
    /// system compares them.
    struct CSRDirectory {
        let manifest: String
        let written: Substring
        let opened: GitIndex.Directory?

        func holds(_ manifest: String, _ written: Substring) -> Bool {
            PathBytes.same(self.written, written) && PathBytes.same(self.manifest, manifest)
        }
    }

    /// Reads and checks every CSR, reports each problem, and returns the set. `certificates` holds
    /// the certificates of each file, and `keys` what the checks need of them, when they were
    /// worked out as each file was read (``CheckKeys``; worked out here otherwise). Their specs
    /// are never held twice over (27 MB at 100,000): each file's array is completed in place and
    /// its invalid specs removed; the only file's array becomes the set's, and with many files each
    /// is moved into the set and freed.
    func finish(certificates: consuming [[CertificateSpec]], keys: consuming [CheckKeys]? = nil, diagnostics: [Diagnostic], files: [String],
                hasher: SHA256, recorded: RecordedCSRs? = nil, csrFiles: CSRFiles) -> ManifestSet {
        var diagnostics = diagnostics
        var parts = consume certificates
        var keys = (consume keys) ?? []
        if keys.count != parts.count || zip(keys, parts).contains(where: { $0.names.count != $1.count }) {
            keys = parts.map(CheckKeys.init(of:))
        }
        let names = keys.flatMap(\.names)
        for index in keys.indices { keys[index].names = [] }
        let duplicated = Self.duplicateNames(in: parts, hashes: consume names, diagnostics: &diagnostics)
        if !duplicated.isEmpty {
            parts = parts.map { $0.filter { !duplicated.contains($0.name) } }
            keys = parts.map(CheckKeys.init(of:))
            for index in keys.indices { keys[index].names = [] }
        }
        // Each batch's outcomes are counted, hashed and reported, and each file's specs moved
        // into the set, on a queue of their own while the next batch is inspected: done in turn,
        // they left a core idle for a seventh of the step.
        var reserved = CheckedSpecs()
        if parts.count > 1 { reserved.reserveCapacity(parts.reduce(0) { $0 + $1.count }) }
        let collecting = Collecting(Collector(directory: directory), checked: consume reserved, hasher: hasher)
        for partIndex in parts.indices {
            var part: [CertificateSpec] = []
            swap(&part, &parts[partIndex])
            var invalid = keys[partIndex].invalid
            part.withUnsafeMutableBufferPointer { specs in
                for start in stride(from: 0, to: specs.count, by: csrBatch) {
                    let range = start..<min(start + csrBatch, specs.count)
                    let outcomes = inspectCSRs(of: specs, range, recorded: recorded, csrFiles: csrFiles)
                    invalid += outcomes.count { $0.problem != nil }
                    collecting.add(UnsafeBufferPointer(specs), range, outcomes: outcomes)
                }
            }
            // Moved to the queue, which moves it into the set after its batches are collected:
            // the batches' pointers into its storage stay good until then, as nothing else holds
            // or changes `part` after the inspection above (the queue's pointers are used outside
            // `withUnsafeMutableBufferPointer` on that understanding).
            collecting.check(consume part, keys[partIndex], anyInvalid: invalid > 0, only: parts.count == 1)
            keys[partIndex].commonNames = []
        }
        let collected = collecting.finish()
        var checked = collected.checked
        diagnostics += collected.diagnostics
        let counts = collected.collector.counts, hasher = collected.hasher
        var specs = checked.specs
        checked.specs = []
        Self.warnAboutSharedCommonNames(in: specs, hashes: checked.commonNames, diagnostics: &diagnostics)
        if !checked.inOrder { specs.sort { $0.name < $1.name } }
        diagnostics.sort()
        var set = ManifestSet(certificates: specs, diagnostics: diagnostics, files: files,
                              digest: "sha256:" + CSRInspector.hex(hasher.finalize()))
        set.csrCounts = counts
        return set
    }

    /// The valid certificates of every file, in the files' order, with each one's common name's
    /// hash (``CheckKeys``), and whether their names are in order: each file's were, and each
    /// file's first comes after the file before's last. Manifests are usually written in order,
    /// and then they need no sorting.
    struct CheckedSpecs {
        var specs: [CertificateSpec] = []
        var commonNames: [UInt32] = []
        var inOrder = true

        mutating func reserveCapacity(_ count: Int) {
            specs.reserveCapacity(count)
            commonNames.reserveCapacity(count)
        }

        /// Adds `part`'s valid specs (all of them, unless `anyInvalid`); `only` for the only file,
        /// whose array becomes the set's.
        mutating func add(_ part: consuming [CertificateSpec], _ keys: CheckKeys, anyInvalid: Bool, only: Bool) {
            var hashes = keys.commonNames
            if anyInvalid {
                hashes = part.indices.filter { part[$0].isValid }.map { hashes[$0] }
                part.removeAll { !$0.isValid }
            }
            inOrder = inOrder && keys.inOrder
            if inOrder, let last = specs.last, let first = part.first, !(last.name < first.name) { inOrder = false }
            if only { specs = part } else { specs.append(contentsOf: part) }
            if only { commonNames = hashes } else { commonNames += hashes }
        }
    }

    /// Reports each certificate name defined more than once, at both places; returns those names.
    /// `hashes` are the names' (``CheckKeys/names``, every file's one after another), worked out
    /// here when not given.
    static func duplicateNames(in parts: [[CertificateSpec]], hashes: [UInt32]? = nil, diagnostics: inout [Diagnostic]) -> Set<String> {
        // Positions, not copies: a spec is large, and a manifest may hold 100,000 of them. A
        // position is found in its file by the position each file starts at (only the keys whose
        // hashes are the same are looked at).
        let starts = parts.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        func specAt(_ position: Int) -> CertificateSpec {
            var low = 0, high = starts.count - 1  // the part holding it: starts[low] <= position < starts[low + 1]
            while high - low > 1 {
                let middle = (low + high) / 2
                if starts[middle] <= position { low = middle } else { high = middle }
            }
            return parts[low][position - starts[low]]
        }
        var duplicated = Set<String>()
        let hashes = hashes ?? parts.flatMap { CheckKeys(of: $0).names }
        RepeatedKeys.forEach(hashes: hashes, equal: { specAt($0).name == specAt($1).name }) { repeated, first in
            let spec = specAt(repeated), other = specAt(first)
            diagnostics.append(.error("certificate '\(spec.name)' is defined twice: also at \(other.file):\(other.location.line):\(other.location.column)", file: spec.file, at: spec.location))
            diagnostics.append(.error("certificate '\(spec.name)' is defined twice: also at \(spec.file):\(spec.location.line):\(spec.location.column)", file: other.file, at: other.location))
            duplicated.insert(spec.name)
        }
        return duplicated
    }

    /// Reads the csr_file of each certificate in `range` of `part` and checks its CSR, on every
    /// core, and completes each spec with what was learned (or marks it invalid); one outcome per
    /// certificate, for ``Collector`` to count, hash and report in order.
    func inspectCSRs(of part: UnsafeMutableBufferPointer<CertificateSpec>, _ range: Range<Int>, recorded: RecordedCSRs?,
                     csrFiles: CSRFiles) -> [CSROutcome] {
        let checksCSRs = self.checksCSRs, keepsCSRText = self.keepsCSRText
        return Self.concurrentUpdate(part, range, context: nil as CSRDirectory?) { spec, directory -> CSROutcome in
            var outcome = Self.inspectCSR(of: spec, recorded: recorded, csrFiles: csrFiles, checksCSRs: checksCSRs, directory: &directory)
            Self.complete(&spec, with: outcome, keepsCSRText: keepsCSRText)
            outcome.text = nil
            return outcome
        }
    }

    /// The spec with its CSR outcome: invalid with a problem; otherwise, when valid, its CSR's
    /// digest, summary, voucher and (when kept) text. Written only when there is something to
    /// write: each write asks whether the spec's fields are shared, and a load without CSR checks
    /// has nothing to write.
    static func complete(_ spec: inout CertificateSpec, with outcome: CSROutcome, keepsCSRText: Bool) {
        if outcome.problem != nil {
            spec.isValid = false
            return
        }
        guard spec.isValid, outcome.digest != nil || outcome.summary != nil || outcome.vouched != nil || outcome.text != nil else { return }
        if let text = outcome.text, keepsCSRText { spec.csr = text }
        spec.csrBytesDigest = outcome.digest
        spec.csrSummary = outcome.summary
        spec.vouched = outcome.vouched
    }

    /// One certificate's CSR: identified from git's index and vouched for by its record, or read
    /// and vouched for, or verified.
    static func inspectCSR(of spec: borrowing CertificateSpec, recorded: RecordedCSRs?, csrFiles: CSRFiles, checksCSRs: Bool,
                           directory: inout CSRDirectory?) -> CSROutcome {
        var outcome = CSROutcome()
        // A committed file unchanged since git hashed it, whose bytes a record vouches for, is
        // not even read (one status call, relative to its opened directory, instead of four
        // system calls and a hash), nor its path put together.
        if checksCSRs, let recorded, let identify = csrFiles.identify, let parts = spec.csrFileParts,
           let known = identify(spec, parts, &directory), let vouched = recorded.vouchedSpecDigest(for: spec, bytes: known) {
            outcome.digest = known
            outcome.vouched = vouched
            outcome.fromIndex = true
            return outcome
        }
        var pem = spec.csr
        if let written = spec.csrFile {
            switch csrFiles.read(spec, written) {
            case .success(let text?):
                outcome.text = text
                outcome.read = true
                outcome.digest = Self.digest(of: text)
                pem = text
            case .success(nil):
                break
            case .failure(let failure):
                outcome.problem = "cannot read csr_file '\(written)' of certificate '\(spec.name)': \(failure.reason)"
                return outcome
            }
        }
        guard !pem.isEmpty else { return outcome }
        let digest = outcome.digest ?? Self.digest(of: pem)
        outcome.digest = digest
        guard checksCSRs else { return outcome }
        if let recorded, let vouched = recorded.vouchedSpecDigest(for: spec, bytes: digest) {
            outcome.vouched = vouched
            return outcome
        }
        switch CSRInspector.inspect(pem: pem, declaredNames: spec.allNames) {
        case .success(let summary): outcome.summary = summary
        case .failure(let failure): outcome.problem = Self.csrProblem(failure, of: spec)
        }
        return outcome
    }

    /// `transform` of each spec in `range` of `entries`, in order, on every core, each spec
    /// changed in place by the one thread that has it (its fields copied only if they are
    /// shared, as an array's elements would be). Each run of entries done on
    /// one thread starts with its own copy of `context`, which `transform` may change as it goes.
    static func concurrentUpdate<Result: Sendable, Context: Sendable>(_ entries: UnsafeMutableBufferPointer<CertificateSpec>, _ range: Range<Int>,
                                                                      context: Context,
                                                                      _ transform: @Sendable (inout CertificateSpec, inout Context) -> Result) -> [Result] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let count = range.count
        let chunks = count < 64 || cores < 2 ? 1 : min(count, cores * 8)
        return [Result](unsafeUninitializedCapacity: count) { buffer, initialized in
            // Each index is written, in both buffers, by exactly one chunk: the writes never overlap.
            nonisolated(unsafe) let output = buffer, specs = entries
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                var context = context
                for offset in (count * chunk / chunks)..<(count * (chunk + 1) / chunks) {
                    (output.baseAddress! + offset).initialize(to: transform(&specs[range.lowerBound + offset], &context))
                }
            }
            initialized = count
        }
    }

    /// The CSR problem as reported, naming where the CSR came from.
    static func csrProblem(_ failure: CSRInspector.Failure, of spec: CertificateSpec) -> String {
        let source = spec.csrFile.map { "csr_file '\($0)'" } ?? "csr"
        return "\(source) of certificate '\(spec.name)': \(failure)"
    }

    static func digest(of text: String) -> CSRBytesDigest {
        var text = text
        return text.withUTF8 { CSRBytesDigest(of: UnsafeRawBufferPointer($0)) }
    }

    /// Counts the CSR outcomes, hashes them into the manifests' digest and reports each problem,
    /// in the certificates' order (their specs were completed as they were inspected). The digest
    /// covers every CSR file once per manifest that names it, in the order the manifests name them,
    /// each manifest by its path in the manifests directory, as the manifests themselves are
    /// hashed: the same files give the same digest however `--manifests` spells the directory (a
    /// plan saved with `manifests` and applied with `./manifests` or an absolute path).
    struct Collector {
        /// The manifests directory as given, which the specs' paths start with.
        let directory: String
        /// The csr_files hashed so far, by what the manifest wrote, in the manifest being added.
        var hashedCSRFiles = Set<CSRFileKey>()
        var manifest = ""
        /// `manifest`'s path in the manifests directory.
        var manifestInDirectory = ""
        var counts = CSRCounts()

        init(directory: String) {
            self.directory = directory
        }

        /// The digest's parts, put in the hasher a batch at a time: six small updates per
        /// certificate (three parts, each its length and its bytes) cost more than hashing them.
        private var pending: [UInt8] = []

        mutating func add(_ part: UnsafeBufferPointer<CertificateSpec>, _ range: Range<Int>, outcomes: [CSROutcome],
                          hasher: inout SHA256, diagnostics: inout [Diagnostic]) {
            defer {
                hasher.update(data: pending)
                pending.removeAll(keepingCapacity: true)
            }
            for (index, outcome) in zip(range, outcomes) {
                if outcome.read { counts.read += 1 }
                if outcome.fromIndex { counts.knownFromIndex += 1 }
                if outcome.summary != nil { counts.verified += 1 }
                if outcome.vouched != nil { counts.vouched += 1 }
                // A CSR file counts in the digest by its blob id, known with or without reading it.
                if let blob = outcome.digest, let csrFile = part[index].csrFileParts {
                    let file = part[index].file
                    if !PathBytes.same(file, manifest) {
                        manifest = file
                        manifestInDirectory = ManifestLoader.pathInDirectory(file, directory: directory)
                        hashedCSRFiles.removeAll(keepingCapacity: true)
                        // A manifest's certificates are in one part: room for all of theirs at once.
                        hashedCSRFiles.reserveCapacity(part.count)
                    }
                    if hashedCSRFiles.insert(CSRFileKey(directory: csrFile.directory, name: csrFile.name)).inserted {
                        append(manifestInDirectory)
                        append(csrFile.directory, csrFile.name)
                        blob.withHex { append(UnsafeRawBufferPointer($0)) }
                    }
                }
                if let problem = outcome.problem {
                    diagnostics.append(.error(problem, file: part[index].file, at: part[index].csrLocation ?? part[index].location))
                }
            }
        }

        /// A part of the digest after its length, as ``ManifestLoader/update(_:with:)`` puts it:
        /// here the bytes of `text` and then of `more`, as one part.
        private mutating func append(_ text: String, _ more: String = "") {
            withUnsafeBytes(of: UInt64(text.utf8.count + more.utf8.count).bigEndian) { pending.append(contentsOf: $0) }
            pending.append(contentsOf: text.utf8)
            pending.append(contentsOf: more.utf8)
        }

        private mutating func append(_ bytes: UnsafeRawBufferPointer) {
            withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { pending.append(contentsOf: $0) }
            pending.append(contentsOf: bytes)
        }
    }

    /// A ``Collector`` at work on a serial queue of its own, beside the inspection of the next
    /// batch: every member is the queue's until ``finish()``.
    final class Collecting: @unchecked Sendable {
        private var collector: Collector
        private var checked: CheckedSpecs
        private var hasher: SHA256
        private var diagnostics: [Diagnostic] = []
        private let queue = DispatchQueue(label: "certform.csr-outcomes")

        init(_ collector: Collector, checked: CheckedSpecs, hasher: SHA256) {
            self.collector = collector
            self.checked = checked
            self.hasher = hasher
        }

        /// Collects the outcomes of `range` of `specs`, later: the specs must stay where they are
        /// until then — ``check(_:_:anyInvalid:only:)`` of their array, added after, keeps them —
        /// and those of `range` unchanged.
        func add(_ specs: UnsafeBufferPointer<CertificateSpec>, _ range: Range<Int>, outcomes: [CSROutcome]) {
            nonisolated(unsafe) let specs = specs
            queue.async { [self] in
                collector.add(specs, range, outcomes: outcomes, hasher: &hasher, diagnostics: &diagnostics)
            }
        }

        /// Adds a file's specs to the set (``CheckedSpecs/add(_:_:anyInvalid:only:)``), after
        /// everything added before.
        func check(_ part: consuming [CertificateSpec], _ keys: CheckKeys, anyInvalid: Bool, only: Bool) {
            let moving = Moving(part)
            queue.async { [self] in
                checked.add(moving.take(), keys, anyInvalid: anyInvalid, only: only)
            }
        }

        /// An array handed to the queue and taken there, so that it has one holder when it is
        /// added to the set: a closure's capture cannot be moved out of, and the copy would make
        /// the set copy a file's array to remove its invalid specs.
        private final class Moving: @unchecked Sendable {  // taken once, on the queue
            private var value: [CertificateSpec]?

            init(_ value: consuming [CertificateSpec]) {
                self.value = value
            }

            func take() -> [CertificateSpec] {
                var taken: [CertificateSpec]?
                swap(&taken, &value)
                return taken!
            }
        }

        /// What was collected, once everything added is.
        func finish() -> (collector: Collector, checked: CheckedSpecs, hasher: SHA256, diagnostics: [Diagnostic]) {
            queue.sync {
                defer { checked = CheckedSpecs() }
                return (collector, checked, hasher, diagnostics)
            }
        }
    }

    /// A `csr_file` as a set's key, by its two parts (``CertificateSpec/Fields/csrFileParts``):
    /// equal when their bytes are, as ``PathKey`` compares a whole path. Two paths are split the
    /// same way at their last `/`, so the parts are equal exactly when the paths are.
    struct CSRFileKey: Hashable {
        let directory: String
        let name: String

        static func == (lhs: CSRFileKey, rhs: CSRFileKey) -> Bool {
            PathBytes.same(lhs.name, rhs.name) && PathBytes.same(lhs.directory, rhs.directory)
        }

        func hash(into hasher: inout Hasher) {
            PathKey(directory).hash(into: &hasher)
            PathKey(name).hash(into: &hasher)
        }
    }

    static func update(_ hasher: inout SHA256, with bytes: UnsafeRawBufferPointer) {
        update(&hasher, length: bytes.count)
        hasher.update(bufferPointer: bytes)
    }
}

/// `csr_file` paths resolved against their manifest (``ManifestLoader/resolve(_:relativeTo:)``),
/// each directory once per manifest: 100,000 CSR files live in a handful of directories.
final class ResolvedPaths: Sendable {
    private let directories = Mutex<[PathKey: [Substring]]>([:])

    /// The same answer as ``ManifestLoader/resolve(_:relativeTo:)``: the resolved components of
    /// the directory of `written`, then its name.
    func resolve(_ written: String, relativeTo manifest: String) -> String {
        guard let (directory, name) = Self.directoryAndName(written) else { return ManifestLoader.resolve(written, relativeTo: manifest) }
        let key = PathKey(manifest + "\u{0}" + directory)
        let parts: [Substring]
        if let known = directories.withLock({ $0[key] }) {
            parts = known
        } else {
            parts = ManifestLoader.resolvedParts(String(directory), relativeTo: manifest)
            directories.withLock { $0[key] = parts }
        }
        // A name of its own follows whatever the directory resolved to, so the path is never empty.
        return (parts + [name]).joined(separator: "/")
    }

    /// `written` as a directory and a name of its own, the paths resolved a directory at a time
    /// (here, and by ``ManifestLoader/CSRDirectory``): relative, with a `/`, and a name that is
    /// not empty, `.` or `..`; nil for anything else, which resolves the long way.
    static func directoryAndName(_ written: String) -> (directory: Substring, name: Substring)? {
        guard !PathBytes.isAbsolute(written), let (directory, name) = PathBytes.lastSlash(written),
              isOwnName(name) else { return nil }
        return (directory, name)
    }

    /// ``directoryAndName(_:)`` of a path held as ``CertificateSpec/Fields/csrFileParts``: its
    /// directory part up to and with its last `/` (empty when it has none), and the rest.
    static func directoryAndName(_ parts: (directory: String, name: String)) -> (directory: Substring, name: Substring)? {
        guard !parts.directory.isEmpty, !PathBytes.isAbsolute(parts.directory), isOwnName(parts.name) else { return nil }
        return (Substring(parts.directory.utf8.dropLast()), Substring(parts.name))
    }

    /// A name that is a file's own, not empty, `.` or `..` (which resolve the long way).
    private static func isOwnName(_ name: some StringProtocol) -> Bool {
        !name.isEmpty && name != "." && name != ".."
    }
}

extension ManifestSet {
    /// `spec` ready for a request: its CSR text read again from `csr_file` (the same bytes as
    /// before, or a failure), and the CSR verified if a state record only vouched for it. A CSR
    /// that a plan sends is always one certform has just verified.
    public func resolveCSR(_ spec: CertificateSpec) -> Result<CertificateSpec, CSRFileError> {
        var spec = spec
        if let written = spec.csrFile, spec.csr.isEmpty {
            guard let root else { return .failure(CSRFileError(reason: "csr_file '\(written)' of certificate '\(spec.name)' cannot be read again")) }
            switch ManifestLoader.readCSRFile(written, of: spec, in: root) {
            case .success(let text?):
                guard ManifestLoader.digest(of: text) == spec.csrBytesDigest else {
                    return .failure(CSRFileError(reason: "csr_file '\(written)' of certificate '\(spec.name)' changed while certform was reading it; plan again"))
                }
                spec.csr = text
            case .success(nil):
                return .failure(CSRFileError(reason: "csr_file '\(written)' of certificate '\(spec.name)' was not read"))
            case .failure(let failure):
                return .failure(CSRFileError(reason: "cannot read csr_file '\(written)' of certificate '\(spec.name)': \(failure.reason)"))
            }
        }
        if spec.csrSummary == nil, !spec.csr.isEmpty {
            switch CSRInspector.inspect(pem: spec.csr, declaredNames: spec.allNames) {
            case .success(let summary): spec.csrSummary = summary
            case .failure(let failure): return .failure(CSRFileError(reason: ManifestLoader.csrProblem(failure, of: spec)))
            }
        }
        return .success(spec)
    }
}
