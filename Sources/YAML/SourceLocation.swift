/// A 1-based position in a source file.
///
/// libyaml reports 0-based marks; ``YAMLParser`` converts them here, in one place, so that every
/// location the rest of certform sees is already what an editor shows.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    // 32 bits each: a manifest is at most 256 MiB, so neither reaches 2^32 (clamped if one did).
    // Every node and every certificate holds locations: 8 bytes rather than 16 each.
    private var storedLine: UInt32
    private var storedColumn: UInt32

    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = UInt32(clamping: newValue) }
    }

    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = UInt32(clamping: newValue) }
    }

    public init(line: Int, column: Int) {
        storedLine = UInt32(clamping: line)
        storedColumn = UInt32(clamping: column)
    }

    /// Converts libyaml's 0-based line and column.
    init(zeroBasedLine line: Int, column: Int) {
        self.init(line: line + 1, column: column + 1)
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.storedLine, lhs.storedColumn) < (rhs.storedLine, rhs.storedColumn)
    }

    public var description: String { "\(line):\(column)" }
}
