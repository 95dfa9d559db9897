/// Where the state lives: a JSON file in git (``StateStore``) or tables in PostgreSQL
/// (`PostgresState`). Every command reads and writes the state through this, so both behave the
/// same: whole-state reads, writes that are atomic and bump `serial`, and one writer at a time.
/// Asynchronous, so that a network backend never blocks a thread of the concurrency pool.
public protocol StateBackend: AnyObject, Sendable {
    /// How to name this state in messages (a path, or a URL without its password).
    var name: String { get }

    /// The state; a state that does not exist yet is the empty state.
    func load() async throws(StateError) -> State

    /// Writes `state` with its serial increased by one (and a lineage when it has none yet), in
    /// one atomic step, and returns what was written. Refuses — writing nothing — when the stored
    /// serial is no longer the one `state` was read at, so that a writer that lost its lock never
    /// overwrites newer state.
    @discardableResult
    func save(_ state: State) async throws(StateError) -> State

    /// Replaces whatever is stored with `state` exactly as it is (lineage and serial kept): for
    /// `certform state migrate`.
    func replace(with state: State) async throws(StateError)

    /// Takes the writers' lock, waiting up to `timeout` seconds (0: try once). The error names the
    /// holder. The lock is released by ``StateLockHandle/release()`` or when the process ends.
    func lock(operation: String, timeout: Double) async throws(StateError) -> any StateLockHandle

    /// Who holds the writers' lock right now, when someone does (for `plan` to say that a writer
    /// is running); nil when it is free or that cannot be told. Never takes the lock.
    func currentHolder() async -> LockInfo?

    /// Clears lock information that a dead holder left behind (`certform unlock`).
    func unlock(id: String) async throws(StateError) -> StateLock.UnlockResult

    /// Closes connections; later calls fail. Files need nothing.
    func close() async
}

/// A held state lock.
public protocol StateLockHandle: AnyObject, Sendable {
    var info: LockInfo { get }
    func release() async
}

extension StateLock: StateLockHandle {}

extension StateBackend {
    public func close() async {}
}
