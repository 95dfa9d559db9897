/// Why the state could not be read, written or locked. Each message says which file and what to do.
public enum StateError: Error, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case corrupt(path: String, reason: String)
    case unwritable(path: String, reason: String)
    case locked(path: String, holder: String)
    case lockFailed(path: String, reason: String)
    case unknownCertificate(name: String, path: String)
    case unknownIntent(id: String, path: String)
    /// The stored serial moved on since this writer read it (PostgreSQL states).
    case conflict(path: String, stored: Int, expected: Int)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read the state file '\(path)': \(reason)"
        case .corrupt(let path, let reason) where path.hasPrefix("postgres://") || path.hasPrefix("postgresql://"):
            return "the state file '\(path)' is not a valid certform state: \(reason); it was left untouched — fix it by hand, or restore the database from a backup"
        case .corrupt(let path, let reason):
            return "the state file '\(path)' is not a valid certform state: \(reason); it was left untouched — restore it from git (git checkout -- \(path)) or fix it by hand"
        case .unwritable(let path, let reason):
            return "cannot write the state file '\(path)': \(reason); the previous state is unchanged"
        case .locked(let path, let holder):
            return "the state '\(path)' is locked by \(holder); wait for it to finish, or raise --lock-timeout"
        case .lockFailed(let path, let reason):
            return "cannot lock '\(path)': \(reason)"
        case .unknownCertificate(let name, let path):
            return "no certificate named '\(name)' in the state '\(path)'"
        case .unknownIntent(let id, let path):
            return "no intent with id '\(id)' in the state '\(path)'"
        case .conflict(let path, let stored, let expected):
            return "the state '\(path)' was changed by another writer (serial \(stored), this run read \(expected)); nothing was written — run the command again"
        }
    }
}
