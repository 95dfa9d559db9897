import ArgumentParser
import CertCentral
import CertCentralAPI
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

    func validate() throws {
        guard URL(string: endpoint)?.scheme.map({ ["http", "https"].contains($0) }) == true else {
            throw ValidationError("--endpoint must be an http(s) URL such as \(Endpoint.defaultBaseURL), not '\(endpoint)'")
        }
    }

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
