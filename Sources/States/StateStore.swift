import Foundation
import JSON

/// Reads and writes the state file (SPEC §3).
///
/// Writes are atomic: the new text goes to a temporary file in the same directory, which is
/// fsynced, renamed over the state file, and the directory is fsynced, so that a crash leaves
/// either the old file or the new one, never half of one. A file that does not parse is never
/// overwritten.
public struct StateStore: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The state; a missing file is the empty state.
    public func load() throws(StateError) -> State {
        guard FileManager.default.fileExists(atPath: path) else { return State() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "permission denied or not a regular file")
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(Array(data))
        } catch {
            throw .corrupt(path: path, reason: "invalid JSON at \(error)")
        }
        do {
            return try State(json: json)
        } catch {
            throw .corrupt(path: path, reason: error.description)
        }
    }

    /// Writes `state` with its serial increased by one (and a lineage when it has none yet), and
    /// returns what was written.
    @discardableResult
    public func save(_ state: State) throws(StateError) -> State {
        var next = state
        next.serial += 1
        if next.lineage == nil { next.lineage = UUID().uuidString.lowercased() }
        try Self.writeAtomically(next.fileText, to: path)
        return next
    }

    /// Replaces the file at `path` with `text` atomically (also used for saved plans).
    public static func writeAtomically(_ text: String, to path: String) throws(StateError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        if !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .unwritable(path: path, reason: "cannot create the directory '\(directory)'")
            }
        }
        let temporary = "\(directory)/.\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .unwritable(path: path, reason: errnoText()) }
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBufferPointer { buffer in
                Foundation.write(fd, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                let reason = errnoText()
                close(fd)
                throw .unwritable(path: path, reason: reason)
            }
            written += result
        }
        if fsync(fd) != 0 {
            let reason = errnoText()
            close(fd)
            throw .unwritable(path: path, reason: "fsync failed: \(reason)")
        }
        close(fd)
        // Keep the permissions of the file being replaced.
        var info = stat()
        if stat(path, &info) == 0 { chmod(temporary, info.st_mode & 0o7777) }
        guard rename(temporary, path) == 0 else { throw .unwritable(path: path, reason: errnoText()) }
        ok = true
        let directoryFD = open(directory, O_RDONLY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
