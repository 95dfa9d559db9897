import CertCentralAPI
import Foundation

/// Counts requests in rolling windows (CertCentral's "100 per 5 s and 1000 per 3 min"): a
/// request is admitted only when every window has room; refused requests are not counted, so the
/// limit lifts as soon as the oldest admitted request leaves its window.
struct RollingWindowLimiter: Sendable {
    let limits: [RateLimit]
    /// Admission times, kept for the longest window.
    private var admitted = RequestTimes()

    init(limits: [RateLimit]) {
        self.limits = limits
    }

    /// True when a request at `now` (seconds) fits every window; it is then counted.
    mutating func admit(at now: Double) -> Bool {
        admitted.forget(upTo: now - (limits.map(\.seconds).max() ?? 0))
        for limit in limits where admitted.count(after: now - limit.seconds, through: now) >= limit.count {
            return false
        }
        admitted.append(now)
        return true
    }
}
