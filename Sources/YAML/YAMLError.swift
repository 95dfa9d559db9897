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
    /// not a problem of the file. Set only by the parser, never by a message a file can cause.
    public private(set) var needsWholeRead = false

    static func wholeReadNeeded(at location: SourceLocation) -> YAMLError {
        var error = YAMLError("(read this file again as one tree)", at: location)
        error.needsWholeRead = true
        return error
    }

    /// The refusals that the parser makes both while it builds nodes and while it records
    /// entries for another thread: one wording for both.
    static func tooDeep(at location: SourceLocation) -> YAMLError {
        YAMLError("nesting deeper than \(YAMLParser.maximumDepth) levels", at: location)
    }

    static func unknownAlias(_ anchor: String, at location: SourceLocation) -> YAMLError {
        YAMLError("unknown alias '*\(anchor)'", at: location)
    }
}
