import CertCentralAPI
import Testing

/// SPEC §2.2's rules for a `dcv_emails` entry, one predicate for the manifest reader and for
/// entries read back from a state file.
@Suite struct DCVEmailRuleTests {
    @Test(arguments: [
        ("example.com", "example.com", true),
        ("a.b.example.com", "example.com", true),
        ("a.b.example.com", "b.example.com", true),
        ("*.example.com", "example.com", true),
        ("*.shop.example.com", "shop.example.com", true),
        ("example.com", "com", false),                 // a top-level domain alone
        ("example.com", "ample.com", false),           // a suffix, not a parent label
        ("example.com", "www.example.com", false),     // a child, not a parent
        ("*.example.com", "*.example.com", false),
        ("example.com", "evil.test", false),
    ])
    func emailDomain(name: String, domain: String, holds: Bool) {
        #expect(DCVEmail.isEmailDomain(domain, of: name) == holds)
    }

    @Test(arguments: [
        ("it@example.com", "example.com", true),
        ("it@mail.example.com", "example.com", true),
        ("@example.com", "example.com", false),
        ("it@ample.com", "example.com", false),
        ("it@evil.test", "example.com", false),
        ("a@b@example.com", "example.com", false),
        ("it.example.com", "example.com", false),
    ])
    func address(email: String, domain: String, holds: Bool) {
        #expect(DCVEmail.isAddress(email, in: domain) == holds)
    }

    @Test func anEntryKeepsBothRules() {
        #expect(DCVEmail(dnsName: "www.example.com", emailDomain: "example.com").keepsRules)
        #expect(DCVEmail(dnsName: "www.example.com", emailDomain: "example.com", email: "it@example.com").keepsRules)
        #expect(!DCVEmail(dnsName: "www.example.com", emailDomain: "example.com", email: "it@evil.test").keepsRules)
        #expect(!DCVEmail(dnsName: "www.example.com", emailDomain: "com", email: "it@com").keepsRules)
    }
}
