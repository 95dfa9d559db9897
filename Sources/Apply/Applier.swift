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
        /// The order was found after an unknown outcome and recorded.
        case adopted(orderID: Int)
        /// The order had already been renewed outside certform: the renewal order was adopted
        /// and nothing was bought.
        case renewedElsewhere(orderID: Int)
        /// CertCentral refused it; nothing was placed.
        case refused(String)
        /// Not sent: the state no longer matches the plan, or the request never left.
        case skipped(String)
        /// Not sent: CertCentral already holds an order for it that state does not know (the look
        /// before buying); a person decides.
        case blocked(String)
        /// Whether it was placed could not be told; the intent stays and the name is blocked.
        case undecided(intentID: String, reason: String)
    }

    public var change: Change
    public var kind: Kind

    public var succeeded: Bool {
        switch kind {
        case .placed, .adopted, .renewedElsewhere: return true
        default: return false
        }
    }
}

/// Executes the changes of a plan: each paid order or reissue exactly once, whatever fails
/// (SPEC §5 and §5.2). Up to `concurrency` changes are in flight; the client's rate limiter
/// keeps them within CertCentral's limits; every result is written to state as it arrives.
///
/// Before each paid order it looks at CertCentral once (a renewal made elsewhere is adopted, an
/// order state does not know blocks the create); a request whose outcome is unknown is looked
/// up, never sent again in the same run; and when an order that was placed cannot be recorded,
/// nothing more is sent.
public struct Applier: Sendable {
    let client: CertCentralClient
    let writer: StateWriter
    let resolver: IntentResolver
    let now: @Sendable () -> Date
    let halt = Halt()

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

    /// One change: checks, the look before buying, the write-ahead intent, the request.
    func apply(_ change: Change) async -> ChangeOutcome {
        if let reason = await halt.reason { return ChangeOutcome(change: change, kind: .skipped(reason)) }
        let state = await writer.state
        let previous = state.certificates[change.movedFrom ?? change.name] ?? state.certificates[change.name]
        if let reason = staleness(of: change, in: state, previous: previous) {
            return ChangeOutcome(change: change, kind: .skipped(reason))
        }
        guard let request = change.request else { return ChangeOutcome(change: change, kind: .skipped("the plan has no request for it")) }
        if change.isPaid, let outcome = await lookBeforeBuying(change, previous: previous, known: { state.knownOrderIDs }) {
            return outcome
        }
        let intent = Self.intent(for: change, request: request, at: now())
        do {
            try await writer.addIntent(intent)
        } catch {
            return ChangeOutcome(change: change, kind: .skipped("the intent could not be saved, so nothing was sent: \(error)"))
        }
        return await send(change, request: request, intent: intent, previous: previous)
    }

    /// The write-ahead record of `change` (SPEC §5.2 step 1).
    static func intent(for change: Change, request: ChangeRequest, at time: Date) -> Intent {
        var extra: [String: JSONValue] = ["dns_names": .array(change.dnsNames.map(JSONValue.string))]
        if let orderID = change.orderID, change.action == .reissue { extra["order_id"] = .int(orderID) }
        if let renewal = change.renewalOfOrderID { extra["renewal_of_order_id"] = .int(renewal) }
        // A renamed certificate's record stays under its old name until the request succeeds.
        if let moved = change.movedFrom, change.action != .create { extra["moved_from"] = .string(moved) }
        var intent = Intent(id: UUID().uuidString.lowercased(), name: change.name, action: change.action,
                            createdAt: Timestamp.format(time), requestDigest: request.digest,
                            commonName: change.commonName, product: change.product, extra: extra)
        intent.dcvEmails = change.request?.order?.dcvEmails ?? []
        return intent
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
}

/// Set once an order was placed but could not be recorded: from then on nothing is sent.
actor Halt {
    private(set) var reason: String?

    func stop(_ why: String) {
        if reason == nil { reason = why }
    }
}
