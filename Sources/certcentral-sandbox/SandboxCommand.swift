import ArgumentParser
import CertCentralAPI
import Foundation
import JSON
import Sandbox

@main
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certcentral-sandbox",
        abstract: "A local server that behaves like the DigiCert CertCentral Services API v2 for everything certform uses.",
        discussion: """
        Orders, order info, list orders, reissue, certificate download (leaf, intermediate, root) and domain control validation (dcv-random-value, check-dcv, dcv-method), with the API's validation, errors and rate limits, and real certificates signed by a sandbox CA. Its first line on standard output is 'listening on http://HOST:PORT' (the real port with --port 0).

        Admin API (no key; loopback callers only, never a browser sending an Origin header): GET /_sandbox/orders, POST /_sandbox/clock {"advance_days": N}, GET|POST /_sandbox/faults, GET /_sandbox/stats (with requests_by_route), POST /_sandbox/orders/{id}/approve|renew|revoke (what the console or CertCentral itself does without the client asking), POST /_sandbox/orders/seed {"count": N, "common_name_prefix", "domain", "www", "product", "status", "age_days", "csr"} (many orders at once), GET|POST|DELETE /_sandbox/dns {"name", "type": "TXT"|"CNAME", "value"} and /_sandbox/http {"url", "content"} (what DCV checks find published), POST /_sandbox/orders/{id}/validate (the DCV email answered), GET /_sandbox/ca (the root, PEM).

        Examples:
          certcentral-sandbox --port 8443
          certcentral-sandbox --port 0 --data sandbox.json --issue-after 2
          certcentral-sandbox --latency-ms 100 --drop-after-accept-rate 0.3 --seed 7
          certcentral-sandbox --dcv manual --data sandbox.json
        """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 0

    @Option(name: .customLong("api-key"), help: "The API key clients must send in X-DC-DEVKEY.")
    var apiKey = "sandbox-key"

    @Option(help: ArgumentHelp("Keep orders, the CA and the clock in this file across restarts (created with mode 0600: it holds the CA key).", valueName: "file"))
    var data: String?

    @Option(name: .customLong("issue-after"), help: ArgumentHelp("Seconds from an order to its issuance (0: at the next read).", valueName: "seconds"))
    var issueAfter: Double = 0

    @Option(help: ArgumentHelp("How domain control validation completes: auto (orders issue after --issue-after) or manual (a token order waits until check-dcv finds its random value published through /_sandbox/dns or /_sandbox/http; an email order until POST /_sandbox/orders/{id}/validate).", valueName: "auto|manual"))
    var dcv: DCVMode = .auto

    @Option(name: .customLong("cert-validity-days"), help: "Longest certificate validity, in days.")
    var certValidityDays = 199

    @Option(name: .customLong("latency-ms"), help: "Delay every API request by this many milliseconds.")
    var latencyMs = 0

    @Option(name: .customLong("fail-rate"), help: ArgumentHelp("Answer 500 before doing anything, with this probability (0–1).", valueName: "p"))
    var failRate: Double = 0

    @Option(name: .customLong("drop-after-accept-rate"), help: ArgumentHelp("Create the order, then close the connection without answering, with this probability (0–1).", valueName: "p"))
    var dropAfterAcceptRate: Double = 0

    @Flag(name: .customLong("unnamed-renewals"), help: "Order info of a renewed order says is_renewed without the renewal's id (renewed_order_id 0), as the undocumented field allows.")
    var unnamedRenewals = false

    @Flag(name: .customLong("no-rate-limit"), help: "Do not enforce CertCentral's rate limits.")
    var noRateLimit = false

    @Option(name: .customLong("rate-limit"), help: ArgumentHelp("Rolling windows to enforce (default 100/5s,1000/180s, as CertCentral).", valueName: "windows"))
    var rateLimit: String?

    @Option(help: "Seed for fault injection and random values, for reproducible runs.")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Answer GET product/pricing with this price list (the documented shape: {\"standard_prices\": [...]}); default: list prices for the five DV products.", valueName: "file"))
    var prices: String?

    func validate() throws {
        guard (0...1).contains(failRate), (0...1).contains(dropAfterAcceptRate) else {
            throw ValidationError("--fail-rate and --drop-after-accept-rate take a probability from 0 to 1")
        }
        if let rateLimit, RateLimit.parse(rateLimit) == nil {
            throw ValidationError("--rate-limit takes windows such as 100/5s,1000/180s, not '\(rateLimit)'")
        }
        guard latencyMs >= 0, issueAfter >= 0, certValidityDays >= 1 else {
            throw ValidationError("--latency-ms and --issue-after cannot be negative, and --cert-validity-days must be at least 1")
        }
    }

    func run() async throws {
        var configuration = SandboxConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.apiKey = apiKey
        configuration.dataPath = data
        configuration.issueAfter = issueAfter
        configuration.dcv = dcv
        configuration.certificateValidityDays = certValidityDays
        configuration.faults = Faults(latencyMs: latencyMs, failRate: failRate, dropAfterAcceptRate: dropAfterAcceptRate, unnamedRenewals: unnamedRenewals)
        configuration.rateLimited = !noRateLimit
        if let rateLimit { configuration.rateLimits = RateLimit.parse(rateLimit)! }
        configuration.seed = seed
        if let prices {
            guard let bytes = FileManager.default.contents(atPath: prices),
                  let list = try? JSONValueDecoder().decode(PricingResponse.self, from: Array(bytes)) else {
                FileHandle.standardError.write(Data("certcentral-sandbox: --prices '\(prices)' is not a readable price list ({\"standard_prices\": [...]})\n".utf8))
                throw ExitCode.failure
            }
            configuration.prices = list
        }
        do {
            try await SandboxServer.run(configuration: configuration) { url in
                // Written straight to the descriptor: scripts wait for this line.
                FileHandle.standardOutput.write(Data("listening on \(url)\n".utf8))
            }
        } catch let error as SandboxError {
            FileHandle.standardError.write(Data("certcentral-sandbox: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

extension DCVMode: ExpressibleByArgument {}
