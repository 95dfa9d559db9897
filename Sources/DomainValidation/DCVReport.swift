import CertCentralAPI
import States

/// What `certform dcv` (and the DCV step of apply and refresh) found and did for one order.
public struct DCVReport: Sendable, Hashable {
    /// The answer of `PUT …/check-dcv`, in certform's words.
    public enum Check: Sendable, Hashable {
        /// Validated, and the certificate is issued.
        case issued
        /// Validated; the order is still `status` (waiting for approval, or for issuance).
        case validated(status: OrderStatus)
        /// CertCentral did not find the value (a documented 400: `invalid_dns_txt`,
        /// `file_random_value_not_found`), or the order validates by email (`invalid_dns_method`).
        case notFound(code: String, message: String)
        /// The check could not be made (another API error, the network).
        case failed(String)
    }

    public var name: String
    public var orderID: Int
    public var status: OrderStatus
    public var method: DCVMethod?
    public var randomValue: String?
    /// When CertCentral stops accepting ``randomValue``, as it said or as estimated (30 days from
    /// the order) — see ``expiryIsEstimated``.
    public var expiresAt: String?
    public var expiryIsEstimated = false
    /// The value was read from CertCentral in this run (it was missing, or had expired).
    public var valueFetched = false
    /// An expired value was replaced by a new one.
    public var valueReplaced = false
    /// What to publish (token methods) …
    public var tasks: [DCVTask] = []
    /// The names, method and value of ``tasks`` are what CertCentral confirmed in this run, what
    /// this run's own order sent, or a publication certform's tag vouches for — not what the
    /// state file says.
    public var confirmed = false
    /// … or where the DCV email goes (email).
    public var emails: [String] = []
    /// The domains among `emails` whose constructed addresses are written to, and whose WHOIS
    /// contacts are too (the rest are addresses the order's `dcv_emails` set).
    public var emailDomains: [String] = []
    public var hookRuns: [DCVHook.Run] = []
    public var check: Check?
    /// Whether the published token was removed (`cleanup`) in this run.
    public var cleanedUp = false
    public var problems: [String] = []
    /// Worth knowing, not a failure (a publication certform did not tag, left alone).
    public var notices: [String] = []

    public init(name: String, record: StateRecord) {
        self.name = name
        orderID = record.orderID
        status = record.status
        method = record.dcvMethod
    }

    /// True when something went wrong: a hook, a check that could not be made, a value not read.
    public var failed: Bool {
        if !problems.isEmpty || hookRuns.contains(where: { !$0.succeeded }) { return true }
        if case .failed? = check { return true }
        return false
    }

    /// Still waiting for domain control validation.
    public var awaitingValidation: Bool { status.isInProgress }
}
