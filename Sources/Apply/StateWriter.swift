import Foundation
import JSON
import States

/// The one owner of the state during apply and refresh: every change goes through it and is
/// written to disk at once (atomically), so that concurrent changes never lose one another's
/// records and a crash never loses a placed order.
public actor StateWriter {
    public private(set) var state: State
    let store: StateStore

    public init(state: State, store: StateStore) {
        self.state = state
        self.store = store
    }

    /// Applies `change` to the state and saves it (nothing is written when nothing changed).
    public func update(_ change: (inout State) -> Void) throws(StateError) {
        var next = state
        change(&next)
        guard next != state else { return }
        state = try store.save(next)
    }

    /// Persists an intent before its request is sent (SPEC §5.2 step 1).
    public func addIntent(_ intent: Intent) throws(StateError) {
        try update { $0.intents.append(intent) }
    }

    /// Records an order under `name` and drops the intent, in one write (step 3).
    public func record(_ record: StateRecord, for name: String, resolving intentID: String?) throws(StateError) {
        try update { state in
            state.certificates[name] = record
            if let intentID { state.intents.removeAll { $0.id == intentID } }
        }
    }

    /// Drops an intent whose request was certainly not placed (steps 4 and 6).
    public func removeIntent(_ id: String) throws(StateError) {
        try update { $0.intents.removeAll { $0.id == id } }
    }
}
