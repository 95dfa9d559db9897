import CertCentral
import CertCentralAPI
import Foundation
import States

extension Applier {
    /// Settles every leftover intent before anything else (SPEC §5.2 step 7): adopt the one
    /// matching order, drop the intent when there is none, keep it when it cannot be told.
    public func resolveLeftoverIntents() async -> [(Intent, IntentResolver.Resolution)] {
        var results: [(Intent, IntentResolver.Resolution)] = []
        for intent in await writer.state.intents {
            let state = await writer.state
            let (previous, movedFrom) = Self.previous(of: intent, in: state)
            let resolution = await resolver.resolve(intent, previous: previous, known: state.knownOrderIDs)
            do {
                try await settleLeftover(intent, resolution, previous: previous, movedFrom: movedFrom)
            } catch {
                results.append((intent, .undecided("the state could not be saved: \(error)")))
                continue
            }
            results.append((intent, resolution))
        }
        return results
    }

    /// The record an intent's request concerns: its name's, or — for a renamed certificate whose
    /// request was in flight — the old name's, which moves to the new name once the order is
    /// found (returned as the second value).
    public static func previous(of intent: Intent, in state: State) -> (StateRecord?, String?) {
        if let own = state.certificates[intent.name] { return (own, nil) }
        guard let old = intent.extra["moved_from"]?.stringValue, let record = state.certificates[old] else { return (nil, nil) }
        return (record, old)
    }

    func settleLeftover(_ intent: Intent, _ resolution: IntentResolver.Resolution, previous: StateRecord?, movedFrom: String?) async throws(StateError) {
        switch resolution {
        case .placed(let info):
            var record: StateRecord
            if intent.action == .reissue, let previous {
                record = previous
                _ = OrderRecords.refresh(&record, with: info)
            } else {
                record = OrderRecords.imported(info, expected: intent.product)
                if let previous {
                    record.history = previous.history + [OrderRecords.historyEntry(previous, ended: intent.action.endedWord)]
                    if intent.action == .renew { record.renewalOfOrderID = previous.orderID }
                }
                record.dcvEmails = intent.dcvEmails
            }
            try await writer.record(record, for: intent.name, resolving: intent.id, movedFrom: movedFrom)
        case .notPlaced:
            try await writer.removeIntent(intent.id)
        case .undecided:
            break
        }
    }
}
