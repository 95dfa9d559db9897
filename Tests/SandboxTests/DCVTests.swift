import CertCentralAPI
import CertformTestSupport
import Dates
import Foundation
import JSON
@testable import Sandbox
import Testing

/// `--dcv manual`: an order issues only once `check-dcv` finds its random value where DigiCert
/// would look (certcentral-api.md §7), published through the admin API.
@Suite struct ManualDCVTests {
    static let documentedTXTMessage = "Could not find a valid TXT record for one or more domains."

    @Test func tokenOrderStaysPendingUntilItsValueIsPublished() async throws {
        try await Harness.withSandbox(Harness.manual()) { client in
            let id = try await client.order(Harness.minimal())
            try await client.advance(days: 3)
            #expect(try await client.status(id) == "pending")
            #expect(try await client.list("filters%5Bstatus%5D=pending").json?["page"]?["total"] == 1)
            let check = try await client.checkDCV(id)
            #expect(check.status == 400 && check.codes == [DCVCheckError.invalidDNSTXT])
            #expect(check.json?["errors"]?.arrayValue?.first?["message"]?.stringValue == Self.documentedTXTMessage)
            #expect(try await client.status(id) == "pending")
            let certificateID = try #require(try await client.info(id)["certificate"]?["id"]?.intValue)
            let download = try await client.call(.get, "/services/v2/certificate/\(certificateID)/download/format/pem_all")
            #expect(download.status == 400 && download.codes == ["certificate_not_issued"])
        }
    }

    /// The TXT record at the name, at `_dnsauth.<name>`, or written with another case, a trailing
    /// dot and quotes, as zone files write it.
    @Test(arguments: [("shop.example.com", false), ("_dnsauth.shop.example.com", false), ("SHOP.Example.com.", true)])
    func txtRecordValidatesAndIssues(owner: String, quoted: Bool) async throws {
        try await Harness.withSandbox(Harness.manual()) { client in
            let id = try await client.order(Harness.minimal())
            let value = try await client.token(id)
            try await client.publishDNS(owner, "TXT", quoted ? "\"\(value)\"" : value)
            let result = try await client.checkedDCV(id)
            let info = try await client.decodedInfo(id)
            #expect(result.orderStatus == .issued && info.status == .issued)
            #expect(result.certificateID == info.certificate.id && result.certificateID != nil)
            #expect(result.dcvStatus == "valid")
            #expect(result.dnsNameValidations == [.init(dnsName: "shop.example.com", status: "approved")])
            #expect(info.certificate.thumbprint?.count == 40)
        }
    }

    @Test func everyNameMustValidateAndValidatedNamesAreKept() async throws {
        try await Harness.withSandbox(Harness.manual()) { client in
            let id = try await client.order(Harness.minimal("shop.example.com", dnsNames: ["www.shop.example.com"]))
            let value = try await client.token(id)
            try await client.publishDNS("shop.example.com", "TXT", value)
            #expect(try await client.checkDCV(id).codes == [DCVCheckError.invalidDNSTXT])
            #expect(try await client.status(id) == "pending")
            // shop.example.com was validated by that check; it stays so without its record.
            #expect(try await client.unpublishDNS("shop.example.com", "TXT", value).json?["removed"] == true)
            try await client.publishDNS("_dnsauth.www.shop.example.com", "TXT", value)
            let result = try await client.checkedDCV(id)
            #expect(result.orderStatus == .issued)
            #expect(result.dnsNameValidations == [.init(dnsName: "shop.example.com", status: "approved"),
                                                  .init(dnsName: "www.shop.example.com", status: "approved")])
        }
    }

    @Test func cnameTokenValidatesAtTheRandomLabel() async throws {
        try await Harness.withSandbox(Harness.manual()) { client in
            let id = try await client.order(Harness.minimal(method: "dns-cname-token"))
            let value = try await client.token(id)
            // A TXT record, or a CNAME pointing elsewhere, is not what dns-cname-token looks for.
            try await client.publishDNS("shop.example.com", "TXT", value)
            try await client.publishDNS("\(value).shop.example.com", "CNAME", "dcv.example.net")
            let wrong = try await client.checkDCV(id)
            #expect(wrong.status == 400 && wrong.codes == [DCVCheckError.invalidDNSTXT])
            try await client.publishDNS("\(value).shop.example.com", "CNAME", "DCV.digicert.com.")
            let result = try await client.checkedDCV(id)
            #expect(result.orderStatus == .issued && result.dcvStatus == "valid")
        }
    }

    @Test func httpTokenValidatesFromFileauthTxt() async throws {
        try await Harness.withSandbox(Harness.manual()) { client in
            let id = try await client.order(Harness.minimal(method: "http-token"))
            let value = try await client.token(id)
            try await client.publishHTTP("http://shop.example.com/.well-known/pki-validation/other.txt", value)
            try await client.publishHTTP("http://shop.example.com/.well-known/pki-validation/fileauth.txt", "not the value")
            let wrong = try await client.checkDCV(id)
            #expect(wrong.status == 400 && wrong.codes == [DCVCheckError.fileRandomValueNotFound])
            #expect(try await client.status(id) == "pending")
            try await client.publishHTTP("http://Shop.Example.com./.well-known/pki-validation/fileauth.txt", "\n  \(value)  \n")
            let result = try await client.checkedDCV(id)
            #expect(result.orderStatus == .issued)
        }
    }

    @Test func wildcardValidatesAtItsBaseName() async throws {
        try await Harness.withSandbox(Harness.manual()) { client in
            let id = try await client.order(Harness.minimal("*.example.com"), product: "wildcard_dv_geotrust")
            let value = try await client.token(id)
            try await client.publishDNS("_dnsauth.example.com", "TXT", value)
            let result = try await client.checkedDCV(id)
            #expect(result.orderStatus == .issued)
            #expect(result.dnsNameValidations == [.init(dnsName: "*.example.com", status: "approved")])
        }
    }

    @Test func wrongValueDoesNotValidate() async throws {
        try await Harness.withSandbox(Harness.manual()) { client in
            let id = try await client.order(Harness.minimal())
            let value = try await client.token(id)
            try await client.publishDNS("shop.example.com", "TXT", value + "x")
            try await client.publishDNS("other.example.com", "TXT", value)
            let check = try await client.checkDCV(id)
            #expect(check.status == 400 && check.codes == [DCVCheckError.invalidDNSTXT])
            #expect(try await client.status(id) == "pending")
        }
    }

    /// Values last 30 days on the sandbox clock: the same value comes back until then; an expired
    /// one does not validate even when published, and asking again gives a new one.
    @Test func expiredValueFailsAndIsReplaced() async throws {
        try await Harness.withSandbox(Harness.manual()) { client in
            let before = await client.store.now()
            let placed = try await client.call(.post, "/services/v2/order/certificate/ssl_dv_geotrust", json: Harness.minimal())
            let id = try #require(placed.json?["id"]?.intValue)
            let first = try await client.randomValue(id)
            let after = await client.store.now()
            #expect(first.dcvRandomValue == placed.json?["dcv_random_value"]?.stringValue)
            let expires = try #require(first.expirationDate)
            #expect(expires.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/) != nil)
            // 30 days after the value was made, which was between `before` and `after` (whole seconds).
            let expiry = try #require(Timestamp.parse(expires))
            #expect(expiry >= before.addingTimeInterval(30 * 86_400 - 1) && expiry <= after.addingTimeInterval(30 * 86_400 + 1))
            try await client.advance(days: 29)
            #expect(try await client.randomValue(id) == first)
            try await client.publishDNS("shop.example.com", "TXT", try #require(first.dcvRandomValue))
            try await client.advance(days: 2)
            let expired = try await client.checkDCV(id)
            #expect(expired.status == 400 && expired.codes == [DCVCheckError.invalidDNSTXT])
            #expect(expired.text.contains("expired"))
            #expect(try await client.status(id) == "pending")
            let beforeSecond = await client.store.now()
            let second = try await client.randomValue(id)
            let afterSecond = await client.store.now()
            #expect(second.dcvRandomValue != first.dcvRandomValue && second.dcvRandomValue != nil)
            let secondExpires = try #require(second.expirationDate.flatMap(Timestamp.parse))
            let firstExpires = try #require(Timestamp.parse(expires))
            #expect(secondExpires > firstExpires.addingTimeInterval(86_400))
            #expect(secondExpires >= beforeSecond.addingTimeInterval(30 * 86_400 - 1) && secondExpires <= afterSecond.addingTimeInterval(30 * 86_400 + 1))
            #expect(try await client.checkDCV(id).status == 400)
            try await client.publishDNS("shop.example.com", "TXT", try #require(second.dcvRandomValue))
            #expect(try await client.checkedDCV(id).orderStatus == .issued)
        }
    }

    /// A reissue validates again (DigiCert reuses no DV validation): it stays `reissue_pending`
    /// until check-dcv finds the value, then issues a new certificate.
    @Test func reissueWaitsForCheckDCV() async throws {
        try await Harness.withSandbox(Harness.manual()) { client in
            let id = try await client.order(Harness.minimal())
            let value = try await client.token(id)
            try await client.publishDNS("shop.example.com", "TXT", value)
            let first = try await client.checkedDCV(id)
            #expect(first.orderStatus == .issued)
            #expect(try await client.unpublishDNS("shop.example.com", "TXT", value).json?["removed"] == true)
            let reissue = try await client.call(.post, "/services/v2/order/certificate/\(id)/reissue",
                                                json: ["certificate": ["common_name": "shop.example.com", "csr": .string(TestCSR.make(commonName: "shop.example.com"))]])
            #expect(reissue.status == 201, "\(reissue.text)")
            try await client.advance(days: 2)
            #expect(try await client.status(id) == "reissue_pending")
            let pending = try await client.checkDCV(id)
            #expect(pending.status == 400 && pending.codes == [DCVCheckError.invalidDNSTXT])
            try await client.publishDNS("shop.example.com", "TXT", try await client.token(id))
            let result = try await client.checkedDCV(id)
            let info = try await client.decodedInfo(id)
            #expect(result.orderStatus == .issued && info.status == .issued)
            #expect(result.certificateID == info.certificate.id && result.certificateID != first.certificateID)
        }
    }

    /// needs_approval still waits for approval: check-dcv validates but does not issue.
    @Test func needsApprovalStillWaitsForApprove() async throws {
        try await Harness.withSandbox(Harness.manual()) { client in
            let id = try await client.order(Harness.with(Harness.minimal(), "skip_approval", nil))
            try await client.publishDNS("shop.example.com", "TXT", try await client.token(id))
            let result = try await client.checkedDCV(id)
            #expect(result.orderStatus == .needsApproval && result.dcvStatus == "valid")
            #expect(try await client.status(id) == "needs_approval")
            #expect(try await client.admin(.post, "orders/\(id)/approve").status == 200)
            #expect(try await client.status(id) == "issued")
            // Approved before validation, an order waits for DCV.
            let other = try await client.order(Harness.with(Harness.minimal("b.example.com"), "skip_approval", false))
            #expect(try await client.admin(.post, "orders/\(other)/approve").status == 200)
            try await client.advance(days: 1)
            #expect(try await client.status(other) == "pending")
        }
    }

    /// CertCentral's own reissue of an `auto_reissue` order waits for DCV like any other.
    @Test func autoReissueWaitsForDCV() async throws {
        try await Harness.withSandbox(Harness.manual()) { client in
            let id = try await client.order(AutoReissueTests.multiYear(autoReissue: 1))
            try await client.publishDNS("shop.example.com", "TXT", try await client.token(id))
            let first = try await client.checkedDCV(id)
            try await client.advance(days: 170)
            #expect(try await client.status(id) == "reissue_pending")
            try await client.publishDNS("shop.example.com", "TXT", try await client.token(id))
            let result = try await client.checkedDCV(id)
            #expect(result.orderStatus == .issued && result.certificateID != first.certificateID)
        }
    }
}
