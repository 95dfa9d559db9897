import CertCentral
import Foundation

/// Counts requests in rolling windows (CertCentral's "100 per 5 s and 1000 per 3 min"): a
/// request is admitted only when every window has room; refused requests are not counted, so the
/// limit lifts as soon as the oldest admitted request leaves its window.
struct RollingWindowLimiter: Sendable {
    let limits: [RateLimit]
    /// Admission times, oldest first, kept for the longest window.
    private var admitted: [Double] = []
    private var head = 0

    init(limits: [RateLimit]) {
        self.limits = limits
    }

    /// True when a request at `now` (seconds) fits every window; it is then counted.
    mutating func admit(at now: Double) -> Bool {
        let longest = limits.map(\.seconds).max() ?? 0
        while head < admitted.count, admitted[head] <= now - longest { head += 1 }
        if head > 4096, head * 2 > admitted.count {
            admitted.removeFirst(head)
            head = 0
        }
        for limit in limits {
            // Count admissions inside (now - seconds, now].
            let from = lowerBound(now - limit.seconds)
            if admitted.count - from >= limit.count { return false }
        }
        admitted.append(now)
        return true
    }

    /// The first index whose time is after `time`.
    private func lowerBound(_ time: Double) -> Int {
        var low = head, high = admitted.count
        while low < high {
            let mid = (low + high) / 2
            if admitted[mid] <= time { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
