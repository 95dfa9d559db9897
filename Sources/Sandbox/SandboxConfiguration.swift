import CertCentralAPI
import Foundation

/// Everything `certcentral-sandbox` can be told on its command line (SPEC §8).
public struct SandboxConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 0
    public var apiKey = "sandbox-key"
    /// Keeps orders, the CA and the clock across restarts when set.
    public var dataPath: String?
    /// Seconds from an order (or reissue) to its issuance; 0 issues at the next read.
    public var issueAfter: Double = 0
    public var certificateValidityDays = 199
    public var faults = Faults()
    public var rateLimited = true
    /// Rolling windows: at most `count` requests in any `seconds`.
    public var rateLimits: [RateLimit] = RateLimit.certCentral
    public var seed: UInt64?

    public init() {}
}

/// The fault flags, settable at start and at run time (`POST /_sandbox/faults`).
public struct Faults: Sendable, Hashable, Codable {
    public var latencyMs: Int = 0
    /// Answer 500 before doing anything, with this probability.
    public var failRate: Double = 0
    /// Create the order, then close the connection without answering, with this probability.
    public var dropAfterAcceptRate: Double = 0

    public init(latencyMs: Int = 0, failRate: Double = 0, dropAfterAcceptRate: Double = 0) {
        self.latencyMs = latencyMs
        self.failRate = failRate
        self.dropAfterAcceptRate = dropAfterAcceptRate
    }

    enum CodingKeys: String, CodingKey {
        case latencyMs = "latency_ms"
        case failRate = "fail_rate"
        case dropAfterAcceptRate = "drop_after_accept_rate"
    }
}

/// A small, seedable generator (SplitMix64) so that `--seed` makes fault injection and random
/// values reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
