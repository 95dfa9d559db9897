import Files
import Foundation
import Synchronization

/// The repository of SPEC §2.1: the one tree that manifest and CSR files may be read from. It is
/// the nearest directory at or above the manifests directory that holds `.git` (a directory, or
/// the file of a worktree or submodule), or the manifests directory's parent when there is none.
///
/// Manifests and CSR files arrive in pull requests. A file committed as a symbolic link to
/// `/proc/self/environ`, or a `csr_file: ../../secret`, must not make certform read (and print)
/// what lies outside the checkout, and a FIFO or a device must not even be opened: each path is
/// resolved (`realpath`, which opens nothing) and checked before anything reads it.
package struct RepositoryRoot: Sendable, Equatable {
    /// The root's canonical path (every symbolic link resolved).
    package let path: String

    /// `path` must already be canonical (see ``RealPath/resolve(_:)``).
    package init(canonicalPath path: String) {
        self.path = path
    }

    /// The repository that holds `manifestsDirectory`, or why it cannot be resolved.
    ///
    /// The search walks up the directory's path as written (made absolute), not up its resolved
    /// path, and does not take a symbolic link for the top: a manifests directory committed as a
    /// link to another checkout on the machine must not make that checkout the repository.
    package static func enclosing(_ manifestsDirectory: String) -> Result<RepositoryRoot, FileReadError> {
        let components = absoluteComponents(manifestsDirectory)
        var top = components.dropLast()
        for count in stride(from: components.count, through: 0, by: -1) {
            let candidate = "/" + components.prefix(count).joined(separator: "/")
            guard FileStatus(path: candidate, followsSymlinks: false)?.kind != .symbolicLink else { continue }
            if FileStatus(path: candidate == "/" ? "/.git" : candidate + "/.git", followsSymlinks: false) != nil {
                top = components.prefix(count)
                break
            }
        }
        return RealPath.resolve("/" + top.joined(separator: "/")).map(RepositoryRoot.init(canonicalPath:))
    }

    /// The components of `path` made absolute against the working directory, with `.` and `..`
    /// taken lexically (as the shell's `cd` does).
    static func absoluteComponents(_ path: String) -> [Substring] {
        let absolute = PathBytes.isAbsolute(path) ? path : FileManager.default.currentDirectoryPath + "/" + path
        var components: [Substring] = []
        for part in PathBytes.components(absolute) where !part.isEmpty {
            switch part {
            case ".": continue
            case "..": _ = components.popLast()
            default: components.append(part)
            }
        }
        return components
    }

    /// Whether the canonical path `realPath` is the root or inside it.
    package func contains(_ realPath: String) -> Bool {
        RealPath.isInside(realPath, root: path)
    }

    /// The bytes of the file at `path` (symbolic links followed), when it resolves inside the
    /// repository to a regular file of at most `limit` bytes. Anything else is refused without
    /// opening it. `directories` saves resolving the same directory for every file in it.
    package func read(_ path: String, limit: Int, directories: RealDirectories? = nil) -> Result<[UInt8], FileRefusal> {
        // The common case in one `lstat`: the directory is known and the name is no link.
        if let directories, let (candidate, status) = Self.plainFile(path, directories: directories) {
            guard contains(candidate) else { return .failure(.outside(root: self.path)) }
            return FileBytes.read(candidate, lstat: status, limit: limit).mapError(FileRefusal.file)
        }
        let real: String
        switch Self.canonical(path, directories: directories) {
        case .success(let resolved): real = resolved
        case .failure(let error): return .failure(.file(error))
        }
        guard contains(real) else { return .failure(.outside(root: self.path)) }
        // Canonical, so no link is left to follow: one swapped in since is refused, not followed.
        return FileBytes.read(real, limit: limit, followsSymlinks: false).mapError(FileRefusal.file)
    }

    /// The canonical path of `path` and its `lstat`, when its directory's canonical path is known
    /// and its name is there and not a symbolic link; nil otherwise (``canonical(_:directories:)``
    /// then answers).
    static func plainFile(_ path: String, directories: RealDirectories) -> (String, FileStatus)? {
        guard let candidate = inResolvedDirectory(path, directories: directories) else { return nil }
        guard let status = FileStatus(path: candidate, followsSymlinks: false), status.kind != .symbolicLink else { return nil }
        return (candidate, status)
    }

    /// `path` with its directory's canonical path (from `directories`), when it has a name of its
    /// own; the name itself may still be a symbolic link.
    static func inResolvedDirectory(_ path: String, directories: RealDirectories) -> String? {
        guard let (parent, name) = PathBytes.lastSlash(path) else { return nil }
        guard !name.isEmpty, name != ".", name != ".." else { return nil }
        let directory = parent.isEmpty ? "/" : String(parent)
        guard case .success(let realDirectory) = directories.resolve(directory) else { return nil }
        return realDirectory == "/" ? "/" + name : realDirectory + "/" + name
    }

    /// The canonical path of `path`: its directory's canonical path (from `directories`) and its
    /// name, unless the name is itself a symbolic link, which is resolved — the same answer as
    /// `realpath` on the whole path, with one `lstat` instead of one `readlink` per component.
    static func canonical(_ path: String, directories: RealDirectories?) -> Result<String, FileReadError> {
        guard let directories, let (parent, name) = PathBytes.lastSlash(path) else { return RealPath.resolve(path) }
        guard !name.isEmpty, name != ".", name != ".." else { return RealPath.resolve(path) }
        let directory = parent.isEmpty ? "/" : String(parent)
        guard case .success(let realDirectory) = directories.resolve(directory) else { return RealPath.resolve(path) }
        let candidate = realDirectory == "/" ? "/" + name : realDirectory + "/" + name
        guard FileStatus(path: candidate, followsSymlinks: false)?.kind == .symbolicLink else { return .success(candidate) }
        return RealPath.resolve(candidate)
    }
}

/// Canonical paths of directories, each resolved once per load: a large plan reads 100,000 CSR
/// files from one `csr/` directory, on several threads.
package final class RealDirectories: Sendable {
    private let resolved = Mutex<[PathKey: Result<String, FileReadError>]>([:])

    package init() {}

    func resolve(_ directory: String) -> Result<String, FileReadError> {
        let key = PathKey(directory)
        if let known = resolved.withLock({ $0[key] }) { return known }
        let result = RealPath.resolve(directory)
        resolved.withLock { $0[key] = result }
        return result
    }
}

/// Why a manifest or CSR file was not read. The descriptions complete a sentence whose subject is
/// the file ("'csr/x.csr' resolves outside the repository ('/work/repo')").
package enum FileRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case outside(root: String)
    case file(FileReadError)

    package var description: String {
        switch self {
        case .outside(let root): "resolves outside the repository ('\(root)')"
        case .file(let error): error.description
        }
    }

    /// Whether certform declined to read a file that is there (rather than failing to).
    package var isRefusal: Bool {
        switch self {
        case .outside, .file(.notRegular), .file(.tooLarge): true
        case .file(.missing), .file(.system), .file(.changedWhileRead): false
        }
    }
}
