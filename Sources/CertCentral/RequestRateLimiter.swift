import CertCentralAPI
import Foundation

/// Keeps every request of one process inside CertCentral's rolling windows (100 per 5 s and
/// 1000 per 3 min by default). Each request reserves the earliest moment at which every window
/// has room, then sleeps until it; so many concurrent tasks never exceed either window.
///
/// The server counts arrivals, not departures, so each window is widened by a small margin to
/// absorb network jitter.
public actor RequestRateLimiter {
    public let limits: [RateLimit]
    let margin: Double
    /// Reserved send times (seconds on the monotonic clock), ascending.
    private var reserved = RequestTimes()
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant

    public init(limits: [RateLimit], margin: Double = 0.05) {
        self.limits = limits
        self.margin = margin
        origin = clock.now
    }

    func now() -> Double {
        let elapsed = clock.now - origin
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Waits until this request may be sent.
    public func acquire() async throws {
        let at = reserve(at: now())
        let delay = at - now()
        if delay > 0 { try await Task.sleep(for: .seconds(delay)) }
    }

    /// The earliest time ≥ `earliest` that fits every window; it is recorded as taken.
    func reserve(at earliest: Double) -> Double {
        reserved.forget(upTo: earliest - (limits.map(\.seconds).max() ?? 0) - margin)
        // First come, first served: a new reservation never goes before an earlier one, so only
        // the windows that end at it need checking.
        var time = max(earliest, reserved.last ?? earliest)
        var moved = true
        while moved {
            moved = false
            for limit in limits {
                let window = limit.seconds + margin
                // If the window ending at `time` is full, move past the oldest reservation that
                // must leave it.
                let inside = reserved.count(after: time - window, through: time)
                if inside >= limit.count, let blocking = reserved.time(inside - limit.count, after: time - window) {
                    time = blocking + window + 0.000_001
                    moved = true
                }
            }
        }
        reserved.append(time)
        return time
    }
}
