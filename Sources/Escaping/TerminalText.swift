/// Text for a terminal or a CI log, built by string interpolation: the literal parts are the
/// program's own words, and every interpolated value is escaped with ``Escape/terminal(_:limit:)``,
/// so that data can never steer the terminal or start a line of its own. Text that a renderer
/// already made safe is interpolated as a `TerminalText`, which is kept as it is.
public struct TerminalText: ExpressibleByStringInterpolation, CustomStringConvertible, Sendable, Hashable {
    public private(set) var text: String

    public init(stringLiteral value: String) {
        text = value
    }

    public init(stringInterpolation: Interpolation) {
        text = stringInterpolation.text
    }

    /// A block that a renderer built from escaped fields: its newlines and tabs are layout; any
    /// other control character in it is escaped all the same.
    public init(rendered: String) {
        text = Escape.terminalBlock(rendered)
    }

    /// Text a renderer composed from fields it escaped one by one, with colour codes of its own:
    /// kept as it is (only the plan's text renderer, which escapes every field it prints).
    public init(escapedFields text: String) {
        self.text = text
    }

    public var description: String { text }

    public static func + (lhs: TerminalText, rhs: TerminalText) -> TerminalText {
        var joined = lhs
        joined.text += rhs.text
        return joined
    }

    public struct Interpolation: StringInterpolationProtocol {
        var text = ""

        public init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + 16 * interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            text += literal
        }

        public mutating func appendInterpolation(_ value: TerminalText) {
            text += value.text
        }

        public mutating func appendInterpolation<Value>(_ value: Value) {
            text += Escape.terminal(String(describing: value))
        }
    }
}
