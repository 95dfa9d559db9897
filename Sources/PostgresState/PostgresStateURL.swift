import Foundation
import States

/// Where a PostgreSQL state lives: `postgres://user@host:port/database?schema=certform`.
///
/// The password never comes from the URL (URLs end up in CI configuration and logs): it comes from
/// `PGPASSWORD` or `--state-password-file`.
public struct PostgresStateURL: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    /// The PostgreSQL schema that holds certform's tables; one schema is one state.
    public var schema: String
    public var password: String?
    /// How the connection is protected (`?sslmode=`): verified TLS unless the host is loopback.
    public var sslMode: SSLMode
    /// A CA bundle (PEM) to verify the server with, instead of the system's (`--state-ca-file`).
    public var caFile: String?

    /// libpq's names: `disable` (plaintext), `require` (TLS, no verification), `verify-ca` (the
    /// chain), `verify-full` (the chain and the host name).
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        case disable, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// True for `postgres://…` and `postgresql://…`.
    public static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// Parses `text`; every problem is named.
    public init(_ text: String, password: String?, caFile: String? = nil) throws(StateError) {
        func invalid(_ reason: String) -> StateError {
            .unreadable(path: Self.redacted(text),
                        reason: "not a PostgreSQL state URL: \(reason) (write postgres://user@host:5432/database?schema=certform)")
        }
        guard Self.isPostgres(text), let components = URLComponents(string: text) else {
            throw invalid("it does not parse")
        }
        if components.password != nil {
            throw invalid("it holds a password; give the password in PGPASSWORD or --state-password-file instead")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("the host is missing") }
        guard let user = components.user, !user.isEmpty else { throw invalid("the user is missing") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw invalid("the database name is missing") }
        var schema = "certform"
        var sslMode: SSLMode?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "schema":
                guard let value = item.value, Self.isIdentifier(value) else {
                    throw invalid("schema must be a lowercase SQL identifier (letters, digits, '_', at most 63)")
                }
                schema = value
            case "sslmode":
                guard let mode = item.value.flatMap(SSLMode.init) else {
                    throw invalid("sslmode must be one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                sslMode = mode
            default:
                throw invalid("unknown parameter '\(item.name)'; the parameters are schema and sslmode")
            }
        }
        self.sslMode = sslMode ?? (Self.isLoopback(host) ? .disable : .verifyFull)
        self.caFile = caFile
        self.host = host
        self.port = components.port ?? 5432
        self.user = user
        self.database = database
        self.schema = schema
        self.password = password
    }

    /// The URL as given, without any password: safe for messages and logs.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)?schema=\(schema)" }

    /// `text` with everything between the user and the last `@` of its authority replaced by
    /// `***`, whatever characters the password holds (`/`, `@`, `:` included).
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        let rest = text[scheme.upperBound...]
        guard let at = rest.lastIndex(of: "@") else { return text }
        let userinfo = rest[..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return text }
        return String(text[..<scheme.upperBound]) + userinfo[..<colon] + ":***" + rest[at...]
    }

    /// 127.0.0.0/8, ::1 and localhost: where plaintext never leaves the machine.
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return bare == "localhost" || bare == "::1"
            || octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// `[a-z_][a-z0-9_]*`, at most 63 bytes: safe to write into SQL unquoted (a schema cannot be a
    /// bind parameter).
    static func isIdentifier(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        for (index, byte) in bytes.enumerated() {
            let letter = (97...122).contains(byte) || byte == 95
            if !(letter || (index > 0 && (48...57).contains(byte))) { return false }
        }
        return true
    }
}
