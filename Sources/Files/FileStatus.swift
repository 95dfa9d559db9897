#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What kind of file a path or descriptor names, as `stat` reports it.
public enum FileKind: Sendable, Equatable, CustomStringConvertible {
    case regular, directory, symbolicLink, fifo, socket, characterDevice, blockDevice, other

    init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symbolicLink
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        default: self = .other
        }
    }

    /// "a FIFO", "a symbolic link", … for messages.
    public var description: String {
        switch self {
        case .regular: "a regular file"
        case .directory: "a directory"
        case .symbolicLink: "a symbolic link"
        case .fifo: "a FIFO"
        case .socket: "a socket"
        case .characterDevice: "a character device"
        case .blockDevice: "a block device"
        case .other: "a special file"
        }
    }
}

/// The kind, size and permission bits of a file, from `stat`, `lstat` or `fstat` — never from
/// opening it, so that a FIFO or a device can be refused before anything touches it.
public struct FileStatus: Sendable, Equatable {
    public var kind: FileKind
    public var size: Int
    /// The permission bits (`st_mode & 0o7777`).
    public var permissions: mode_t

    init(_ info: stat) {
        kind = FileKind(mode: info.st_mode)
        size = Int(info.st_size)
        permissions = info.st_mode & 0o7777
    }

    /// The file at `path`; with `followsSymlinks: false`, a symbolic link is described itself
    /// (`lstat`). Nil when there is no such file (``of(_:followsSymlinks:)`` says why).
    public init?(path: String, followsSymlinks: Bool = true) {
        var info = stat()
        guard (followsSymlinks ? stat(path, &info) : lstat(path, &info)) == 0 else { return nil }
        self.init(info)
    }

    /// The file open at `descriptor`.
    public init?(descriptor: Int32) {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        self.init(info)
    }

    /// The file at `path`, or why it cannot be described.
    public static func of(_ path: String, followsSymlinks: Bool = true) -> Result<FileStatus, FileReadError> {
        var info = stat()
        guard (followsSymlinks ? stat(path, &info) : lstat(path, &info)) == 0 else { return .failure(FileReadError(errno: errno)) }
        return .success(FileStatus(info))
    }

    /// The first directory on a relative `path` that is a symbolic link (`state` for
    /// `state/orders.json` when `state` is one), or nil; an absolute path is not looked at (it is
    /// the operator's, not the repository's), nor anything past a directory that does not exist.
    public static func linkedDirectory(on path: String) -> String? {
        guard path.utf8.first != UInt8(ascii: "/") else { return nil }
        var prefix = ""
        for component in path.split(separator: "/").dropLast() {
            prefix += (prefix.isEmpty ? "" : "/") + component
            guard component != ".", component != ".." else { continue }
            switch of(prefix, followsSymlinks: false) {
            case .success(let status) where status.kind == .symbolicLink: return prefix
            case .success: continue
            case .failure: return nil
            }
        }
        return nil
    }
}

/// The canonical path of a file: every symbolic link, `.` and `..` resolved (`realpath(3)`, which
/// looks at the links on the way and opens nothing).
public enum RealPath {
    public static func resolve(_ path: String) -> Result<String, FileReadError> {
        guard let resolved = realpath(path, nil) else { return .failure(FileReadError(errno: errno)) }
        defer { free(resolved) }
        return .success(String(cString: resolved))
    }

    /// Whether the canonical path `path` is `root` or below it (both from ``resolve(_:)``).
    public static func isInside(_ path: String, root: String) -> Bool {
        // As bytes: as text, `café` with é as one character begins `cafe` + a combining accent.
        if root.utf8.elementsEqual("/".utf8) { return path.utf8.first == UInt8(ascii: "/") }
        guard path.utf8.starts(with: root.utf8) else { return false }
        return path.utf8.count == root.utf8.count || path.utf8.dropFirst(root.utf8.count).first == UInt8(ascii: "/")
    }
}
