import Dates
import Foundation
import States

extension SavedPlan {
    /// Why this saved plan no longer holds (SPEC §5), in words; empty when it still does.
    ///
    /// - Parameters:
    ///   - state: the state as it is now, before anything changed it.
    ///   - manifestsDigest: the digest of the manifests as they are now, or nil when there is no
    ///     manifests directory to compare with.
    ///   - maxAge: the oldest plan accepted, in seconds, and how the user wrote it.
    public func staleness(state: State, manifestsDigest: String?, now: Date, maxAge: (seconds: Double, written: String)) -> [String] {
        var reasons: [String] = []
        if stateLineage != state.lineage {
            reasons.append("the state lineage is \(state.lineage ?? "none"), the plan was made for \(stateLineage ?? "none")")
        }
        if stateSerial != state.serial {
            reasons.append("the state serial is \(state.serial), the plan was made at serial \(stateSerial)")
        }
        if let manifestsDigest, manifestsDigest != self.manifestsDigest {
            reasons.append("the manifests changed since the plan was made")
        }
        let age = now.timeIntervalSince(createdAt)
        if age > maxAge.seconds {
            reasons.append("the plan is \(Int(age / 3600)) hours old, older than --max-plan-age \(maxAge.written)")
        }
        return reasons
    }
}

extension SavedPlan {
    /// How far after `created_at` a saved plan's `as_of` may be (clock steps between the two):
    /// one for a later time is refused (``tampering(against:now:)``).
    public static let asOfAllowance: TimeInterval = 300

    /// Why this saved plan must not be applied although it is current (SPEC §5: a saved plan can
    /// only narrow what is sent, never widen it): a name twice, a `created_at` in the future, or a
    /// change that the plan recomputed now from the same manifests and state does not hold —
    /// another action, product or request body than the reviewed plan showed.
    public func tampering(against recomputed: Plan, now: Date) -> [String] {
        var problems: [String] = []
        if createdAt > now.addingTimeInterval(60) {
            problems.append("its created_at \(Timestamp.format(createdAt)) is in the future")
        }
        if asOf > createdAt.addingTimeInterval(Self.asOfAllowance) {
            // Decisions are made as of this time: a later one turns coverage into renewals.
            problems.append("its as_of \(Timestamp.format(asOf)) is after its created_at; a plan for a later time cannot be applied — plan again without --as-of")
        }
        var seen: Set<String> = []
        for change in changes where !seen.insert(change.name).inserted {
            problems.append("it names '\(change.name)' twice")
        }
        let expected = Dictionary(recomputed.changes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for change in changes {
            guard let planned = expected[change.name] else {
                problems.append("'\(change.name)' is in no manifest or state")
                continue
            }
            if let difference = Self.difference(change, planned) {
                problems.append("'\(change.name)': \(difference)")
            }
        }
        return problems
    }

    /// How a saved change differs from the recomputed one in what would be sent, or nil.
    static func difference(_ saved: Change, _ planned: Change) -> String? {
        if saved.action != planned.action { return "the plan says \(saved.action), the manifests and state say \(planned.action)" }
        if saved.product != planned.product { return "the plan orders \(saved.product), the manifests say \(planned.product)" }
        if saved.request?.digest != planned.request?.digest { return "its request body is not the one the manifests and state give" }
        if saved.orderID != planned.orderID { return "it names order \(saved.orderID.map(String.init) ?? "none"), state holds \(planned.orderID.map(String.init) ?? "none")" }
        return nil
    }

    /// The recomputed changes for the names this plan holds: what apply sends, so that the bytes
    /// sent are the planner's, never the file's.
    public func narrowed(_ recomputed: Plan) -> [Change] {
        let sends = Set(changes.filter(\.action.isChange).map(\.name))
        let renames = Set(changes.filter { $0.movedFrom != nil }.map(\.name))
        return recomputed.changes.filter { sends.contains($0.name) && $0.action.isChange || renames.contains($0.name) && !$0.action.isChange }
    }
}
