import CertCentralAPI
import CertformTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSON
import Logging
@testable import Sandbox

/// Runs router-level tests against a fresh sandbox account.
enum Harness {
    static let key = "sandbox-key"

    static func configuration(_ change: (inout SandboxConfiguration) -> Void = { _ in }) -> SandboxConfiguration {
        var configuration = SandboxConfiguration()
        configuration.rateLimited = false
        configuration.seed = 42
        change(&configuration)
        return configuration
    }

    /// Runs `body` against a sandbox on a real loopback socket (`.live`, the default: the admin API
    /// answers only callers whose address it knows to be loopback), or in process (`.router`,
    /// where the caller's address is unknown).
    static func withSandbox<T: Sendable>(_ configuration: SandboxConfiguration = configuration(), setup: TestingSetup = .live,
                                         _ body: @Sendable (Client) async throws -> T) async throws -> T {
        let store = try OrderStore(configuration: configuration)
        var logger = Logger(label: "sandbox-tests")
        logger.logLevel = .error
        let app = Application(router: SandboxRouter.make(store: store, apiKey: configuration.apiKey),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        return try await app.test(setup) { client in
            try await body(Client(client: client, store: store))
        }
    }

    struct Reply: Sendable {
        var status: Int
        var json: JSONValue?
        var text: String

        /// The error codes of an error body.
        var codes: [String] { json?["errors"]?.arrayValue?.compactMap { $0["code"]?.stringValue } ?? [] }
    }

    struct Client: Sendable {
        let client: any TestClientProtocol
        let store: OrderStore

        func call(_ method: HTTPRequest.Method, _ path: String, json: JSONValue? = nil, raw: String? = nil, key: String? = Harness.key,
                  headers extra: HTTPFields = [:]) async throws -> Reply {
            var headers = extra
            if let key { headers[HTTPField.Name("X-DC-DEVKEY")!] = key }
            headers[.contentType] = "application/json"
            let body = raw ?? json.map(JSONWriter.compact)
            return try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
                let text = String(buffer: response.body)
                return Reply(status: Int(response.status.code), json: try? JSONParser.parse(text), text: text)
            }
        }

        /// Places an order and returns its id, failing the test when it is refused.
        func order(_ body: JSONValue, product: String = "ssl_dv_geotrust") async throws -> Int {
            let reply = try await call(.post, "/services/v2/order/certificate/\(product)", json: body)
            guard reply.status == 201, let id = reply.json?["id"]?.intValue else {
                throw HarnessError("order refused: \(reply.status) \(reply.text)")
            }
            return id
        }
    }

    struct HarnessError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// The Order DV SSL page's own example body, with a real CSR in place of `<csr>`.
    static func pageExample(dcvMethod: String = "email", csr: String? = nil) -> JSONValue {
        let pem = csr ?? TestCSR.make(commonName: "example.com", sans: ["example.com", "sub.example.com", "log.example.com"])
        var body: [String: JSONValue] = [
            "certificate": ["common_name": "example.com", "dns_names": ["sub.example.com", "log.example.com"],
                            "csr": .string(pem), "server_platform": ["id": 2]],
            "custom_expiration_date": "",
            "comments": "Message for the approver.",
            "container": ["id": 69748],
            "custom_renewal_message": "Renew me.",
            "skip_approval": true,
            "disable_ct": 0,
            "validity_years": 1,
            "custom_fields": [["metadata_id": 12, "value": "Invoice #12345"]],
            "payment_method": "balance",
            "dcv_method": .string(dcvMethod),
            "locale": "en",
            "technical_contact": ["first_name": "Jim", "last_name": "Smith", "telephone": "555-555-5555",
                                  "job_title": "IT Admin", "email": "jim.smith@example.com"],
        ]
        if dcvMethod == "email" {
            body["dcv_emails"] = [
                ["dns_name": "example.com", "email_domain": "example.com", "email": "admin@example.com"],
                ["dns_name": "sub.example.com", "email_domain": "example.com", "email": "jim.smith@example.com"],
                ["dns_name": "log.example.com", "email_domain": "example.com", "email": "it@example.com"],
            ]
        }
        return .object(body)
    }

    /// A minimal valid body for `commonName`.
    static func minimal(_ commonName: String = "shop.example.com", dnsNames: [String] = [], extra: [String: JSONValue] = [:]) -> JSONValue {
        var body: [String: JSONValue] = [
            "certificate": ["common_name": .string(commonName), "dns_names": .array(dnsNames.map(JSONValue.string)),
                            "csr": .string(TestCSR.make(commonName: commonName.hasPrefix("*.") ? String(commonName.dropFirst(2)) : commonName))],
            "validity_years": 1, "dcv_method": "dns-txt-token", "skip_approval": true,
        ]
        for (key, value) in extra { body[key] = value }
        return .object(body)
    }

    static func with(_ body: JSONValue, _ key: String, _ value: JSONValue?) -> JSONValue {
        guard case .object(var object) = body else { return body }
        object[key] = value
        return .object(object)
    }

    static func withCertificate(_ body: JSONValue, _ key: String, _ value: JSONValue?) -> JSONValue {
        guard case .object(var object) = body, case .object(var certificate)? = object["certificate"] else { return body }
        certificate[key] = value
        object["certificate"] = .object(certificate)
        return .object(object)
    }
}
