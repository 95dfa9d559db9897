import Foundation

/// The PostgreSQL server the PostgreSQL-backend tests run against: `CERTFORM_TEST_POSTGRES` holds
/// its URL without a schema or password (`postgres://certform@127.0.0.1:5432/certform_test`), and
/// `PGPASSWORD` the password. `.ci/run` starts one and sets both; see the README to run them
/// locally. Each test gets a schema of its own, so tests never see each other's state.
public enum TestPostgres {
    public static var base: String? {
        guard let value = ProcessInfo.processInfo.environment["CERTFORM_TEST_POSTGRES"], !value.isEmpty else { return nil }
        return value
    }

    public static var isConfigured: Bool { base != nil }

    /// The CA that signed the test server's TLS certificate (`.ci/run` makes both, for
    /// `localhost` and 127.0.0.1, and starts the server with `ssl=on`).
    public static var tlsCA: String? {
        guard let value = ProcessInfo.processInfo.environment["CERTFORM_TEST_POSTGRES_CA"], !value.isEmpty else { return nil }
        return value
    }

    /// `freshURL()` with the host `localhost` (the name in the server's certificate) and `query`.
    public static func freshURL(host: String, query: String) -> String {
        let url = freshURL()
        guard let at = url.firstIndex(of: "@"), let colon = url[at...].firstIndex(of: ":") else { return url + "&" + query }
        return String(url[...at]) + host + url[colon...] + "&" + query
    }

    /// A state URL with a new, empty schema.
    public static func freshURL() -> String {
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        return "\(base!)?schema=t_\(suffix)"
    }
}

/// The state locations a backend-independent test runs against: a file in `directory`, and a
/// fresh PostgreSQL schema when a server is configured.
public enum StateLocations {
    /// "file", and "postgres" when a server is configured: arguments for tests run on both.
    public static var backends: [String] { ["file"] + (TestPostgres.isConfigured ? ["postgres"] : []) }
}
