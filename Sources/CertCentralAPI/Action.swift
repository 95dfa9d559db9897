/// What certform will do for one certificate name (SPEC §4). A closed vocabulary: every plan,
/// renderer, intent and exit code is decided from these.
public enum Action: String, Sendable, Hashable, CaseIterable, Codable {
    /// POST a new order (paid).
    case create
    /// POST an order with `renewal_of_order_id` and `renewed_thumbprint` (paid).
    case renew
    /// POST a reissue of the existing order (free).
    case reissue
    /// The order is still moving through CertCentral.
    case wait
    /// Nothing to do.
    case none
    /// In state, in no manifest; certform never revokes.
    case orphan
    /// Cannot proceed until a person decides (an unresolved intent, or a likely rename).
    case blocked

    /// Actions that send a request.
    public var isChange: Bool { self == .create || self == .renew || self == .reissue }

    /// Actions that cost money.
    public var isPaid: Bool { self == .create || self == .renew }

    /// How a history entry says an order ended when this action replaced it.
    public var endedWord: String {
        switch self {
        case .renew: return "renewed"
        case .reissue: return "reissued"
        default: return "replaced"
        }
    }
}

extension Action: CustomStringConvertible {
    /// As the API writes it.
    public var description: String { rawValue }
}
