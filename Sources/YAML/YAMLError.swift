/// A problem found while reading YAML, with its 1-based location.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var location: SourceLocation

    public init(_ message: String, at location: SourceLocation) {
        self.message = message
        self.location = location
    }

    public var description: String { "\(location): \(message)" }

    /// True when the parser stopped because the file must be read again without recording the
    /// streamed entries (see ``YAMLStreaming/recording(key:begin:assembly:entry:recorded:)``):
    /// not a problem of the file.
    public var needsWholeRead: Bool { message == Self.wholeReadMessage }

    static let wholeReadMessage = "(read this file again as one tree)"

    static func wholeReadNeeded(at location: SourceLocation) -> YAMLError {
        YAMLError(wholeReadMessage, at: location)
    }
}
