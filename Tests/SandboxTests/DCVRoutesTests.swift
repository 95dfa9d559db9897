import CertCentralAPI
import CertformTestSupport
import Dates
import Foundation
import JSON
@testable import Sandbox
import Testing

/// The DCV routes beyond the token check: email orders, changing the method, `--dcv auto`,
/// unknown orders, the key and the counters, `--data`, and the command line.
@Suite struct DCVRoutesTests {
    @Test func emailOrdersHaveNoTokenAndWaitForTheValidateRoute() async throws {
        try await Harness.withSandbox(Harness.manual()) { client in
            let id = try await client.order(Harness.pageExample(dcvMethod: "email"))
            let check = try await client.checkDCV(id)
            #expect(check.status == 400 && check.codes == [DCVCheckError.invalidDNSMethod])
            let random = try await client.dcvRandomValue(id)
            #expect(random.status == 200 && random.json == ["dcv_random_value": "", "expiration_date": ""])
            try await client.advance(days: 5)
            #expect(try await client.status(id) == "pending")
            let validated = try await client.admin(.post, "orders/\(id)/validate")
            #expect(validated.status == 200 && validated.json?["status"] == "issued", "\(validated.text)")
            #expect(try await client.decodedInfo(id).certificate.thumbprint?.count == 40)
            let again = try await client.admin(.post, "orders/\(id)/validate")
            #expect(again.status == 400 && again.codes == ["invalid_order_status"])
            // The validate route is the DCV email's link: a token order is not validated by it.
            let token = try await client.order(Harness.minimal("b.example.com"))
            let refused = try await client.admin(.post, "orders/\(token)/validate")
            #expect(refused.status == 400 && refused.codes == [DCVCheckError.invalidDNSMethod])
            #expect(try await client.status(token) == "pending")
            #expect(try await client.admin(.post, "orders/424242/validate").codes == ["not_found|order"])
        }
    }

    @Test func dcvMethodChangeGivesANewValueAndChangesWhatIsChecked() async throws {
        try await Harness.withSandbox(Harness.manual()) { client in
            let id = try await client.order(Harness.minimal())
            let old = try await client.token(id)
            let changed = try await client.changeMethod(id, ["dcv_method": "http-token"])
            #expect(changed.status == 200, "\(changed.text)")
            let answer = try JSONValueDecoder().decode(DCVRandomValue.self, from: try #require(changed.json))
            let value = try #require(answer.dcvRandomValue)
            #expect(value != old && answer.expirationDate != nil)
            #expect(try await client.token(id) == value)
            #expect(try await client.info(id)["dcv_method"] == "http-token")
            try await client.publishDNS("shop.example.com", "TXT", value)
            let txt = try await client.checkDCV(id)
            #expect(txt.status == 400 && txt.codes == [DCVCheckError.fileRandomValueNotFound])
            try await client.publishHTTP("http://shop.example.com/.well-known/pki-validation/fileauth.txt", value)
            #expect(try await client.checkedDCV(id).orderStatus == .issued)
        }
    }

    @Test func dcvMethodToEmailThenValidate() async throws {
        try await Harness.withSandbox(Harness.manual()) { client in
            let id = try await client.order(Harness.minimal())
            let changed = try await client.changeMethod(id, ["dcv_method": "email"])
            #expect(changed.status == 200 && changed.json == ["dcv_random_value": "", "expiration_date": ""])
            #expect(try await client.info(id)["dcv_method"] == "email")
            #expect(try await client.checkDCV(id).codes == [DCVCheckError.invalidDNSMethod])
            #expect(try await client.admin(.post, "orders/\(id)/validate").json?["status"] == "issued")
        }
    }

    static let badMethodBodies: [(String, String?, JSONValue?, String)] = [
        ("unknown method", nil, ["dcv_method": "carrier-pigeon"], "invalid_value:dcv_method"),
        ("not a string", nil, ["dcv_method": 5], "invalid_value:dcv_method"),
        ("missing", nil, ["method": "email"], "missing_field:dcv_method"),
        ("not JSON", "{\"dcv_method\": ", nil, "bad_request_format"),
    ]

    @Test(arguments: badMethodBodies)
    func dcvMethodValidatesItsBody(_ label: String, raw: String?, body: JSONValue?, code: String) async throws {
        try await Harness.withSandbox(Harness.manual()) { client in
            let id = try await client.order(Harness.minimal())
            let value = try await client.token(id)
            let reply = try await client.call(.put, "/services/v2/order/certificate/\(id)/dcv-method", json: body, raw: raw)
            #expect(reply.status == 400 && reply.codes == [code], "\(label): \(reply.text)")
            #expect(try await client.token(id) == value)
            #expect(try await client.info(id)["dcv_method"] == "dns-txt-token")
        }
    }

    @Test func httpTokenCannotValidateAWildcard() async throws {
        try await Harness.withSandbox(Harness.manual()) { client in
            let id = try await client.order(Harness.minimal("*.example.com"), product: "wildcard_dv_geotrust")
            let reply = try await client.changeMethod(id, ["dcv_method": "http-token"])
            #expect(reply.status == 400 && reply.codes == ["invalid_value:dcv_method"])
            #expect(try await client.info(id)["dcv_method"] == "dns-txt-token")
            #expect(try await client.changeMethod(id, ["dcv_method": "dns-cname-token"]).status == 200)
        }
    }

    /// `--dcv auto` (the default): orders issue after `--issue-after` with nothing published, and
    /// check-dcv reports where the order stands, never a 400 for a token order.
    @Test func autoModeIssuesWithoutPublicationAndCheckReportsTheState() async throws {
        try await Harness.withSandbox(Harness.configuration { $0.issueAfter = 3600 }) { client in
            #expect(Harness.configuration().dcv == .auto)
            let id = try await client.order(Harness.minimal("shop.example.com", dnsNames: ["www.shop.example.com"], method: "http-token"))
            let pending = try await client.checkedDCV(id)
            #expect(pending.orderStatus == .pending && pending.dcvStatus == "pending")
            #expect(pending.dnsNameValidations?.map(\.status) == ["pending", "pending"])
            try await client.advance(days: 1)
            let issued = try await client.checkedDCV(id)
            #expect(issued.orderStatus == .issued && issued.dcvStatus == "valid")
            #expect(issued.dnsNameValidations?.map(\.status) == ["approved", "approved"])
            #expect(issued.certificateID == (try await client.decodedInfo(id)).certificate.id)
            let email = try await client.order(Harness.pageExample(dcvMethod: "email"))
            #expect(try await client.checkDCV(email).codes == [DCVCheckError.invalidDNSMethod])
        }
        try await Harness.withSandbox { client in
            let id = try await client.order(Harness.minimal())
            #expect(try await client.status(id) == "issued")
        }
    }

    @Test func unknownOrdersAre404AndTheRoutesNeedTheKey() async throws {
        try await Harness.withSandbox(Harness.manual()) { client in
            for route in ["dcv-random-value", "check-dcv", "dcv-method"] {
                for id in ["999", "abc"] {
                    let reply = try await client.call(.put, "/services/v2/order/certificate/\(id)/\(route)", json: ["dcv_method": "email"])
                    #expect(reply.status == 404 && reply.codes == ["not_found|order"], "\(route) \(id)")
                }
                let keyless = try await client.call(.put, "/services/v2/order/certificate/999/\(route)", key: nil)
                #expect(keyless.status == 403 && keyless.codes == ["access_denied|access_denied_invalid_key"])
            }
            let counted = try await client.stats()["requests_by_route"]
            #expect(counted?["dcv_random_value"] == 2 && counted?["check_dcv"] == 2 && counted?["dcv_method"] == 2)
        }
    }

    @Test func endedOrdersTakeNoDCVChange() async throws {
        try await Harness.withSandbox { client in
            let id = try await client.order(Harness.minimal())
            #expect(try await client.admin(.post, "orders/\(id)/revoke").status == 200)
            #expect(try await client.dcvRandomValue(id).codes == ["invalid_order_status"])
            #expect(try await client.changeMethod(id, ["dcv_method": "http-token"]).codes == ["invalid_order_status"])
        }
    }

    /// `--data` keeps the random value and its age, the names validated, the DNS zone and the web.
    @Test func dataFileKeepsValuesValidationsAndPublications() async throws {
        let dir = TemporaryDirectory()
        let configuration = Harness.manual { $0.dataPath = dir.path + "/sandbox.json" }
        let (id, first) = try await Harness.withSandbox(configuration) { client in
            let id = try await client.order(Harness.minimal("shop.example.com", dnsNames: ["www.shop.example.com"]))
            let first = try await client.randomValue(id)
            try await client.publishDNS("shop.example.com", "TXT", try #require(first.dcvRandomValue))
            try await client.publishHTTP("http://shop.example.com/.well-known/pki-validation/fileauth.txt", "kept")
            #expect(try await client.checkDCV(id).status == 400)  // validates shop.example.com only
            return (id, first)
        }
        try await Harness.withSandbox(configuration) { client in
            #expect(try await client.randomValue(id) == first)
            #expect(try await client.admin(.get, "dns").json == ["records": [["name": "shop.example.com", "type": "TXT", "value": .string(first.dcvRandomValue!)]]])
            #expect(try await client.admin(.get, "http").json?["files"]?.arrayValue?.first?["content"] == "kept")
            #expect(try await client.status(id) == "pending")
            #expect(try await client.unpublishDNS("shop.example.com", "TXT", first.dcvRandomValue!).json?["removed"] == true)
            try await client.publishDNS("www.shop.example.com", "TXT", first.dcvRandomValue!)
            #expect(try await client.checkedDCV(id).orderStatus == .issued)
        }
        try await Harness.withSandbox(configuration) { client in
            try await client.advance(days: 31)
            let renewed = try await client.randomValue(id)
            #expect(renewed.dcvRandomValue != first.dcvRandomValue)
        }
    }

    /// The executable takes `--dcv manual` (and refuses another word).
    @Test func commandLineTakesDCVManual() throws {
        let sandbox = try SandboxProcess(["--dcv", "manual", "--no-rate-limit"])
        let body = JSONWriter.compact(Harness.minimal())
        let placed = try sandbox.curl("POST", "/services/v2/order/certificate/ssl_dv_geotrust", body: body)
        let id = try #require(try JSONParser.parse(placed.body)["id"]?.intValue)
        #expect(try JSONParser.parse(try sandbox.curl("GET", "/services/v2/order/certificate/\(id)").body)["status"] == "pending")
        let check = try sandbox.curl("PUT", "/services/v2/order/certificate/\(id)/check-dcv")
        #expect(check.status == 400 && check.body.contains(DCVCheckError.invalidDNSTXT))
        #expect(throws: (any Error).self) { try SandboxProcess(["--dcv", "sometimes"]) }
    }
}
