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
}

import Foundation
