import ArgumentParser
import CertCentralAPI
import Dates
import Foundation

/// `--as-of`: an RFC 3339 time or a plain date (midnight UTC).
struct AsOfTime: ExpressibleByArgument {
    var date: Date

    init?(argument: String) {
        if let date = Timestamp.parse(argument) {
            self.date = date
        } else if let day = CalendarDate(argument) {
            self.date = day.startDate
        } else {
            return nil
        }
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// A duration on the command line: `30s`, `5m`, `1h`, `2d` or plain seconds.
struct DurationArgument: ExpressibleByArgument, Sendable {
    var seconds: Double
    /// As the user wrote it, for messages.
    var written: String

    init(seconds: Double, written: String) {
        self.seconds = seconds
        self.written = written
    }

    init?(argument: String) {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        if let last = argument.last, let unit = units[last], let value = Double(argument.dropLast()), value >= 0 {
            seconds = value * unit
        } else if let value = Double(argument), value >= 0 {
            seconds = value
        } else {
            return nil
        }
        written = argument
    }

    var defaultValueDescription: String { written }
}

/// `--rate-limit 100/5s,1000/180s`: rolling request windows.
struct RateLimitsArgument: ExpressibleByArgument, Sendable {
    var limits: [RateLimit]

    init?(argument: String) {
        guard let limits = RateLimit.parse(argument) else { return nil }
        self.limits = limits
    }

    var defaultValueDescription: String { limits.map(\.description).joined(separator: ",") }
}

/// `--max-orders N` or `--max-orders unlimited`.
struct OrderLimitArgument: ExpressibleByArgument, Sendable {
    /// nil: no limit.
    var count: Int?

    init(count: Int?) {
        self.count = count
    }

    init?(argument: String) {
        if argument == "unlimited" {
            count = nil
        } else if let number = Int(argument), number >= 0 {
            count = number
        } else {
            return nil
        }
    }

    var defaultValueDescription: String { count.map(String.init) ?? "unlimited" }
}
