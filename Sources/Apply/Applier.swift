import CertCentral
import CertCentralAPI
import Dates
import Foundation
import JSON
import Plans
import States

/// What happened to one change.
public struct ChangeOutcome: Sendable {
    public enum Kind: Sendable {
        /// The order (or reissue) was placed and recorded.
        case placed(orderID: Int, dcvRandomValue: String?)
        /// An unknown outcome was looked up and the order found and recorded.
        case adopted(orderID: Int)
        /// CertCentral refused it; nothing was placed.
        case refused(String)
        /// Not sent: the state no longer matches the plan, or the request never left.
        case skipped(String)
        /// Whether it was placed could not be told; the intent stays and the name is blocked.
        case undecided(intentID: String, reason: String)
    }

    public var change: Change
    public var kind: Kind

    public var succeeded: Bool {
        switch kind {
        case .placed, .adopted: return true
        default: return false
        }
    }
}

/// Executes the changes of a plan: each paid order or reissue exactly once, whatever fails
/// (SPEC §5 and §5.2). Up to `concurrency` changes are in flight; the client's rate limiter
/// keeps them within CertCentral's limits; every result is written to state as it arrives.
public struct Applier: Sendable {
    let client: CertCentralClient
    let writer: StateWriter
    let resolver: IntentResolver
    let now: @Sendable () -> Date

    public init(client: CertCentralClient, writer: StateWriter, now: @escaping @Sendable () -> Date = Date.init) {
        self.client = client
        self.writer = writer
        resolver = IntentResolver(client: client)
        self.now = now
    }

    /// Applies `changes` (only create, renew and reissue are sent); `progress` hears of each
    /// outcome as it completes.
    public func apply(_ changes: [Change], concurrency: Int,
                      progress: @escaping @Sendable (ChangeOutcome) async -> Void) async -> [ChangeOutcome] {
        await runBounded(changes.filter(\.action.isChange), limit: concurrency, body: { await self.apply($0) }, progress: progress)
    }

    /// Moves the state records of renamed certificates (`moved_from`) whose change sends nothing;
    /// a change that sends a request moves its record when the request succeeds. Returns the
    /// names moved, as (old, new).
    public func applyRenames(_ changes: [Change]) async throws(StateError) -> [(String, String)] {
        let renames = changes.compactMap { change -> (String, String)? in
            guard let old = change.movedFrom, !change.action.isChange else { return nil }
            return (old, change.name)
        }
        guard !renames.isEmpty else { return [] }
        let moves = renames
        try await writer.update { state in
            for (old, new) in moves where state.certificates[new] == nil {
                if let record = state.certificates.removeValue(forKey: old) { state.certificates[new] = record }
            }
        }
        return renames
    }

    /// One change, with its write-ahead intent.
    func apply(_ change: Change) async -> ChangeOutcome {
        let state = await writer.state
        let previous = state.certificates[change.movedFrom ?? change.name] ?? state.certificates[change.name]
        if let reason = staleness(of: change, in: state, previous: previous) {
            return ChangeOutcome(change: change, kind: .skipped(reason))
        }
        guard let request = change.request else { return ChangeOutcome(change: change, kind: .skipped("the plan has no request for it")) }
        var extra: [String: JSONValue] = ["dns_names": .array(change.dnsNames.map(JSONValue.string))]
        if let orderID = change.orderID, change.action == .reissue { extra["order_id"] = .int(orderID) }
        if let renewal = change.renewalOfOrderID { extra["renewal_of_order_id"] = .int(renewal) }
        let intent = Intent(id: UUID().uuidString.lowercased(), name: change.name, action: change.action,
                            createdAt: Timestamp.format(now()), requestDigest: request.digest,
                            commonName: change.commonName, product: change.product, extra: extra)
        do {
            try await writer.addIntent(intent)
        } catch {
            return ChangeOutcome(change: change, kind: .skipped("the intent could not be saved, so nothing was sent: \(error)"))
        }
        return await send(change, request: request, intent: intent, previous: previous, resendsLeft: 1)
    }

    func send(_ change: Change, request: ChangeRequest, intent: Intent, previous: StateRecord?, resendsLeft: Int) async -> ChangeOutcome {
        do {
            switch request {
            case .reissue(let body):
                guard let previous else { throw CertCentralError.transport(method: "POST", path: Endpoint.reissue(change.orderID ?? 0), reason: "no order to reissue") }
                _ = try await client.reissue(orderID: previous.orderID, body: body)
                try await writer.record(OrderRecords.reissued(change, previous: previous, at: now()), for: change.name, resolving: intent.id)
                if let moved = change.movedFrom { try await writer.update { $0.certificates.removeValue(forKey: moved) } }
                return ChangeOutcome(change: change, kind: .placed(orderID: previous.orderID, dcvRandomValue: nil))
            case .order(let body):
                let created = try await client.placeOrder(product: change.product, body: body)
                let record = OrderRecords.placed(change, orderID: created.id, certificateID: created.certificateID,
                                                 dcvRandomValue: created.dcvRandomValue, previous: previous, at: now())
                try await writer.record(record, for: change.name, resolving: intent.id)
                if let moved = change.movedFrom { try await writer.update { $0.certificates.removeValue(forKey: moved) } }
                return ChangeOutcome(change: change, kind: .placed(orderID: created.id, dcvRandomValue: created.dcvRandomValue))
            }
        } catch let error as CertCentralError {
            switch error {
            case .unknownOutcome:
                return await settle(change, request: request, intent: intent, previous: previous, resendsLeft: resendsLeft, cause: error)
            case .api, .invalidKey, .unexpectedResponse, .rateLimited, .transport:
                // Definitely not processed: drop the intent, report, go on with the others.
                try? await writer.removeIntent(intent.id)
                return ChangeOutcome(change: change, kind: .refused(error.description))
            }
        } catch {
            // The order was placed but could not be recorded: the intent stays, so that the next
            // run finds the order by lookup instead of placing it again.
            return ChangeOutcome(change: change, kind: .undecided(intentID: intent.id, reason: "the result could not be saved: \(error)"))
        }
    }

    /// An unknown outcome: look the order up; adopt it, or send once more if it is not there.
    func settle(_ change: Change, request: ChangeRequest, intent: Intent, previous: StateRecord?, resendsLeft: Int, cause: CertCentralError) async -> ChangeOutcome {
        switch await resolver.resolve(intent, previous: previous) {
        case .placed(let info):
            do {
                let record: StateRecord
                if change.action == .reissue, let previous {
                    record = OrderRecords.reissued(change, previous: previous, at: now())
                } else {
                    record = OrderRecords.placed(change, orderID: info.id, certificateID: info.certificate.id,
                                                 dcvRandomValue: nil, previous: previous, at: now())
                }
                try await writer.record(record, for: change.name, resolving: intent.id)
                return ChangeOutcome(change: change, kind: .adopted(orderID: info.id))
            } catch {
                return ChangeOutcome(change: change, kind: .undecided(intentID: intent.id, reason: "order \(info.id) was found but could not be saved: \(error)"))
            }
        case .notPlaced:
            guard resendsLeft > 0 else {
                try? await writer.removeIntent(intent.id)
                return ChangeOutcome(change: change, kind: .refused("\(cause); the lookup found no order, twice; plan and apply again"))
            }
            return await send(change, request: request, intent: intent, previous: previous, resendsLeft: resendsLeft - 1)
        case .undecided(let reason):
            return ChangeOutcome(change: change, kind: .undecided(intentID: intent.id, reason: "\(cause); \(reason)"))
        }
    }

    /// Why `change` must not be sent against the current state, or nil when it still holds.
    func staleness(of change: Change, in state: State, previous: StateRecord?) -> String? {
        if state.intents.contains(where: { $0.name == change.name }) {
            return "an unresolved intent exists for it"
        }
        switch change.action {
        case .create:
            if let previous, !previous.status.isFailed {
                return "state now holds order \(previous.orderID) (\(previous.status)) for it"
            }
        case .renew, .reissue:
            guard let previous else { return "its order is no longer in state" }
            if let expected = change.orderID, previous.orderID != expected {
                return "state now holds order \(previous.orderID), not \(expected)"
            }
        default:
            return "\(change.action.rawValue) sends nothing"
        }
        return nil
    }

    /// Settles every leftover intent before anything else (SPEC §5.2 step 7): adopt the one
    /// matching order, drop the intent when there is none, keep it when it cannot be told.
    public func resolveLeftoverIntents() async -> [(Intent, IntentResolver.Resolution)] {
        var results: [(Intent, IntentResolver.Resolution)] = []
        for intent in await writer.state.intents {
            let previous = await writer.state.certificates[intent.name]
            let resolution = await resolver.resolve(intent, previous: previous)
            do {
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
                    }
                    try await writer.record(record, for: intent.name, resolving: intent.id)
                case .notPlaced:
                    try await writer.removeIntent(intent.id)
                case .undecided:
                    break
                }
            } catch {
                results.append((intent, .undecided("the state could not be saved: \(error)")))
                continue
            }
            results.append((intent, resolution))
        }
        return results
    }
}
