/// A CertCentral order status. Statuses certform does not know are kept as ``unknown(_:)`` with
/// the text CertCentral sent, so that they survive a state rewrite and are shown as they are.
public enum OrderStatus: Sendable, Hashable, Codable, CustomStringConvertible {
    case pending, needsApproval, processing, reissuePending, waitingPickup, approved, needsCSR
    case issued, expired
    case rejected, canceled, revoked, denied, reissueRevoked
    case unknown(String)

    static let known: [(OrderStatus, String)] = [
        (.pending, "pending"), (.needsApproval, "needs_approval"), (.processing, "processing"),
        (.reissuePending, "reissue_pending"), (.waitingPickup, "waiting_pickup"), (.approved, "approved"),
        (.needsCSR, "needs_csr"), (.issued, "issued"), (.expired, "expired"), (.rejected, "rejected"),
        (.canceled, "canceled"), (.revoked, "revoked"), (.denied, "denied"), (.reissueRevoked, "reissue_revoked"),
    ]

    /// Every status certform knows by name.
    public static var allKnown: [OrderStatus] { known.map(\.0) }

    public init(_ text: String) {
        self = Self.known.first { $0.1 == text }?.0 ?? .unknown(text)
    }

    /// The status as CertCentral writes it.
    public var rawValue: String {
        if case .unknown(let text) = self { return text }
        return Self.known.first { $0.0 == self }!.1
    }

    public var description: String { rawValue }

    /// Still moving through CertCentral: nothing to do but wait.
    public var isInProgress: Bool {
        switch self {
        case .pending, .needsApproval, .processing, .reissuePending, .waitingPickup, .approved, .needsCSR: return true
        default: return false
        }
    }

    /// Ended without a usable certificate: a new order replaces it.
    public var isFailed: Bool {
        switch self {
        case .rejected, .canceled, .revoked, .denied, .reissueRevoked: return true
        default: return false
        }
    }

    /// Holds or will hold a certificate (not failed, not expired).
    public var isActive: Bool { self == .issued || isInProgress }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
