import ArgumentParser
import CertCentral
import CertCentralAPI
import Escaping
import PostgresState
import Foundation
import Logging

/// How commands that talk to CertCentral reach it.
struct APIOptions: ParsableArguments {
    @Option(name: .customLong("endpoint"), help: ArgumentHelp(
        "CertCentral base URL (env CERTFORM_ENDPOINT; default: \(Endpoint.defaultBaseURL)).", valueName: "url"))
    var endpointOption: String?

    @Option(name: .customLong("api-key-file"), help: ArgumentHelp(
        "Read the API key from this file instead of the DIGICERT_API_KEY environment variable.", valueName: "file"),
        completion: .file())
    var apiKeyFile: String?

    @Option(name: .customLong("rate-limit"), help: ArgumentHelp(
        "Rolling request windows to stay within (default: 100/5s,1000/180s, CertCentral's limits).", valueName: "windows"))
    var rateLimit: RateLimitsArgument?

    @Flag(help: "Log each HTTP request (method, path, status, time) to standard error; never the key or a CSR.")
    var verbose = false

    var endpoint: String {
        endpointOption ?? Environment.value("CERTFORM_ENDPOINT") ?? Endpoint.defaultBaseURL
    }

    /// An https URL, or http to a loopback host (the sandbox) only: the key travels in a header,
    /// so plaintext to any other host would hand it to the network (a usage error, before any
    /// connection).
    func validate() throws {
        let url = URL(string: endpoint)
        let shown = Escape.terminal(endpoint, limit: 200)
        switch url?.scheme {
        case "https"?:
            return
        case "http"?:
            guard let host = url?.host, Self.isLoopback(host) else {
                throw ValidationError("--endpoint '\(shown)' is plain http to a host that is not loopback; the API key would travel in clear text. Use https, or http://127.0.0.1:PORT for the sandbox")
            }
        default:
            throw ValidationError("--endpoint must be an https URL such as \(Endpoint.defaultBaseURL), not '\(shown)'")
        }
    }

    /// 127.0.0.0/8, ::1 and localhost: the one rule for plaintext, shared with PostgreSQL states.
    static func isLoopback(_ host: String) -> Bool { PostgresStateURL.isLoopback(host) }

    /// Whether a key is given (--api-key-file, or DIGICERT_API_KEY set), without reading it.
    var hasAPIKey: Bool { apiKeyFile != nil || Environment.value("DIGICERT_API_KEY") != nil }

    /// The key from --api-key-file or DIGICERT_API_KEY; a clear error when there is none.
    func apiKey() throws -> APIKey {
        if let apiKeyFile {
            guard let data = FileManager.default.contents(atPath: apiKeyFile) else {
                Console.error("error: cannot read the API key file '\(apiKeyFile)'")
                throw ExitCode.failure
            }
            let key = APIKey(String(decoding: data, as: UTF8.self))
            guard !key.isEmpty else {
                Console.error("error: the API key file '\(apiKeyFile)' is empty")
                throw ExitCode.failure
            }
            return key
        }
        guard let value = Environment.value("DIGICERT_API_KEY") else {
            Console.error("error: no CertCentral API key: set DIGICERT_API_KEY or pass --api-key-file FILE")
            throw ExitCode.failure
        }
        return APIKey(value)
    }

    /// Runs `body` with one client, and shuts the client down when `body` ends, however it ends.
    func withClient<T>(_ body: (CertCentralClient) async throws -> T) async throws -> T {
        let client = try makeClient()
        do {
            let result = try await body(client)
            try? await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    func makeClient() throws -> CertCentralClient {
        var configuration = CertCentralConfiguration(baseURL: endpoint, apiKey: try apiKey(), userAgent: "certform/\(Certform.version)")
        if let rateLimit { configuration.rateLimits = rateLimit.limits }
        var logger = Logger(label: "certform.http") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .info : .critical
        return CertCentralClient(configuration: configuration, logger: logger)
    }
}
