import Files
import Foundation

/// The walk of a manifests directory that finds its `*.yaml` and `*.yml` files, confined to the
/// repository (SPEC §2.1).
///
/// Every entry is looked at with `lstat` and every symbolic link resolved with `realpath`, neither
/// of which opens anything. A manifest that resolves outside the repository, is not a regular file
/// or is too large is reported (by the path as found) and left out; a directory link that leads
/// outside is reported and not walked; a directory reached twice through links is walked once.
struct ManifestWalk {
    /// A manifest file to read: its path relative to the manifests directory, as found, its
    /// canonical path, which is what is opened, and its size when found (to share out the work).
    struct Found: Sendable {
        var relative: String
        var realPath: String
        var size: Int
    }

    let root: RepositoryRoot
    /// The manifests directory as given, which diagnostics' paths start with.
    let directory: String
    private(set) var files: [Found] = []
    private(set) var diagnostics: [Diagnostic] = []
    private var walked: Set<PathKey> = []

    init(root: RepositoryRoot, directory: String) {
        self.root = root
        self.directory = directory
    }

    /// Walks the directory whose canonical path is `realPath`, found at `relative`.
    mutating func walk(_ relative: String, realPath: String) {
        guard walked.insert(PathKey(realPath)).inserted,
              let names = try? FileManager.default.contentsOfDirectory(atPath: realPath) else { return }
        for name in names where name != ".git" {
            visit(relative.isEmpty ? name : relative + "/" + name, path: realPath == "/" ? "/" + name : realPath + "/" + name)
        }
    }

    /// Looks at the entry found at `relative`, whose path has only canonical directories above it.
    private mutating func visit(_ relative: String, path: String) {
        guard let status = FileStatus(path: path, followsSymlinks: false) else { return }
        let isManifest = relative.hasSuffix(".yaml") || relative.hasSuffix(".yml")
        switch status.kind {
        case .directory:
            walk(relative, realPath: path)
        case .symbolicLink:
            follow(relative, link: path, isManifest: isManifest)
        default:
            if isManifest { add(relative, realPath: path, status: status) }
        }
    }

    /// Follows the link at `link`: a directory inside the repository is walked, a manifest inside
    /// it is taken; the rest is reported when it would have been read.
    private mutating func follow(_ relative: String, link: String, isManifest: Bool) {
        let target: String
        switch RealPath.resolve(link) {
        case .success(let resolved): target = resolved
        case .failure(let error):
            if isManifest { refuse(relative, .file(error), isDirectory: false) }
            return
        }
        let status = FileStatus(path: target)
        guard root.contains(target) else {
            if isManifest || status?.kind == .directory {
                refuse(relative, .outside(root: root.path), isDirectory: status?.kind == .directory)
            }
            return
        }
        if let status, status.kind == .directory {
            walk(relative, realPath: target)
        } else if let status, isManifest {
            add(relative, realPath: target, status: status)
        }
    }

    /// Takes the manifest at `relative` when it is a regular file of at most the size limit.
    private mutating func add(_ relative: String, realPath: String, status: FileStatus) {
        if status.kind != .regular {
            refuse(relative, .file(.notRegular(status.kind)), isDirectory: false)
        } else if status.size > ManifestLoader.manifestSizeLimit {
            refuse(relative, .file(.tooLarge(limit: ManifestLoader.manifestSizeLimit)), isDirectory: false)
        } else {
            files.append(Found(relative: relative, realPath: realPath, size: status.size))
        }
    }

    private mutating func refuse(_ relative: String, _ refusal: FileRefusal, isDirectory: Bool) {
        let path = ManifestLoader.shownPath(relative, directory: directory)
        diagnostics.append(.error(Self.message(refusal, isDirectory: isDirectory), file: path, at: nil))
    }

    /// "this file resolves outside the repository ('/work/repo'); it was not read", ….
    static func message(_ refusal: FileRefusal, isDirectory: Bool = false) -> String {
        if isDirectory { return "this directory \(refusal); it was not walked" }
        return refusal.isRefusal ? "this file \(refusal); it was not read" : "this file \(refusal)"
    }
}
