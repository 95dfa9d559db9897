import Foundation

/// One rolling window of a rate limit: `count` requests per `seconds`.
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    public var count: Int
    public var seconds: Double

    public init(count: Int, seconds: Double) {
        self.count = count
        self.seconds = seconds
    }

    /// CertCentral's published limits: 100 requests per 5 seconds and 1000 per 3 minutes.
    public static let certCentral = [RateLimit(count: 100, seconds: 5), RateLimit(count: 1000, seconds: 180)]

    /// Parses `100/5s,1000/180s` (units s, m, h; plain numbers are seconds).
    public static func parse(_ text: String) -> [RateLimit]? {
        var limits: [RateLimit] = []
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: "/")
            guard pieces.count == 2, let count = Int(pieces[0].trimmingCharacters(in: .whitespaces)), count > 0 else { return nil }
            var window = pieces[1].trimmingCharacters(in: .whitespaces)
            var scale = 1.0
            if let unit = window.last, let factor = ["s": 1.0, "m": 60.0, "h": 3600.0][String(unit)] {
                scale = factor
                window.removeLast()
            }
            guard let seconds = Double(window), seconds > 0 else { return nil }
            limits.append(RateLimit(count: count, seconds: seconds * scale))
        }
        return limits.isEmpty ? nil : limits
    }

    public var description: String {
        let seconds = self.seconds == self.seconds.rounded() ? String(Int(self.seconds)) : String(self.seconds)
        return "\(count)/\(seconds)s"
    }
}

/// Request times in ascending order, as both sides of a rolling-window limit keep them: the
/// client's limiter (reserving send times) and the sandbox's (counting arrivals).
public struct RequestTimes: Sendable {
    private var times: [Double] = []
    private var head = 0

    public init() {}

    /// The latest time recorded.
    public var last: Double? { head < times.count ? times.last : nil }

    /// Records `time`, which must not be earlier than the last one.
    public mutating func append(_ time: Double) {
        times.append(time)
    }

    /// Forgets times at or before `time`, which no window can count any more.
    public mutating func forget(upTo time: Double) {
        while head < times.count, times[head] <= time { head += 1 }
        if head > 4096, head * 2 > times.count {
            times.removeFirst(head)
            head = 0
        }
    }

    /// How many times lie in (`start`, `end`].
    public func count(after start: Double, through end: Double) -> Int {
        index(after: end) - index(after: start)
    }

    /// The `n`-th time after `start` (0-based), when there is one.
    public func time(_ n: Int, after start: Double) -> Double? {
        let position = index(after: start) + n
        return position < times.count ? times[position] : nil
    }

    /// The first index whose time is after `time`.
    private func index(after time: Double) -> Int {
        var low = head, high = times.count
        while low < high {
            let mid = (low + high) / 2
            if times[mid] <= time { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
