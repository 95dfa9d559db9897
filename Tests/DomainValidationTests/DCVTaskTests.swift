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

    @Test func emailPublishesNothingAndNamesTheConstructedAddresses() {
        #expect(DCVTask.tasks(method: .email, names: ["example.com"], randomValue: "v").isEmpty)
        #expect(DCVTask.emailAddresses(for: ["*.example.com", "example.com"]) == [
            "admin@example.com", "administrator@example.com", "hostmaster@example.com", "postmaster@example.com", "webmaster@example.com",
        ])
    }
}
