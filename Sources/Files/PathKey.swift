#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        PathBytes.same(lhs.path, rhs.path)
    }

    public func hash(into hasher: inout Hasher) {
        // In place when the bytes are contiguous (native strings are), without a copy to retain.
        let hashed: Void? = path.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil {
            var path = path
            path.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }
}

/// A path's parts as the file system reads them: split at each `/` byte. Swift splits a `String`
/// at `/` characters, and a `/` that a neighbour joins into one character (a combining accent
/// after it, U+0600 before it) is then not a separator at all: `a/x\u{600}/../../web.csr` would
/// resolve to `a/web.csr` where the file system finds `web.csr`. A `/` byte never occurs inside
/// another character's UTF-8, so each part is whole text.
public enum PathBytes {
    static let slash = UInt8(ascii: "/")

    /// The parts between the `/` bytes, empty ones included (`a//b/` → a, "", b, "").
    public static func components(_ path: String) -> [Substring] {
        var parts: [Substring] = []
        var start = path.utf8.startIndex
        for index in path.utf8.indices where path.utf8[index] == slash {
            parts.append(Substring(path.utf8[start..<index]))
            start = path.utf8.index(after: index)
        }
        parts.append(Substring(path.utf8[start...]))
        return parts
    }

    /// Whether the two have the same UTF-8 bytes, as the file system compares names (`==` compares
    /// texts by canonical equivalence). One `memcmp`: the generic `elementsEqual` over two UTF-8
    /// views walked them a byte at a time through their indices, and was about 1 % of loading
    /// 100,000 certificates, which compare their manifest's and CSR directory's paths.
    @inlinable
    public static func same(_ one: some StringProtocol, _ other: some StringProtocol) -> Bool {
        let count = one.utf8.count
        guard count == other.utf8.count else { return false }
        guard count > 0 else { return true }
        let compared = one.utf8.withContiguousStorageIfAvailable { mine in
            other.utf8.withContiguousStorageIfAvailable { theirs in memcmp(mine.baseAddress!, theirs.baseAddress!, count) == 0 }
        }
        return (compared ?? nil) ?? one.utf8.elementsEqual(other.utf8)
    }

    /// Whether the path starts with a `/` byte.
    public static func isAbsolute(_ path: some StringProtocol) -> Bool {
        path.utf8.first == slash
    }

    /// The path split at its last `/` byte: what is before it and the name after it; nil when
    /// it has none.
    public static func lastSlash(_ path: String) -> (directory: Substring, name: Substring)? {
        guard let index = path.utf8.lastIndex(of: slash) else { return nil }
        return (Substring(path.utf8[..<index]), Substring(path.utf8[path.utf8.index(after: index)...]))
    }
}
