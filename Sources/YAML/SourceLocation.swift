/// A 1-based position in a source file.
///
/// libyaml reports 0-based marks; ``YAMLParser`` converts them here, in one place, so that every
/// location the rest of certform sees is already what an editor shows.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// Converts libyaml's 0-based line and column.
    init(zeroBasedLine line: Int, column: Int) {
        self.init(line: line + 1, column: column + 1)
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "\(line):\(column)" }
}
