import CertCentralAPI
import CertCentralAPI
import CertformTestSupport
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSON
@testable import Sandbox
import Testing
import X509

@Suite struct SandboxOrderTests {
    @Test func pageExampleIsAccepted() async throws {
        try await Harness.withSandbox { client in
            let reply = try await client.call(.post, "/services/v2/order/certificate/ssl_dv_geotrust", json: Harness.pageExample())
            #expect(reply.status == 201, "\(reply.text)")
            #expect(reply.json?["id"]?.intValue != nil)
            #expect(reply.json?["certificate_id"]?.intValue != nil)
            #expect(reply.json?["dcv_random_value"] == nil)
        }
    }

    @Test(arguments: [("dns-txt-token", true), ("http-token", true), ("dns-cname-token", false), ("email", false)])
    func dcvRandomValueForTokenMethods(method: String, returnsValue: Bool) async throws {
        try await Harness.withSandbox { client in
            let body = Harness.with(Harness.pageExample(dcvMethod: method), "dcv_emails", nil)
            let reply = try await client.call(.post, "/services/v2/order/certificate/ssl_dv_geotrust", json: body)
            #expect(reply.status == 201)
            #expect((reply.json?["dcv_random_value"]?.stringValue != nil) == returnsValue)
        }
    }

    @Test func missingOrWrongKeyIs403() async throws {
        try await Harness.withSandbox { client in
            for key in [nil, "wrong"] as [String?] {
                let reply = try await client.call(.get, "/services/v2/order/certificate", key: key)
                #expect(reply.status == 403)
                #expect(reply.codes == ["access_denied|access_denied_invalid_key"])
            }
        }
    }

    @Test func unknownProductRouteAndOrderAre404() async throws {
        try await Harness.withSandbox { client in
            let product = try await client.call(.post, "/services/v2/order/certificate/ssl_ev_basic", json: Harness.minimal())
            #expect(product.status == 404 && product.codes == ["not_found|product"])
            let order = try await client.call(.get, "/services/v2/order/certificate/123")
            #expect(order.status == 404 && order.codes == ["not_found|order"])
            let route = try await client.call(.get, "/services/v2/nothing/here")
            #expect(route.status == 404 && route.codes == ["not_found|route"])
            let reissue = try await client.call(.post, "/services/v2/order/certificate/999/reissue", json: ["certificate": [:]])
            #expect(reissue.status == 404 && reissue.codes == ["not_found|order"])
        }
    }

    @Test func malformedJSONIs400() async throws {
        try await Harness.withSandbox { client in
            let reply = try await client.call(.post, "/services/v2/order/certificate/ssl_dv_geotrust", raw: "{\"certificate\": ")
            #expect(reply.status == 400 && reply.codes == ["bad_request_format"])
        }
    }

    static let validationCases: [(String, JSONValue, [String])] = [
        ("no certificate", Harness.with(Harness.minimal(), "certificate", nil), ["missing_field:certificate"]),
        ("no common_name", Harness.withCertificate(Harness.minimal(), "common_name", nil), ["missing_field:certificate.common_name"]),
        ("no csr", Harness.withCertificate(Harness.minimal(), "csr", nil), ["missing_field:certificate.csr"]),
        ("csr does not parse", Harness.withCertificate(Harness.minimal(), "csr", "junk"), ["csr_invalid_cannot_parse"]),
        ("common_name not a string", Harness.withCertificate(Harness.minimal(), "common_name", 5), ["invalid_value:certificate.common_name"]),
        ("dns_names not strings", Harness.withCertificate(Harness.minimal(), "dns_names", [1]), ["invalid_value:certificate.dns_names"]),
        ("bad domain", Harness.withCertificate(Harness.minimal(), "dns_names", ["a..example.com"]), ["invalid_value:certificate.dns_names"]),
        ("validity_years 4", Harness.with(Harness.minimal(), "validity_years", 4), ["invalid_value:validity_years"]),
        ("validity_years a string", Harness.with(Harness.minimal(), "validity_years", "1"), ["invalid_value:validity_years"]),
        ("no validity", Harness.with(Harness.minimal(), "validity_years", nil), ["missing_field:validity_years"]),
        ("validity_days 0", Harness.with(Harness.minimal(), "validity_days", 0), ["invalid_value:validity_days"]),
        ("custom date format", Harness.with(Harness.minimal(), "custom_expiration_date", "12/01/2027"), ["invalid_value:custom_expiration_date"]),
        ("custom date in the past", Harness.with(Harness.minimal(), "custom_expiration_date", "2020-01-01"), ["invalid_value:custom_expiration_date"]),
        ("custom date too far", Harness.with(Harness.minimal(), "custom_expiration_date", "2035-01-01"), ["invalid_value:custom_expiration_date"]),
        ("payment_method", Harness.with(Harness.minimal(), "payment_method", "cash"), ["invalid_value:payment_method"]),
        ("dcv_method unknown", Harness.with(Harness.minimal(), "dcv_method", "dns"), ["invalid_value:dcv_method"]),
        ("dcv_method missing", Harness.with(Harness.minimal(), "dcv_method", nil), ["missing_field:dcv_method"]),
        ("auto_renew 2", Harness.with(Harness.minimal(), "auto_renew", 2), ["invalid_value:auto_renew"]),
        ("skip_approval not a boolean", Harness.with(Harness.minimal(), "skip_approval", "yes"), ["invalid_value:skip_approval"]),
        ("container without id", Harness.with(Harness.minimal(), "container", ["name": "x"]), ["invalid_value:container.id"]),
        ("custom field without value", Harness.with(Harness.minimal(), "custom_fields", [["metadata_id": 1]]), ["invalid_value:custom_fields"]),
        ("contact without email", Harness.with(Harness.minimal(), "technical_contact", ["first_name": "a", "last_name": "b", "telephone": "1"]), ["invalid_value:technical_contact.email"]),
        ("wildcard on a plain product", Harness.minimal("*.example.com"), ["invalid_value:certificate.common_name"]),
        ("dcv_emails name not on the certificate", Harness.with(Harness.minimal(), "dcv_emails", [["dns_name": "other.com", "email_domain": "other.com"]]), ["invalid_value:dcv_emails"]),
        ("dcv_emails domain not a parent", Harness.with(Harness.minimal(), "dcv_emails", [["dns_name": "shop.example.com", "email_domain": "example.org"]]), ["invalid_value:dcv_emails"]),
        ("dcv_emails domain a top-level domain", Harness.with(Harness.minimal(), "dcv_emails", [["dns_name": "shop.example.com", "email_domain": "com"]]), ["invalid_value:dcv_emails"]),
        ("dcv_emails email elsewhere", Harness.with(Harness.minimal(), "dcv_emails", [["dns_name": "shop.example.com", "email_domain": "example.com", "email": "a@evil.com"]]), ["invalid_value:dcv_emails"]),
        ("renewal of an unknown order", Harness.with(Harness.minimal(), "renewal_of_order_id", 1), ["invalid_value:renewal_of_order_id"]),
        ("several problems at once", Harness.with(Harness.with(Harness.minimal(), "validity_years", 5), "payment_method", "cash"), ["invalid_value:validity_years", "invalid_value:payment_method"]),
    ]

    @Test(arguments: validationCases)
    func validationErrors(label: String, body: JSONValue, codes: [String]) async throws {
        try await Harness.withSandbox { client in
            let reply = try await client.call(.post, "/services/v2/order/certificate/ssl_dv_geotrust", json: body)
            #expect(reply.status == 400, "\(label)")
            #expect(reply.codes == codes, "\(label): \(reply.text)")
            let decoded = try JSONDecoder().decode(ErrorResponse.self, from: Data(reply.text.utf8))
            #expect(decoded.errors.map(\.code) == codes)
        }
    }

    @Test func wildcardRules() async throws {
        try await Harness.withSandbox { client in
            let plain = try await client.call(.post, "/services/v2/order/certificate/wildcard_dv_geotrust", json: Harness.minimal("example.com"))
            #expect(plain.codes == ["invalid_value:certificate.common_name"])
            let http = try await client.call(.post, "/services/v2/order/certificate/wildcard_dv_geotrust",
                                             json: Harness.with(Harness.minimal("*.example.com"), "dcv_method", "http-token"))
            #expect(http.codes == ["invalid_value:dcv_method"])
            _ = try await client.order(Harness.minimal("*.example.com"), product: "wildcard_dv_rapidssl")
        }
    }

    @Test func orderLifecycleAndInfo() async throws {
        try await Harness.withSandbox { client in
            let id = try await client.order(Harness.minimal("shop.example.com", dnsNames: ["cart.example.com"]))
            let info = try await client.call(.get, "/services/v2/order/certificate/\(id)")
            #expect(info.status == 200)
            let decoded = try JSONDecoder().decode(OrderInfo.self, from: Data(info.text.utf8))
            #expect(decoded.status == .issued)  // --issue-after 0: issued at the next read
            #expect(decoded.certificate.dnsNames == ["cart.example.com"])  // the names besides the common name
            #expect(decoded.certificate.thumbprint?.count == 40)
            #expect(decoded.product?.nameID == "ssl_dv_geotrust")
            #expect(decoded.isRenewed == false)
            let validTill = try #require(decoded.certificate.validTill)
            let orderTill = try #require(decoded.orderValidTill)
            #expect(validTill < orderTill)  // 199-day certificate inside a one-year order
            let byThumbprint = try await client.call(.get, "/services/v2/order/certificate/\(decoded.certificate.thumbprint!)")
            #expect(byThumbprint.json?["id"]?.intValue == id)
        }
    }

    @Test func ordersWaitUntilIssueAfterAndNeedApprovalWithoutSkipApproval() async throws {
        try await Harness.withSandbox(Harness.configuration { $0.issueAfter = 3600 }) { client in
            let pending = try await client.order(Harness.minimal())
            let approval = try await client.order(Harness.with(Harness.minimal("b.example.com"), "skip_approval", nil))
            #expect(try await client.call(.get, "/services/v2/order/certificate/\(pending)").json?["status"] == "pending")
            #expect(try await client.call(.get, "/services/v2/order/certificate/\(approval)").json?["status"] == "needs_approval")
            _ = try await client.call(.post, "/_sandbox/clock", json: ["advance_days": 1])
            #expect(try await client.call(.get, "/services/v2/order/certificate/\(pending)").json?["status"] == "issued")
        }
    }

    @Test func listOrdersFiltersPagesAndLeavesOutEmptyOrders() async throws {
        try await Harness.withSandbox { client in
            for name in ["a.example.com", "b.example.com", "a.example.com"] { _ = try await client.order(Harness.minimal(name)) }
            let all = try await client.call(.get, "/services/v2/order/certificate?limit=2&offset=0")
            let page = try JSONDecoder().decode(ListOrdersResponse.self, from: Data(all.text.utf8))
            #expect(page.orders.count == 2 && page.page.total == 3 && page.page.limit == 2)
            let rest = try await client.call(.get, "/services/v2/order/certificate?limit=2&offset=2")
            #expect(rest.json?["orders"]?.arrayValue?.count == 1)
            let filtered = try await client.call(.get, "/services/v2/order/certificate?filters%5Bcommon_name%5D=a.example.com&filters%5Bstatus%5D=issued")
            #expect(filtered.json?["page"]?["total"] == 2)
            #expect(filtered.json?["orders"]?.arrayValue?.first?["organization"] == .array([]))
            let none = try await client.call(.get, "/services/v2/order/certificate?filters%5Bcommon_name%5D=nothing.example.com")
            #expect(none.status == 200)
            #expect(none.json?["orders"] == nil)
            #expect(none.json?["page"]?["total"] == 0)
            #expect(try JSONDecoder().decode(ListOrdersResponse.self, from: Data(none.text.utf8)).orders.isEmpty)
        }
    }

    @Test func downloadedCertificateChainsToTheCAAndMatchesTheThumbprint() async throws {
        try await Harness.withSandbox { client in
            let id = try await client.order(Harness.minimal("shop.example.com", dnsNames: ["cart.example.com"]))
            let info = try await client.call(.get, "/services/v2/order/certificate/\(id)")
            let certificateID = try #require(info.json?["certificate"]?["id"]?.intValue)
            let thumbprint = try #require(info.json?["certificate"]?["thumbprint"]?.stringValue)
            let download = try await client.call(.get, "/services/v2/certificate/\(certificateID)/download/format/pem_all")
            #expect(download.status == 200)
            let blocks = download.text.components(separatedBy: "-----END CERTIFICATE-----").filter { $0.contains("BEGIN") }
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) + "\n-----END CERTIFICATE-----\n" }
            // pem_all: leaf, intermediate, root (ChainTests verifies the chain with openssl).
            #expect(blocks.count == 3)
            let leaf = try Certificate(pemEncoded: blocks[0])
            let intermediate = try Certificate(pemEncoded: blocks[1])
            let root = try Certificate(pemEncoded: blocks[2])
            #expect(intermediate.subject == leaf.issuer && root.subject == intermediate.issuer)
            #expect(intermediate.publicKey.isValidSignature(leaf.signature, for: leaf))
            #expect(root.publicKey.isValidSignature(intermediate.signature, for: intermediate))
            let caPEM = await client.store.caCertificatePEM
            #expect(try Certificate(pemEncoded: caPEM) == root)
            let names = try leaf.extensions.subjectAlternativeNames?.compactMap { name -> String? in
                if case .dnsName(let dns) = name { return dns }
                return nil
            }
            #expect(names == ["shop.example.com", "cart.example.com"])
            let base64 = blocks[0].split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            let der = [UInt8](try #require(Data(base64Encoded: base64)))
            #expect(Insecure.SHA1.hash(data: der).map { String(format: "%02X", $0) }.joined() == thumbprint)
        }
    }

    @Test func renewalMarksTheOldOrderAndChecksTheThumbprint() async throws {
        try await Harness.withSandbox { client in
            let first = try await client.order(Harness.minimal())
            let thumbprint = try #require(try await client.call(.get, "/services/v2/order/certificate/\(first)").json?["certificate"]?["thumbprint"]?.stringValue)
            let wrong = try await client.call(.post, "/services/v2/order/certificate/ssl_dv_geotrust",
                                              json: Harness.with(Harness.with(Harness.minimal(), "renewal_of_order_id", .int(first)), "renewed_thumbprint", "00"))
            #expect(wrong.status == 400 && wrong.codes == ["invalid_value:renewed_thumbprint"])
            #expect(try await client.call(.get, "/services/v2/order/certificate/\(first)").json?["is_renewed"] == false)
            let renewal = try await client.order(Harness.with(Harness.with(Harness.minimal(), "renewal_of_order_id", .int(first)), "renewed_thumbprint", .string(thumbprint.lowercased())))
            let old = try await client.call(.get, "/services/v2/order/certificate/\(first)")
            #expect(old.json?["is_renewed"] == true)
            #expect(old.json?["renewed_order_id"]?.intValue == renewal)
            #expect(try await client.call(.get, "/services/v2/order/certificate/\(renewal)").json?["is_renewal"] == true)
        }
    }

    @Test func reissueReplacesTheCertificate() async throws {
        try await Harness.withSandbox(Harness.configuration { $0.issueAfter = 60 }) { client in
            let id = try await client.order(Harness.minimal())
            let early = try await client.call(.post, "/services/v2/order/certificate/\(id)/reissue", json: ["certificate": ["common_name": "shop.example.com", "csr": .string(TestCSR.make(commonName: "shop.example.com"))]])
            #expect(early.status == 400 && early.codes == ["invalid_order_status"])
            _ = try await client.call(.post, "/_sandbox/clock", json: ["advance_days": 1])
            let before = try await client.call(.get, "/services/v2/order/certificate/\(id)")
            let reissue = try await client.call(.post, "/services/v2/order/certificate/\(id)/reissue",
                                                json: ["certificate": ["common_name": "shop.example.com", "dns_names": ["new.example.com"], "csr": .string(TestCSR.make(commonName: "shop.example.com"))], "skip_approval": true])
            #expect(reissue.status == 201, "\(reissue.text)")
            let decoded = try JSONDecoder().decode(ReissueResponse.self, from: Data(reissue.text.utf8))
            #expect(decoded.id == id && decoded.requests.count == 1)
            #expect(try await client.call(.get, "/services/v2/order/certificate/\(id)").json?["status"] == "reissue_pending")
            _ = try await client.call(.post, "/_sandbox/clock", json: ["advance_days": 1])
            let after = try await client.call(.get, "/services/v2/order/certificate/\(id)")
            #expect(after.json?["status"] == "issued")
            #expect(after.json?["certificate"]?["thumbprint"] != before.json?["certificate"]?["thumbprint"])
            #expect(after.json?["certificate"]?["id"] != before.json?["certificate"]?["id"])
            #expect(after.json?["certificate"]?["dns_names"] == ["new.example.com"])  // the names besides the common name
            // The replaced certificate can still be downloaded.
            let oldID = try #require(before.json?["certificate"]?["id"]?.intValue)
            #expect(try await client.call(.get, "/services/v2/certificate/\(oldID)/download/format/pem_all").status == 200)
        }
    }

    @Test func certificateValidityIsCappedAndTheClockMoves() async throws {
        try await Harness.withSandbox(Harness.configuration { $0.certificateValidityDays = 10 }) { client in
            let id = try await client.order(Harness.minimal())
            let info = try await client.call(.get, "/services/v2/order/certificate/\(id)")
            #expect(info.json?["certificate"]?["days_remaining"] == 10)
            let moved = try await client.call(.post, "/_sandbox/clock", json: ["advance_days": 4])
            #expect(moved.status == 200)
            #expect(try await client.call(.get, "/services/v2/order/certificate/\(id)").json?["certificate"]?["days_remaining"] == 6)
        }
    }

    @Test func adminOrdersCarryTheRequestBody() async throws {
        try await Harness.withSandbox { client in
            let body = Harness.pageExample()
            let id = try await client.order(body)
            let orders = try await client.call(.get, "/_sandbox/orders", key: nil)
            let order = try #require(orders.json?["orders"]?.arrayValue?.first)
            #expect(order["id"]?.intValue == id)
            #expect(order["request"] == body)
        }
    }

    @Test func failRateAnswers500AndStatsCount() async throws {
        try await Harness.withSandbox { client in
            let set = try await client.call(.post, "/_sandbox/faults", json: ["fail_rate": 1], key: nil)
            #expect(set.json?["fail_rate"]?.doubleValue == 1)
            let reply = try await client.call(.get, "/services/v2/order/certificate")
            #expect(reply.status == 500 && reply.codes == ["internal_error"])
            _ = try await client.call(.post, "/_sandbox/faults", json: ["fail_rate": 0], key: nil)
            _ = try await client.order(Harness.minimal())
            let stats = try await client.call(.get, "/_sandbox/stats", key: nil)
            #expect(stats.json?["requests"] == 2)
            #expect(stats.json?["orders_created"] == 1)
            #expect(stats.json?["faults_injected"]?["fail"] == 1)
        }
    }

    @Test func rateLimitAnswers429() async throws {
        let configuration = Harness.configuration {
            $0.rateLimited = true
            // A window that cannot roll during the test, however loaded the machine: the
            // rolling itself is tested on the limiter with explicit times below.
            $0.rateLimits = [RateLimit(count: 5, seconds: 3600)]
        }
        try await Harness.withSandbox(configuration) { client in
            var statuses: [Int] = []
            for _ in 0..<7 { statuses.append(try await client.call(.get, "/services/v2/order/certificate").status) }
            #expect(statuses == [200, 200, 200, 200, 200, 429, 429])
            let limited = try await client.call(.get, "/services/v2/order/certificate")
            #expect(limited.codes == ["request_limit_exceeded"])
            #expect(try await client.call(.get, "/_sandbox/stats", key: nil).json?["rate_limited"] == 3)
        }
    }

    @Test func theLimiterAdmitsAgainWhenTheWindowRolls() {
        var limiter = RollingWindowLimiter(limits: [RateLimit(count: 5, seconds: 4), RateLimit(count: 8, seconds: 60)])
        var admitted: [Bool] = []
        for step in 0..<7 { admitted.append(limiter.admit(at: 100 + Double(step) * 0.1)) }
        #expect(admitted == [true, true, true, true, true, false, false])
        let stillInWindow = limiter.admit(at: 103.9)  // the first admitted request is still in the window
        #expect(!stillInWindow)
        let rolled = limiter.admit(at: 104.05)  // it rolled out
        #expect(rolled)
        let two = [limiter.admit(at: 104.2), limiter.admit(at: 104.3)]
        #expect(two == [true, true])
        let longWindow = limiter.admit(at: 104.45)  // 8 in the last minute: the long window holds
        #expect(!longWindow)
        let later = limiter.admit(at: 160.1)
        #expect(later)
    }

    @Test func dataFileKeepsOrdersTheCAAndTheClock() async throws {
        let dir = TemporaryDirectory()
        let configuration = Harness.configuration { $0.dataPath = dir.path + "/sandbox.json" }
        let (id, caPEM) = try await Harness.withSandbox(configuration) { client in
            let id = try await client.order(Harness.minimal())
            _ = try await client.call(.get, "/services/v2/order/certificate/\(id)")
            _ = try await client.call(.post, "/_sandbox/clock", json: ["advance_days": 2])
            return (id, await client.store.caCertificatePEM)
        }
        try await Harness.withSandbox(configuration) { client in
            let info = try await client.call(.get, "/services/v2/order/certificate/\(id)")
            #expect(info.json?["status"] == "issued")
            #expect(await client.store.caCertificatePEM == caPEM)
            let next = try await client.order(Harness.minimal("b.example.com"))
            #expect(next == id + 1)
            let stats = try await client.call(.get, "/_sandbox/stats", key: nil)
            #expect(stats.json?["now"]?.stringValue.map { $0 > Timestamp.format(Date().addingTimeInterval(86_400)) } == true)
        }
    }
}

@Suite struct RollingWindowLimiterTests {
    @Test func bothWindowsApply() {
        var limiter = RollingWindowLimiter(limits: [RateLimit(count: 3, seconds: 1), RateLimit(count: 5, seconds: 10)])
        var results: [Bool] = []
        for time in [0.0, 0.1, 0.2, 0.3] { results.append(limiter.admit(at: time)) }
        #expect(results == [true, true, true, false])
        let afterFirstLeft = limiter.admit(at: 1.05)  // the first left the 1-second window
        let second = limiter.admit(at: 1.15)
        let longWindowFull = limiter.admit(at: 2.5)  // five in the last 10 seconds
        let rolled = limiter.admit(at: 10.01)
        #expect(afterFirstLeft && second && !longWindowFull && rolled)
    }

    @Test func parsesWindows() {
        #expect(RateLimit.parse("100/5s,1000/180s") == RateLimit.certCentral)
        #expect(RateLimit.parse("10/1m") == [RateLimit(count: 10, seconds: 60)])
        #expect(RateLimit.parse("10") == nil)
        #expect(RateLimit.parse("0/5s") == nil)
    }
}

import Dates
