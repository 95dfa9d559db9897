/// `certform state migrate`: copies a state between backends, losing nothing (SPEC §3, §7).
public enum StateMigration {
    /// What was copied.
    public struct Result: Sendable {
        public var state: State
        public var from: String
        public var to: String
    }

    /// Copies `source` into `destination` under both writers' locks, then reads the copy back and
    /// compares it with the original. The destination must be empty or an older copy of the same
    /// state (same lineage, lower or equal serial) unless `force`; an empty source is refused, since
    /// it is almost always a wrong path or URL.
    public static func migrate(from source: any StateBackend, to destination: any StateBackend,
                               force: Bool, lockTimeout: Double) async throws(StateError) -> Result {
        guard source.name != destination.name else {
            throw .unwritable(path: destination.name, reason: "it is the source itself")
        }
        let sourceLock = try await source.lock(operation: "state migrate", timeout: lockTimeout)
        do throws(StateError) {
            let destinationLock = try await destination.lock(operation: "state migrate", timeout: lockTimeout)
            do throws(StateError) {
                let result = try await copy(from: source, to: destination, force: force)
                await destinationLock.release()
                await sourceLock.release()
                return result
            } catch {
                await destinationLock.release()
                throw error
            }
        } catch {
            await sourceLock.release()
            throw error
        }
    }

    static func copy(from source: any StateBackend, to destination: any StateBackend, force: Bool) async throws(StateError) -> Result {
        let state = try await source.load()
        if state.isEmpty {
            throw .unreadable(path: source.name, reason: "it holds no state (a wrong path or URL?); nothing was copied")
        }
        let existing = try await destination.load()
        let isOlderCopy = existing.lineage == state.lineage && existing.serial <= state.serial
        if !(existing.isEmpty || isOlderCopy || force) {
            throw .unwritable(path: destination.name, reason: "it holds another state (lineage \(existing.lineage ?? "none"), serial \(existing.serial), \(existing.certificates.count) certificates); pass --force to replace it")
        }
        try await destination.replace(with: state)
        guard try await destination.load() == state else {
            throw .unwritable(path: destination.name, reason: "the copy read back differs from the source; the source is unchanged, do not use the copy")
        }
        return Result(state: state, from: source.name, to: destination.name)
    }
}

extension State {
    /// No lineage, no records, no intents: a state that was never written.
    public var isEmpty: Bool { lineage == nil && certificates.isEmpty && intents.isEmpty }
}
