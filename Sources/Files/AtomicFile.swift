import Foundation

/// Why a file could not be replaced.
public struct AtomicFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot write '\(path)': \(reason)" }
}

/// Replaces files so that a crash leaves either the old content or the new, never half of it:
/// a temporary file in the same directory, fsync, rename over the target, fsync of the directory.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws(AtomicFileError) {
        try write(Array(text.utf8), to: path)
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(AtomicFileError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        try createDirectory(directory, for: path)
        let temporary = "\(directory)/.\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw AtomicFileError(path: path, reason: errnoText()) }
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        try writeAndClose(bytes, to: fd, path: path)
        // Keep the permissions of the file being replaced.
        var info = stat()
        if stat(path, &info) == 0 { chmod(temporary, info.st_mode & 0o7777) }
        guard rename(temporary, path) == 0 else { throw AtomicFileError(path: path, reason: errnoText()) }
        renamed = true
        let directoryFD = open(directory, O_RDONLY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
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
