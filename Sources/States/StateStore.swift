import Files
import Foundation
import JSON

/// Reads and writes the state file (SPEC §3).
///
/// Writes are atomic: the new text goes to a temporary file in the same directory, which is
/// fsynced, renamed over the state file, and the directory is fsynced, so that a crash leaves
/// either the old file or the new one, never half of one. A file that does not parse is never
/// overwritten.
public final class StateStore: StateBackend {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var name: String { path }

    /// The state; a missing file is the empty state.
    public func load() throws(StateError) -> State {
        guard FileManager.default.fileExists(atPath: path) else { return State() }
        guard let bytes = FileBytes.read(path) else {
            throw .unreadable(path: path, reason: "permission denied or not a regular file")
        }
        // Records are decoded as the parser reads them, so that a large state is never held
        // whole as a JSON tree next to its records.
        final class Records {
            var decoded = State.StreamedRecords()
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
        do {
            return try State(json: json, streamed: records.decoded)
        } catch {
            throw .corrupt(path: path, reason: error.description)
        }
    }

    /// Writes `state` with its serial increased by one (and a lineage when it has none yet), and
    /// returns what was written.
    /// The file is written whole; the lock (held by every writer) keeps the serial current.
    @discardableResult
    public func save(_ state: State) throws(StateError) -> State {
        var next = state
        next.serial += 1
        if next.lineage == nil { next.lineage = UUID().uuidString.lowercased() }
        try Self.writeAtomically(next.fileText, to: path)
        return next
    }

    public func replace(with state: State) throws(StateError) {
        try Self.writeAtomically(state.fileText, to: path)
    }

    public func lock(operation: String, timeout: Double) throws(StateError) -> any StateLockHandle {
        try StateLock.acquire(statePath: path, operation: operation, timeout: timeout)
    }

    public func currentHolder() -> LockInfo? {
        StateLock.currentHolder(statePath: path)
    }

    public func unlock(id: String) throws(StateError) -> StateLock.UnlockResult {
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
