import Foundation
import JSON
import States

/// The one owner of the state during apply and refresh: every change goes through it and is
/// durable on disk (written atomically) before the caller goes on, so that concurrent changes never
/// lose one another's records and a crash never loses a placed order.
///
/// Writes are group-committed: changes that arrive while a write is in progress are applied
/// together and written once, each caller resuming only after the write that holds its change.
/// With many changes in flight this turns one rewrite of the whole file per change into one per
/// batch, without weakening the guarantee.
public actor StateWriter {
    public private(set) var state: State
    let store: any StateBackend
    private var pending: [(change: @Sendable (inout State) -> Void, done: CheckedContinuation<Result<Void, StateError>, Never>)] = []
    private var writing = false
    /// Writes made, for benchmarks and tests.
    public private(set) var writes = 0

    public init(state: State, store: any StateBackend) {
        self.state = state
        self.store = store
    }

    /// Applies `change` to the state and returns once it is saved (nothing is written when
    /// nothing changed).
    public func update(_ change: @escaping @Sendable (inout State) -> Void) async throws(StateError) {
        let result = await withCheckedContinuation { continuation in
            pending.append((change, continuation))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
        try result.get()
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = pending
            pending = []
            var next = state
            for item in batch { item.change(&next) }
            var result: Result<Void, StateError> = .success(())
            if next != state {
                do {
                    state = try await store.save(next)
                    writes += 1
                } catch {
                    result = .failure(error)
                }
            }
            for item in batch { item.done.resume(returning: result) }
        }
        writing = false
    }

    /// Persists an intent before its request is sent (SPEC §5.2 step 1).
    public func addIntent(_ intent: Intent) async throws(StateError) {
        try await update { $0.intents.append(intent) }
    }

    /// Records an order under `name` and drops the intent, in one write (step 3); a renamed
    /// certificate's record leaves its old name (`movedFrom`) in that same write, so that no
    /// moment has the order under both names.
    public func record(_ record: StateRecord, for name: String, resolving intentID: String?, movedFrom: String? = nil) async throws(StateError) {
        try await update { state in
            if let movedFrom, movedFrom != name { state.certificates.removeValue(forKey: movedFrom) }
            state.certificates[name] = record
            if let intentID { state.intents.removeAll { $0.id == intentID } }
        }
    }

    /// Drops an intent whose request was certainly not placed (steps 4 and 6).
    public func removeIntent(_ id: String) async throws(StateError) {
        try await update { $0.intents.removeAll { $0.id == id } }
    }
}
