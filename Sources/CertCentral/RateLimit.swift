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
