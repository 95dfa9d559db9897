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
