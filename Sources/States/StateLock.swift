import Dates
import Files
import Foundation
import JSON

/// Who holds the state lock, as written into `<state>.lock` (SPEC §5.1).
public struct LockInfo: Sendable, Hashable {
    public var id: String
    public var operation: String
    public var who: String
    public var pid: Int32
    public var since: String
    public var ciURL: String?

    public init(id: String = UUID().uuidString.lowercased(), operation: String, who: String = LockInfo.currentUser(),
                pid: Int32 = getpid(), since: String, ciURL: String? = LockInfo.ciRunURL()) {
        self.id = id
        self.operation = operation
        self.who = who
        self.pid = pid
        self.since = since
        self.ciURL = ciURL
    }

    public var json: JSONValue {
        ["id": .string(id), "operation": .string(operation), "who": .string(who), "pid": .int(Int(pid)),
         "since": .string(since), "ci_url": JSONValue(ciURL)]
    }

    public init?(json: JSONValue) {
        guard let id = json["id"]?.stringValue, let operation = json["operation"]?.stringValue else { return nil }
        self.id = id
        self.operation = operation
        who = json["who"]?.stringValue ?? "unknown"
        // A lock file is untrusted (a pull request can commit one): a pid out of range reads as 0.
        pid = json["pid"]?.intValue.flatMap { Int32(exactly: $0) } ?? 0
        since = json["since"]?.stringValue ?? "unknown"
        ciURL = json["ci_url"]?.stringValue
    }

    /// "apply (lock 1f2e…) by ci@runner-1, pid 4242, since 2026-11-29T03:00:00Z, https://…".
    public var summary: String {
        var text = "\(operation) (lock \(id)) by \(who), pid \(pid), since \(since)"
        if let ciURL { text += ", \(ciURL)" }
        return text
    }

    public static func currentUser() -> String {
        let env = ProcessInfo.processInfo.environment
        let account = getpwuid(getuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
        let user = env["USER"] ?? env["LOGNAME"] ?? account ?? String(getuid())
        return "\(user)@\(ProcessInfo.processInfo.hostName)"
    }

    /// The GitHub Actions run URL, when running there.
    public static func ciRunURL() -> String? {
        let env = ProcessInfo.processInfo.environment
        guard let server = env["GITHUB_SERVER_URL"], let repository = env["GITHUB_REPOSITORY"], let run = env["GITHUB_RUN_ID"] else {
            return nil
        }
        return "\(server)/\(repository)/actions/runs/\(run)"
    }
}

/// An exclusive OS file lock on `<state file>.lock`, held until ``release()`` or process exit.
///
/// `flock` dies with the process, so a crashed writer never leaves the state locked on this
/// machine. The lock file holds ``LockInfo`` so that a waiting writer can name the holder.
public final class StateLock: @unchecked Sendable {
    public let path: String
    public let info: LockInfo
    private var descriptor: Int32

    private init(path: String, info: LockInfo, descriptor: Int32) {
        self.path = path
        self.info = info
        self.descriptor = descriptor
    }

    deinit { release() }

    /// The lock path for a state file.
    public static func lockPath(forState statePath: String) -> String { statePath + ".lock" }

    /// Takes the lock, waiting up to `timeout` seconds (0: try once).
    public static func acquire(statePath: String, operation: String, timeout: Double = 0, now: () -> Date = Date.init) async throws(StateError) -> StateLock {
        let path = lockPath(forState: statePath)
        let fd = try openLockFile(path)
        let deadline = Date().addingTimeInterval(max(0, timeout))
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw .lockFailed(path: path, reason: reason)
            }
            if Date() >= deadline {
                let holder = Self.holder(atPath: path)
                close(fd)
                throw .locked(path: statePath, holder: holder?.summary ?? "another process (no lock information)")
            }
            try? await Task.sleep(for: .milliseconds(50))  // a waiting writer holds no thread
        }
        let info = LockInfo(operation: operation, since: Timestamp.format(now()))
        let text = JSONWriter.pretty(info.json)
        ftruncate(fd, 0)
        _ = text.withCString { pointer in pwrite(fd, pointer, strlen(pointer), 0) }
        fsync(fd)
        return StateLock(path: path, info: info, descriptor: fd)
    }

    /// Opens the lock file at `path` for reading and writing, creating it with mode 0600 (and its
    /// directory). Never through a symbolic link, and only a regular file: a lock committed as a
    /// link to another file would make this writer truncate that file, and a FIFO would block it.
    static func openLockFile(_ path: String) throws(StateError) -> Int32 {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        switch FileStatus.of(path, followsSymlinks: false) {
        case .success(let status) where status.kind != .regular:
            throw .lockFailed(path: path, reason: refusal(status.kind))
        case .success, .failure(.missing): break
        case .failure(let error): throw .lockFailed(path: path, reason: "it \(error)")
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o600)
        guard fd >= 0 else {
            throw .lockFailed(path: path, reason: errno == ELOOP ? refusal(.symbolicLink) : String(cString: strerror(errno)))
        }
        let kind = FileStatus(descriptor: fd)?.kind ?? .other
        guard kind == .regular else {
            close(fd)
            throw .lockFailed(path: path, reason: refusal(kind))
        }
        return fd
    }

    /// Why a lock file that is not a regular file is left alone.
    static func refusal(_ kind: FileKind) -> String {
        "it is \(kind), not a regular file; certform does not follow, truncate or write it — remove it and run again"
    }

    /// Who holds (or last held) the lock at `path`; nil also when it is not a regular file, which
    /// is never read.
    public static func holder(atPath path: String) -> LockInfo? {
        guard let bytes = try? FileBytes.read(path, limit: 1 << 16, followsSymlinks: false).get(),
              let json = try? JSONParser.parse(bytes) else {
            return nil
        }
        return LockInfo(json: json)
    }

    /// The holder of the lock on `statePath` when a process on this machine holds it now. Read
    /// from the kernel's table of `flock` locks (/proc/locks), so that the lock is never touched:
    /// the information a crashed writer left in the lock file does not count.
    public static func currentHolder(statePath: String) -> LockInfo? {
        let path = lockPath(forState: statePath)
        var status = stat()
        guard lstat(path, &status) == 0, let info = holder(atPath: path),
              let table = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return nil }
        // "1: FLOCK  ADVISORY  WRITE 4242 08:01:1234567 0 EOF": the last field before the range
        // is major:minor:inode.
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[1] == "FLOCK", fields[3] == "WRITE" else { continue }
            let device = fields[5].split(separator: ":")
            if device.count == 3, UInt64(device[2]) == UInt64(status.st_ino) { return info }
        }
        return nil
    }

    public enum UnlockResult: Sendable {
        case removed(LockInfo)
        case noLock
        case otherLock(LockInfo)
        case held(LockInfo)
    }

    /// Clears the lock information `id` left behind, unless a live process still holds the lock.
    public static func unlock(statePath: String, id: String) -> UnlockResult {
        let path = lockPath(forState: statePath)
        guard let info = holder(atPath: path) else { return .noLock }
        guard info.id == id else { return .otherLock(info) }
        let fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return .noLock }
        defer { close(fd) }
        guard FileStatus(descriptor: fd)?.kind == .regular else { return .noLock }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return .held(info) }
        ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        return .removed(info)
    }

    /// Releases the lock; later calls do nothing.
    public func release() {
        guard descriptor >= 0 else { return }
        ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }
}
