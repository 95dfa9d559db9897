import CertCentralAPI
import Dates
import Foundation
import HTTPTypes
import JSON
@testable import Sandbox

/// The DCV calls of the sandbox tests: the three API routes and the admin API's DNS and web.
extension Harness.Client {
    func dcvRandomValue(_ id: Int) async throws -> Harness.Reply {
        try await call(.put, "/services/v2/order/certificate/\(id)/dcv-random-value")
    }

    /// `PUT …/dcv-random-value`, decoded as the client decodes it; fails the test unless 200.
    func randomValue(_ id: Int) async throws -> DCVRandomValue {
        let reply = try await dcvRandomValue(id)
        guard reply.status == 200, let json = reply.json else { throw Harness.HarnessError("dcv-random-value \(id): \(reply.status) \(reply.text)") }
        return try JSONValueDecoder().decode(DCVRandomValue.self, from: json)
    }

    /// The order's current random value; fails the test when it has none.
    func token(_ id: Int) async throws -> String {
        guard let value = try await randomValue(id).dcvRandomValue else { throw Harness.HarnessError("order \(id) has no random value") }
        return value
    }

    func checkDCV(_ id: Int) async throws -> Harness.Reply {
        try await call(.put, "/services/v2/order/certificate/\(id)/check-dcv")
    }

    /// `PUT …/check-dcv`, decoded; fails the test unless 200.
    func checkedDCV(_ id: Int) async throws -> DCVCheckResult {
        let reply = try await checkDCV(id)
        guard reply.status == 200, let json = reply.json else { throw Harness.HarnessError("check-dcv \(id): \(reply.status) \(reply.text)") }
        return try JSONValueDecoder().decode(DCVCheckResult.self, from: json)
    }

    func changeMethod(_ id: Int, _ body: JSONValue) async throws -> Harness.Reply {
        try await call(.put, "/services/v2/order/certificate/\(id)/dcv-method", json: body)
    }

    /// Publishes a DNS record; fails the test unless the admin API takes it.
    func publishDNS(_ name: String, _ type: String, _ value: String) async throws {
        let reply = try await admin(.post, "dns", json: ["name": .string(name), "type": .string(type), "value": .string(value)])
        guard reply.status == 201 || reply.status == 200 else { throw Harness.HarnessError("dns: \(reply.status) \(reply.text)") }
    }

    func unpublishDNS(_ name: String, _ type: String, _ value: String) async throws -> Harness.Reply {
        try await admin(.delete, "dns", json: ["name": .string(name), "type": .string(type), "value": .string(value)])
    }

    /// Puts a file on the sandbox's web; fails the test unless the admin API takes it.
    func publishHTTP(_ url: String, _ content: String) async throws {
        let reply = try await admin(.post, "http", json: ["url": .string(url), "content": .string(content)])
        guard reply.status == 201 || reply.status == 200 else { throw Harness.HarnessError("http: \(reply.status) \(reply.text)") }
    }

    func status(_ id: Int) async throws -> String? {
        try await info(id)["status"]?.stringValue
    }
}

extension Harness {
    /// A sandbox configuration with `--dcv manual`.
    static func manual(_ change: (inout SandboxConfiguration) -> Void = { _ in }) -> SandboxConfiguration {
        configuration {
            $0.dcv = .manual
            change(&$0)
        }
    }

    /// A minimal order body with `method` for its DCV.
    static func minimal(_ commonName: String = "shop.example.com", dnsNames: [String] = [], method: String) -> JSONValue {
        with(minimal(commonName, dnsNames: dnsNames), "dcv_method", .string(method))
    }
}
