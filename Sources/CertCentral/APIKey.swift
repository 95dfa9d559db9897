import Crypto
import Foundation

/// The CertCentral API key. It prints as `<redacted>` wherever it is interpolated, so that it can
/// never reach output, logs, plans or state by accident; only the client reads ``value``.
public struct APIKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let value: String

    public init(_ value: String) {
        self.value = value.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public var isEmpty: Bool { value.isEmpty }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }

    /// `text` with every occurrence of the key replaced, for anything quoted from a response.
    func redact(_ text: String) -> String {
        value.count >= 4 ? text.replacingOccurrences(of: value, with: "<redacted>") : text
    }

    /// A tag that only a holder of this key can make: HMAC-SHA256 of `message` under a key derived
    /// from this one (hex). certform writes it beside what it must later trust from a state file,
    /// which anyone who can edit the repository can edit too; the key itself is never written.
    public func tag(_ message: String) -> String {
        let derived = SymmetricKey(data: SHA256.hash(data: Array("certform tag v1\n\(value)".utf8)))
        return HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: derived).map { String(format: "%02x", $0) }.joined()
    }
}
