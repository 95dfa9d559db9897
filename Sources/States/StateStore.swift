import Files
import Foundation
import JSON

/// Reads and writes the state file (SPEC §3).
///
/// Writes are atomic: the new text goes to a temporary file in the same directory, which is
/// fsynced, renamed over the state file, and the directory is fsynced, so that a crash leaves
/// either the old file or the new one, never half of one. A file that does not parse is never
/// overwritten.
public final class StateStore: StateBackend, @unchecked Sendable {
    public let path: String
    /// The file as this store last read or wrote it (device, inode, size, modification time), so
    /// that a save can tell, with one `stat`, whether someone else wrote it in between.
    private var seen: FileIdentity?
    private let mutex = NSLock()
    /// The text of records unchanged since the last save is reused (guarded by `mutex`).
    private let renderer = StateFileRenderer()

    public init(path: String) {
        self.path = path
    }

    public var name: String { path }

    /// The state; a missing file is the empty state.
    public func load() async throws(StateError) -> State {
        try read()
    }

    /// The state, read at once (for callers outside an asynchronous context).
    public func read() throws(StateError) -> State {
        let identity = FileIdentity(path)
        let state = try readFile()
        mutex.withLock { seen = identity }
        return state
    }

    /// The file's state, without remembering it as seen (the serial check reads this way, so
    /// that a conflict it finds is found again by the next save).
    ///
    /// The file is read a piece at a time and each record decoded as soon as its text is read,
    /// so that neither the file (105 MB at 100,000 records) nor a JSON tree of it is held whole.
    /// A file that does not read that way — anything malformed — is read again whole, which
    /// gives the same state or the exact place of the error.
    func readFile() throws(StateError) -> State {
        try checkDirectories()
        // Not through a symbolic link, and only a regular file: a state committed as a link to
        // another file, or as a FIFO, is refused, never read (SPEC §3).
        let stream: FileStream
        switch FileStream.open(path, limit: Int.max, followsSymlinks: false) {
        case .success(let opened): stream = opened
        case .failure(.missing): return State()
        case .failure(let error): throw unreadable(error)
        }
        let records = Records()
        records.decoded.reserveCapacity(forFileOf: stream.size)
        if let json = JSONParser.parse(reading: stream.read(into:), streaming: "certificates",
                                       member: { name, entry in records.decoded.add(name: name, json: entry) },
                                       plain: { text in records.decoded.add(plain: text) }) {
            return try state(json, records)
        }
        if let error = stream.error { throw unreadable(error) }
        return try readWhole()
    }

    /// Records are decoded as the parser reads them, so that a large state is never held whole
    /// as a JSON tree next to its records.
    private final class Records {
        var decoded = State.StreamedRecords()
    }

    private func unreadable(_ error: FileReadError) -> StateError {
        if case .notRegular(let kind) = error {
            return .unreadable(path: path, reason: "it is \(kind), not a regular file; certform does not follow or read it — replace it with the state file itself")
        }
        return .unreadable(path: path, reason: "it \(error)")
    }

    /// The file read whole and parsed in one go, for the exact place of an error.
    private func readWhole() throws(StateError) -> State {
        let bytes: [UInt8]
        switch FileBytes.read(path, limit: Int.max, followsSymlinks: false) {
        case .success(let read): bytes = read
        case .failure(.missing): return State()
        case .failure(let error): throw unreadable(error)
        }
        let records = Records()
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes, streaming: "certificates") { name, entry in
                records.decoded.add(name: name, json: entry)
            }
        } catch {
            throw .corrupt(path: path, reason: "invalid JSON at \(error)")
        }
        return try state(json, records)
    }

    private func state(_ json: JSONValue, _ records: Records) throws(StateError) -> State {
        do {
            return try State(json: json, streamed: records.decoded)
        } catch {
            throw .corrupt(path: path, reason: error.description)
        }
    }

    /// Writes `state` with its serial increased by one (and a lineage when it has none yet), and
    /// returns what was written. Refuses, writing nothing, when the file's serial is no longer
    /// the one `state` was read at (re-read only when the file changed since this store saw it).
    @discardableResult
    public func save(_ state: State) async throws(StateError) -> State {
        try checkSerial(state)
        var next = state
        next.serial = try state.nextSerial(path: path)
        if next.lineage == nil { next.lineage = UUID().uuidString.lowercased() }
        let bytes = mutex.withLock { renderer.render(next) }
        try checkDirectories()
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw .unwritable(path: path, reason: error.reason)
        }
        mutex.withLock { seen = FileIdentity(path) }
        return next
    }

    /// The serial check of ``StateBackend/save(_:)``: a file changed by another writer since
    /// this store read or wrote it is read again, and must still be at `state`'s serial.
    func checkSerial(_ state: State) throws(StateError) {
        let current = FileIdentity(path)
        guard current != mutex.withLock({ seen }), current != nil else { return }
        let stored = try readFile()
        if stored.serial != state.serial || stored.lineage != state.lineage && stored.lineage != nil {
            throw .conflict(path: path, stored: stored.serial, expected: state.serial)
        }
    }

    public func replace(with state: State) async throws(StateError) {
        try checkDirectories()
        try Self.writeAtomically(state.fileText, to: path)
    }

    public func lock(operation: String, timeout: Double) async throws(StateError) -> any StateLockHandle {
        try checkDirectories()
        return try await StateLock.acquire(statePath: path, operation: operation, timeout: timeout)
    }

    /// A relative state path — the repository's own, as CI gives it — must not pass through a
    /// symbolic link: a `state` directory committed as a link would have certform read, lock and
    /// write a state outside the repository. An absolute path is the operator's choice.
    func checkDirectories() throws(StateError) {
        guard let linked = FileStatus.linkedDirectory(on: path) else { return }
        throw .unreadable(path: path, reason: "its directory '\(linked)' is a symbolic link, which certform does not follow in a relative state path; use the directory itself, or give --state an absolute path")
    }

    public func currentHolder() async -> LockInfo? {
        StateLock.currentHolder(statePath: path)
    }

    public func unlock(id: String) async throws(StateError) -> StateLock.UnlockResult {
        StateLock.unlock(statePath: path, id: id)
    }

    /// Replaces the file at `path` with `text` atomically (also used for saved plans).
    public static func writeAtomically(_ text: String, to path: String) throws(StateError) {
        do {
            try AtomicFile.write(text, to: path)
        } catch {
            throw .unwritable(path: path, reason: error.reason)
        }
    }
}

/// What `stat` says of a file, enough to tell that it was replaced or rewritten.
struct FileIdentity: Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: Int64
    var modifiedNanoseconds: Int

    /// nil when there is no file; a symbolic link is described itself, not followed.
    init?(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
    }
}
