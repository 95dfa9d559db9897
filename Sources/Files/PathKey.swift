/// A path as a key of a set or dictionary: equal when its bytes are, as the file system compares
/// names. Swift's `String` compares text by canonical equivalence, so two names that spell é
/// differently (one character, or e and a combining accent) are one `String` key but two files:
/// keyed by `String`, the second would be taken for the first.
public struct PathKey: Hashable, Sendable {
    public let path: String

    public init(_ path: String) {
        self.path = path
    }

    public static func == (lhs: PathKey, rhs: PathKey) -> Bool {
        lhs.path.utf8.elementsEqual(rhs.path.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        var path = path
        path.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
