import CertformTestSupport
import Foundation
import JSON
import Testing

/// The `certcentral-sandbox` binary, driven over loopback by curl as a person would.
@Suite struct SandboxExecutableTests {
    /// The Order DV SSL page's curl example, with a real CSR in place of `<csr>`.
    static func pageExample(dcvMethod: String) -> String {
        let csr = TestCSR.make(commonName: "example.com", sans: ["example.com", "sub.example.com", "log.example.com"])
        let emails = dcvMethod == "email" ? """
        ,
            "dcv_emails": [
                {"dns_name": "example.com", "email_domain": "example.com", "email": "admin@example.com"},
                {"dns_name": "sub.example.com", "email_domain": "example.com", "email": "jim.smith@example.com"},
                {"dns_name": "log.example.com", "email_domain": "example.com", "email": "it@example.com"}
            ]
        """ : ""
        return """
        {
            "certificate": {
                "common_name": "example.com",
                "dns_names": ["sub.example.com", "log.example.com"],
                "csr": \(JSONWriter.compact(.string(csr))),
                "server_platform": {"id": 2}
            },
            "custom_expiration_date": "",
            "comments": "Message for the approver.",
            "container": {"id": 69748},
            "custom_renewal_message": "Renew me.",
            "skip_approval": true,
            "disable_ct": 0,
            "validity_years": 1,
            "custom_fields": [{"metadata_id": 12, "value": "Invoice #12345"}],
            "payment_method": "balance",
            "dcv_method": "\(dcvMethod)"\(emails),
            "locale": "en",
            "technical_contact": {"first_name": "Jim", "last_name": "Smith", "telephone": "555-555-5555", "job_title": "IT Admin", "email": "jim.smith@example.com"}
        }
        """
    }

    @Test func pageExampleByCurlGets201() throws {
        let sandbox = try SandboxProcess()
        #expect(sandbox.url.hasPrefix("http://127.0.0.1:"))
        let email = try sandbox.curl("POST", "/services/v2/order/certificate/ssl_dv_geotrust", body: Self.pageExample(dcvMethod: "email"))
        #expect(email.status == 201, "\(email.body)")
        let created = try JSONParser.parse(email.body)
        #expect(created["id"]?.intValue != nil && created["certificate_id"]?.intValue != nil)
        #expect(created["dcv_random_value"] == nil)
        let token = try sandbox.curl("POST", "/services/v2/order/certificate/ssl_dv_geotrust", body: Self.pageExample(dcvMethod: "dns-txt-token"))
        #expect(token.status == 201)
        #expect(try JSONParser.parse(token.body)["dcv_random_value"]?.stringValue?.isEmpty == false)
        let denied = try sandbox.curl("GET", "/services/v2/order/certificate", key: "wrong")
        #expect(denied.status == 403 && denied.body.contains("access_denied|access_denied_invalid_key"))
    }

    @Test func dropAfterAcceptCreatesTheOrderButClosesTheConnection() throws {
        let sandbox = try SandboxProcess(["--drop-after-accept-rate", "1", "--seed", "1"])
        let reply = try sandbox.curl("POST", "/services/v2/order/certificate/ssl_dv_geotrust", body: Self.pageExample(dcvMethod: "dns-txt-token"))
        #expect(reply.status == 0, "no HTTP status may arrive: \(reply)")
        #expect(reply.exit == 52, "curl reports an empty reply: \(reply)")  // CURLE_GOT_NOTHING
        let orders = try JSONParser.parse(try sandbox.curl("GET", "/_sandbox/orders", key: nil).body)
        #expect(orders["orders"]?.arrayValue?.count == 1)
        #expect(orders["orders"]?.arrayValue?.first?["certificate"]?["common_name"] == "example.com")
        let stats = try JSONParser.parse(try sandbox.curl("GET", "/_sandbox/stats", key: nil).body)
        #expect(stats["faults_injected"]?["drop_after_accept"] == 1)
    }

    @Test func badFlagsAreUsageErrors() throws {
        let result = try CLI.run(["--fail-rate", "2"], executable: "certcentral-sandbox")
        #expect(result.status == 64)
        #expect(result.stderr.contains("--fail-rate and --drop-after-accept-rate take a probability from 0 to 1"))
    }
}
