/// A state held in memory only: for `plan --refresh`, which reads CertCentral into a copy of the
/// state and plans from it without writing anything.
public actor MemoryStateBackend: StateBackend {
    public nonisolated let name: String
    private var stored: State

    public init(_ state: State, name: String) {
        stored = state
        self.name = name
    }

    public func load() async throws(StateError) -> State { stored }

    public func save(_ state: State) async throws(StateError) -> State {
        var next = state
        next.serial = try state.nextSerial(path: "memory")
        stored = next
        return next
    }

    public func replace(with state: State) async throws(StateError) { stored = state }

    public func lock(operation: String, timeout: Double) async throws(StateError) -> any StateLockHandle {
        throw .lockFailed(path: name, reason: "an in-memory state takes no lock")
    }

    public func currentHolder() async -> LockInfo? { nil }

    public func unlock(id: String) async throws(StateError) -> StateLock.UnlockResult { .noLock }
}
