import CertCentralAPI
import DomainValidation
import Testing

@Suite struct DCVTaskTests {
    @Test func txtRecordsAreAtEachBaseDomainOnce() {
        let tasks = DCVTask.tasks(method: .dnsTXTToken, names: ["*.Example.com", "example.com", "www.example.org"], randomValue: "abc123")
        #expect(tasks.map(\.record) == ["example.com", "www.example.org"])
        #expect(tasks.allSatisfy { $0.kind == .txt && $0.value == "abc123" && $0.url == nil })
    }

    @Test func cnameRecordIsTheValueUnderTheNamePointingAtDigiCert() {
        let tasks = DCVTask.tasks(method: .dnsCNAMEToken, names: ["*.example.com"], randomValue: "r4nd0m")
        #expect(tasks == [DCVTask(method: .dnsCNAMEToken, kind: .cname, domain: "example.com", record: "r4nd0m.example.com", value: "dcv.digicert.com")])
    }

    @Test func httpTokenIsTheFileauthFileOnEachName() {
        let tasks = DCVTask.tasks(method: .httpToken, names: ["example.com", "www.example.com"], randomValue: "v")
        #expect(tasks.compactMap(\.url) == ["http://example.com/.well-known/pki-validation/fileauth.txt",
                                           "http://www.example.com/.well-known/pki-validation/fileauth.txt"])
        #expect(tasks.allSatisfy { $0.record == "/.well-known/pki-validation/fileauth.txt" && $0.value == "v" })
    }

    /// dcv_emails: a name's `email` is the one address; its `email_domain` alone moves the
    /// constructed addresses there; a name without an entry keeps its own domain's.
    @Test func dcvEmailsChooseTheAddressesNameByName() {
        let names = ["example.org", "sub.example.org", "log.example.org", "api.example.org"]
        let scopes = [DCVEmail(dnsName: "example.org", emailDomain: "example.org", email: "admin@example.org"),
                      DCVEmail(dnsName: "SUB.example.org", emailDomain: "example.org", email: "jim.smith@example.org"),
                      DCVEmail(dnsName: "api.example.org", emailDomain: "example.org")]
        let constructed = { (domain: String) in DCVTask.constructedMailboxes.map { "\($0)@\(domain)" } }
        // admin@example.org once: set for example.org, and constructed for api.example.org.
        #expect(DCVTask.emailAddresses(for: names, scopes: scopes) == ["admin@example.org", "jim.smith@example.org"]
                + constructed("log.example.org") + ["administrator@example.org", "hostmaster@example.org", "postmaster@example.org", "webmaster@example.org"])
        #expect(DCVTask.constructedDomains(for: names, scopes: scopes) == ["log.example.org", "example.org"])
        #expect(DCVTask.constructedDomains(for: ["example.org"], scopes: Array(scopes.prefix(1))).isEmpty)
    }

    /// A wildcard is validated at its base domain, by that domain's entry; an entry that breaks
    /// the manifest's rules (read from a state file) is not used.
    @Test func aWildcardTakesItsBaseDomainsEntryAndABrokenEntryIsIgnored() {
        let scopes = [DCVEmail(dnsName: "example.com", emailDomain: "example.com", email: "it@example.com")]
        #expect(DCVTask.emailAddresses(for: ["*.example.com", "example.com"], scopes: scopes) == ["it@example.com"])
        #expect(DCVTask.constructedDomains(for: ["*.example.com", "example.com"], scopes: scopes).isEmpty)
        for broken in [DCVEmail(dnsName: "example.com", emailDomain: "example.com", email: "it@evil.test"),
                       DCVEmail(dnsName: "example.com", emailDomain: "com"),
                       DCVEmail(dnsName: "example.com", emailDomain: "evil.test", email: "x@evil.test")] {
            #expect(DCVTask.emailAddresses(for: ["example.com"], scopes: [broken]).first == "admin@example.com", "\(broken)")
        }
    }

    @Test func emailPublishesNothingAndNamesTheConstructedAddresses() {
        #expect(DCVTask.tasks(method: .email, names: ["example.com"], randomValue: "v").isEmpty)
        #expect(DCVTask.emailAddresses(for: ["*.example.com", "example.com"]) == [
            "admin@example.com", "administrator@example.com", "hostmaster@example.com", "postmaster@example.com", "webmaster@example.com",
        ])
    }
}
