import CertCentralAPI
/// Why a CertCentral call failed. Every case says whether the request may have been processed.
public enum CertCentralError: Error, Sendable, CustomStringConvertible {
    /// The API answered with an error: the request was not processed. Keeps the status and every
    /// code and message.
    case api(status: Int, errors: [APIError])
    /// 403 `access_denied_invalid_key`: never retried.
    case invalidKey
    /// The API kept answering 429 beyond the retry budget.
    case rateLimited(attempts: Int)
    /// A POST that may or may not have been processed: a timeout, a connection lost after the
    /// request was written, or a 5xx. It must be resolved by looking the order up, never by
    /// sending it again blindly (SPEC §5.2).
    case unknownOutcome(method: String, path: String, reason: String)
    /// The request could not be delivered (and, for a POST, was certainly not processed), or a GET
    /// kept failing beyond the retry budget.
    case transport(method: String, path: String, reason: String)
    /// An answer that is not what the API sends: a proxy's HTML page, or JSON of the wrong shape.
    case unexpectedResponse(status: Int, path: String, reason: String)

    public var description: String {
        switch self {
        case .api(let status, let errors):
            let list = errors.map { "\($0.code): \($0.message)" }.joined(separator: "; ")
            return "CertCentral refused the request (HTTP \(status)): \(list.isEmpty ? "no error details" : list)"
        case .invalidKey:
            return "the API key was refused (403 access_denied_invalid_key); check DIGICERT_API_KEY or --api-key-file"
        case .rateLimited(let attempts):
            return "CertCentral kept answering 429 (rate limited) after \(attempts) attempts; another client may share this API key"
        case .unknownOutcome(let method, let path, let reason):
            return "\(method) \(path) may or may not have been processed (\(reason)); it was not sent again"
        case .transport(let method, let path, let reason):
            return "\(method) \(path) failed: \(reason)"
        case .unexpectedResponse(let status, let path, let reason):
            return "unexpected answer from CertCentral for \(path) (HTTP \(status)): \(reason)"
        }
    }

    /// The API error codes, for callers that branch on them.
    public var codes: [String] {
        if case .api(_, let errors) = self { return errors.map(\.code) }
        return []
    }

    /// True when the request may have been processed.
    public var isUnknownOutcome: Bool {
        if case .unknownOutcome = self { return true }
        return false
    }
}
