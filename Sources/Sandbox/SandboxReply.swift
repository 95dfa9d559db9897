import CertCentralAPI
import JSON

/// What a sandbox call answers: a status and a JSON body (or PEM text). Bodies are always one of
/// the wire contract's types (or an admin type), encoded, never assembled by hand.
public struct SandboxReply: Sendable {
    public var status: Int
    public var body: JSONValue?
    public var text: String?
    /// Close the connection without answering (fault injection after the order was accepted).
    public var drop = false

    static func json(_ status: Int, _ body: some Encodable) -> SandboxReply {
        SandboxReply(status: status, body: body.jsonValue)
    }

    static func errors(_ status: Int, _ errors: [APIError]) -> SandboxReply {
        .json(status, ErrorResponse(errors: errors))
    }

    static func error(_ status: Int, _ code: String, _ message: String) -> SandboxReply {
        errors(status, [APIError(code: code, message: message)])
    }
}
