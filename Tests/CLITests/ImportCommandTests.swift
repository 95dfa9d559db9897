import CertCentralAPI
import CertformTestSupport
import Foundation
import JSON
import States
import Testing

/// `certform import` against a sandbox over loopback: the first command that reaches CertCentral.
@Suite struct ImportCommandTests {
    /// A repository whose manifest declares `web` (example.com + www.example.com), and a sandbox
    /// holding an order for those names.
    static func setUp(orderNames: [String] = ["www.example.com"]) throws -> (ScratchRepository, SandboxProcess, Int) {
        let repo = try ScratchRepository(matchingState: false)
        let sandbox = try SandboxProcess()
        let names = orderNames.map { "\"\($0)\"" }.joined(separator: ",")
        let body = """
        {"certificate": {"common_name": "example.com", "dns_names": [\(names)], "csr": \(JSONWriter.compact(.string(TestCSR.make(commonName: "example.com"))))},
         "validity_years": 1, "dcv_method": "dns-txt-token", "skip_approval": true}
        """
        let reply = try sandbox.curl("POST", "/services/v2/order/certificate/ssl_dv_geotrust", body: body)
        let id = try #require(try JSONParser.parse(reply.body)["id"]?.intValue)
        return (repo, sandbox, id)
    }

    @Test func anOrderAlreadyRecordedUnderAnotherNameIsNotRecordedTwice() async throws {
        let (repo, sandbox, id) = try Self.setUp()
        var state = State()
        state.lineage = "scratch"
        state.serial = 1
        state.certificates["old"] = StateRecord(orderID: id, product: .sslDVGeoTrust, commonName: "example.com",
                                                dnsNames: ["www.example.com"], status: .issued)
        try StateStore.writeAtomically(state.fileText, to: repo.path + "/state/orders.json")
        let result = try CLI.run(["import", "web", String(id), "--endpoint", sandbox.apiBase], in: repo.path,
                                 environment: ["DIGICERT_API_KEY": "sandbox-key"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("order \(id) is already recorded in state (old)"), "\(result.stderr)")
        #expect(try StateStore(path: repo.path + "/state/orders.json").read().certificates["web"] == nil)
    }

    @Test func importsAMatchingOrder() async throws {
        let (repo, sandbox, id) = try Self.setUp()
        let result = try CLI.run(["import", "web", String(id), "--endpoint", sandbox.apiBase, "--verbose"], in: repo.path,
                                 environment: ["DIGICERT_API_KEY": "sandbox-key"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Imported order \(id) as 'web' (issued, certificate valid till "))
        #expect(result.stderr.contains("GET /order/certificate/\(id) 200"))
        #expect(!result.stderr.contains("sandbox-key") && !result.stdout.contains("sandbox-key"))
        let record = try #require(try StateStore(path: repo.path + "/state/orders.json").read().certificates["web"])
        #expect(record.orderID == id)
        #expect(record.dnsNames == ["www.example.com"])
        #expect(record.thumbprint?.count == 40)
        #expect(record.specDigest == nil)
        let plan = try CLI.run(["plan"], in: repo.path)
        #expect(plan.stdout.contains("Plan: 0 create, 0 renew, 0 reissue, 1 unchanged"), "\(plan.stdout)")
    }

    @Test func refusesAnOrderWhoseNamesDiffer() async throws {
        let (repo, sandbox, id) = try Self.setUp(orderNames: ["api.example.com"])
        let result = try CLI.run(["import", "web", String(id), "--endpoint", sandbox.apiBase], in: repo.path,
                                 environment: ["DIGICERT_API_KEY": "sandbox-key"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: order \(id) does not match 'web': its dns_names are [api.example.com], the manifest says [www.example.com]"))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/state/orders.json"))
    }

    @Test func keyFromAFileAndErrorsThatSayWhat() async throws {
        let (repo, sandbox, id) = try Self.setUp()
        let keyFile = repo.dir.write("key", "wrong-key\n")
        let refused = try CLI.run(["import", "web", String(id), "--endpoint", sandbox.apiBase, "--api-key-file", keyFile], in: repo.path)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the API key was refused"))
        #expect(!refused.stderr.contains("wrong-key"))
        let missing = try CLI.run(["import", "web", String(id), "--endpoint", sandbox.apiBase], in: repo.path)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no CertCentral API key: set DIGICERT_API_KEY or pass --api-key-file FILE"))
        let unknown = try CLI.run(["import", "web", "999", "--endpoint", sandbox.apiBase], in: repo.path, environment: ["DIGICERT_API_KEY": "sandbox-key"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("not_found|order"))
        let fromEnvironment = try CLI.run(["import", "web", String(id)], in: repo.path,
                                          environment: ["DIGICERT_API_KEY": "sandbox-key", "CERTFORM_ENDPOINT": sandbox.apiBase])
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
    }
}
