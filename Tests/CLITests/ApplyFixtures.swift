import CertformTestSupport
import Foundation
import PostgresState
import JSON
import States

/// A repository of `count` certificates (`c00`…, each `cNN.example.com`) beside a running sandbox,
/// with the environment that points certform at it.
final class ApplyRepository: @unchecked Sendable {
    let dir = TemporaryDirectory()
    let sandbox: SandboxProcess
    var path: String { dir.path }
    var statePath: String { dir.path + "/state/orders.json" }
    /// Where certform keeps the state: the file, or a PostgreSQL URL (see `TestPostgres`).
    let stateLocation: String?

    init(count: Int, sandboxArguments: [String] = [], extra: [Int: [String]] = [:], stateLocation: String? = nil) throws {
        self.stateLocation = stateLocation
        sandbox = try SandboxProcess(sandboxArguments)
        var lines = ["apiVersion: certform/v1", "defaults:", "  product: ssl_dv_geotrust", "  validity_years: 1",
                     "  dcv_method: dns-txt-token", "  skip_approval: true", "certificates:"]
        for index in 0..<count {
            let name = String(format: "c%02d", index)
            dir.write("csr/\(name).csr", ApplyRepository.csr(for: "\(name).example.com"))
            lines += ["  \(name):", "    common_name: \(name).example.com", "    csr_file: ../csr/\(name).csr"]
            lines += (extra[index] ?? []).map { "    " + $0 }
        }
        dir.write("manifests/certificates.yaml", lines.joined(separator: "\n") + "\n")
    }

    /// CSRs are made once per name for the whole test run.
    static let csrCache = CSRCache()
    static func csr(for name: String) -> String { csrCache.csr(for: name) }

    var environment: [String: String] {
        var environment = ["DIGICERT_API_KEY": "sandbox-key", "CERTFORM_ENDPOINT": sandbox.apiBase]
        if let stateLocation { environment["CERTFORM_STATE"] = stateLocation }
        return environment
    }

    func certform(_ arguments: [String], stdin: String? = nil) throws -> Subprocess.Result {
        try CLI.run(arguments, in: path, environment: environment, stdin: stdin)
    }

    func state() async throws -> State {
        guard let stateLocation, PostgresStateURL.isPostgres(stateLocation) else { return try StateStore(path: statePath).read() }
        let backend = try await PostgresStateBackend.connect(PostgresStateURL(stateLocation, password: ProcessInfo.processInfo.environment["PGPASSWORD"]))
        let state = try await backend.load()
        await backend.close()
        return state
    }

    /// The sandbox's orders (from the admin API).
    func orders() throws -> [JSONValue] {
        try JSONParser.parse(try sandbox.orders())["orders"]?.arrayValue ?? []
    }

    func advanceClock(days: Int) throws {
        _ = try sandbox.curl("POST", "/_sandbox/clock", body: "{\"advance_days\": \(days)}", key: nil)
    }
}

final class CSRCache: @unchecked Sendable {
    private let lock = NSLock()
    private var cache: [String: String] = [:]

    func csr(for name: String) -> String {
        lock.lock()
        defer { lock.unlock() }
        if let pem = cache[name] { return pem }
        let pem = TestCSR.make(commonName: name, sans: [name])
        cache[name] = pem
        return pem
    }
}

/// An ISO time `days` from now, for --as-of after the sandbox clock moved.
func isoTime(daysFromNow days: Int) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: Date().addingTimeInterval(Double(days) * 86_400))
}
