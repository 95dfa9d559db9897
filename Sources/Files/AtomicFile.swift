import Foundation

/// Why a file could not be replaced.
public struct AtomicFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot write '\(path)': \(reason)" }
}

/// Replaces files so that a crash leaves either the old content or the new, never half of it:
/// a temporary file in the same directory, fsync, rename over the target, fsync of the directory.
///
/// A new file gets mode 0600 unless told otherwise (state files and the sandbox's data are nobody
/// else's business; certificates, public material, are written 0644); a file being replaced keeps
/// its mode. Only a regular file is replaced: a symbolic link, a
/// FIFO or a directory at `path` is refused, not followed or renamed over. A relative path may not
/// pass through a directory that is a symbolic link: a repository's `state` or `certs` committed
/// as a link would otherwise have certform write outside it.
public enum AtomicFile {
    public static func write(_ text: String, to path: String, newFileMode: mode_t = 0o600) throws(AtomicFileError) {
        try write(Array(text.utf8), to: path, newFileMode: newFileMode)
    }

    public static func write(_ bytes: [UInt8], to path: String, newFileMode: mode_t = 0o600) throws(AtomicFileError) {
        if let linked = FileStatus.linkedDirectory(on: path) {
            throw AtomicFileError(path: path, reason: "its directory '\(linked)' is a symbolic link, which certform does not follow in a relative path; use the directory itself, or give an absolute path")
        }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        try createDirectory(directory, for: path)
        let existing = try existingPermissions(of: path)
        let temporary = "\(directory)/.\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw AtomicFileError(path: path, reason: errnoText()) }
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        // Keep the permissions of the file being replaced, or give the new file's (fchmod, unlike
        // open, ignores the umask).
        fchmod(fd, existing ?? newFileMode)
        try writeAndClose(bytes, to: fd, path: path)
        guard rename(temporary, path) == 0 else { throw AtomicFileError(path: path, reason: errnoText()) }
        renamed = true
        let directoryFD = open(directory, O_RDONLY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// The permission bits of the regular file at `path`, nil when there is none; refuses anything
    /// else at `path` (a symbolic link is not followed).
    private static func existingPermissions(of path: String) throws(AtomicFileError) -> mode_t? {
        switch FileStatus.of(path, followsSymlinks: false) {
        case .success(let status) where status.kind == .regular:
            return status.permissions
        case .success(let status):
            throw AtomicFileError(path: path, reason: "it is not a regular file (\(status.kind)); only a regular file is replaced — remove it and run again")
        case .failure(.missing):
            return nil
        case .failure(let error):
            throw AtomicFileError(path: path, reason: "it \(error)")
        }
    }

    /// Creates `directory`, where `path` goes, unless it exists.
    private static func createDirectory(_ directory: String, for path: String) throws(AtomicFileError) {
        guard !FileManager.default.fileExists(atPath: directory) else { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw AtomicFileError(path: path, reason: "cannot create the directory '\(directory)'")
        }
    }

    /// Writes all of `bytes` to `fd`, syncs them to the disk and closes `fd`, also on failure.
    private static func writeAndClose(_ bytes: [UInt8], to fd: Int32, path: String) throws(AtomicFileError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBufferPointer { buffer in
                Foundation.write(fd, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                let reason = errnoText()
                close(fd)
                throw AtomicFileError(path: path, reason: reason)
            }
            written += result
        }
        if fsync(fd) != 0 {
            let reason = errnoText()
            close(fd)
            throw AtomicFileError(path: path, reason: "fsync failed: \(reason)")
        }
        close(fd)
    }

    static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
