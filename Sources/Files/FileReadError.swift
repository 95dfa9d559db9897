#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file was not read. The descriptions complete a sentence whose subject is the file
/// ("'csr/x.csr' is not a regular file (a FIFO)").
public enum FileReadError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing
    /// A symbolic link (where links are not followed), a FIFO, a device, a socket or a directory.
    case notRegular(FileKind)
    /// Larger than `limit` bytes.
    case tooLarge(limit: Int)
    /// Anything else the system said (permission denied, I/O error), in its words.
    case system(String)
    /// Its size changed while it was read a piece at a time (``FileStream``).
    case changedWhileRead

    init(errno code: Int32) {
        switch code {
        case ENOENT, ENOTDIR: self = .missing
        default: self = .system(String(cString: strerror(code)))
        }
    }

    public var description: String {
        switch self {
        case .missing: "does not exist"
        case .notRegular(let kind): "is not a regular file (\(kind))"
        case .tooLarge(let limit): "is larger than \(Self.size(limit))"
        case .system(let reason): "cannot be read: \(reason.prefix(1).lowercased() + reason.dropFirst())"
        case .changedWhileRead: "changed while it was read; run again"
        }
    }

    /// `65536` as "64 KiB", `268435456` as "256 MiB".
    public static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}
