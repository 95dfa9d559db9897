import CertformTestSupport
@testable import Manifests
import SwiftASN1
import Testing

@Suite struct CSRInspectorTests {
    static let pem = TestCSR.make(commonName: "example.com", sans: ["example.com", "www.example.com"])

    @Test func plainPEMIsDecodedToTheSameDERAsSwiftASN1Does() throws {
        let document = try PEMDocument(pemString: Self.pem)
        #expect(CSRInspector.plainPEMBody(Self.pem) == document.derBytes)
        #expect(CSRInspector.plainPEMBody("\n\n" + Self.pem + "\n") == document.derBytes)
    }

    @Test(arguments: [
        "junk before\n" + CSRInspectorTests.pem,
        CSRInspectorTests.pem.replacingOccurrences(of: "CERTIFICATE REQUEST", with: "NEW CERTIFICATE REQUEST"),
        "-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n",
        "-----BEGIN CERTIFICATE REQUEST-----\nnot base64!\n-----END CERTIFICATE REQUEST-----\n",
    ])
    func anythingElseGoesToTheGeneralReader(text: String) {
        #expect(CSRInspector.plainPEMBody(text) == nil)
    }

    @Test func bothPathsGiveTheSameSummary() throws {
        let fast = try CSRInspector.inspect(pem: Self.pem, declaredNames: ["example.com", "www.example.com"]).get()
        // With a comment line before it, the PEM goes through swift-asn1's reader.
        let general = CSRInspector.inspect(pem: "# a comment\n" + Self.pem, declaredNames: ["example.com", "www.example.com"])
        switch general {
        case .success(let summary): #expect(summary == fast)
        case .failure(let failure): #expect(failure.description.contains("PEM"), "\(failure)")
        }
        #expect(fast.names == ["example.com", "www.example.com"])
        #expect(fast.keyDescription.hasPrefix("ECDSA") || fast.keyDescription.hasPrefix("RSA"))
    }
}

/// Whatever could carry a name certform does not see is refused, not skipped: the CA reads the
/// CSR, not certform's summary of it (CSRs made with openssl, as users make them).
@Suite struct CSRInspectorHiddenNamesTests {
    static func openssl(_ arguments: [String], config: String? = nil) throws -> String {
        let dir = TemporaryDirectory()
        var extra: [String] = []
        if let config { extra = ["-config", dir.write("req.cnf", config)] }
        let out = dir.path + "/req.csr"
        let result = try Subprocess.run("/usr/bin/env", ["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                                         "-keyout", "/dev/null", "-out", out] + extra + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return try String(contentsOfFile: out, encoding: .utf8)
    }

    static func failure(_ pem: String, _ names: [String] = ["m1.example.com"]) -> String {
        switch CSRInspector.inspect(pem: pem, declaredNames: names) {
        case .success: return "accepted"
        case .failure(let failure): return failure.description
        }
    }

    /// A BMPString common name is read, so a name outside the entry is caught (it was skipped).
    @Test func aCommonNameInABMPStringIsChecked() throws {
        let pem = try Self.openssl([], config: "[req]\ndistinguished_name=dn\nstring_mask=MASK:0x800\nprompt=no\n[dn]\nCN=evil.attacker.net\n")
        #expect(Self.failure(pem).contains("the CSR carries 'evil.attacker.net', which is not the common_name or in dns_names"), "\(Self.failure(pem))")
    }

    @Test func aSubjectAlternativeNameThatIsNotADNSNameIsRefused() throws {
        let pem = try Self.openssl(["-subj", "/CN=m1.example.com", "-addext", "subjectAltName=DNS:m1.example.com,IP:10.0.0.1"])
        #expect(Self.failure(pem).contains("a subject alternative name that is not a DNS name"), "\(Self.failure(pem))")
        let plain = try Self.openssl(["-subj", "/CN=m1.example.com", "-addext", "subjectAltName=DNS:m1.example.com"])
        #expect(Self.failure(plain) == "accepted")
    }

    /// Two extension requests, validly signed: the first asks for x.evil.io (where OpenSSL reads
    /// it), the second for example.com (the one swift-certificates keeps when it parses).
    static let twoExtensionRequests = """
-----BEGIN CERTIFICATE REQUEST-----
MIICqzCCAZMCAQAwFjEUMBIGA1UEAwwLZXhhbXBsZS5jb20wggEiMA0GCSqGSIb3
DQEBAQUAA4IBDwAwggEKAoIBAQC1cLZf13dV901Qqe7xG/7BY3QgV4hpLPe6ATwb
dEpiDVGxQ9D4eRQJziGalwPCr9/1auP7VsWRrn5SiyIAsxoHoHxeO/eop6uoc1V2
21kSsZCQngL33K9EHNGGwpwkn9pseCfcGXbX4FFTUrKCEyk1cNM0axG2fZ7Fimr2
XORHnCb4hfLZ1w7zjLKg3zvJHBbvgOv2znM4j5NMcl8yDVikyBX+Qf75rZVzqk05
x8CFWGad87QOLEPdbP7UOXg9MBlg7IUG2QAzPPYdtQjuDumknhuQKzaqD9+udVzi
wsTJPYYTk1BTrV83uF+KGYEXXJ8cjz8gZbz6XJGdpg5kfkcnAgMBAAGgUDAlBgkq
hkiG9w0BCQ4xGDAWMBQGA1UdEQQNMAuCCXguZXZpbC5pbzAnBgkqhkiG9w0BCQ4x
GjAYMBYGA1UdEQQPMA2CC2V4YW1wbGUuY29tMA0GCSqGSIb3DQEBCwUAA4IBAQCn
uEKJBJPSphink38Mc241y++PU1cn80AZL09GWUlC9aQptKnSiDVnr9oUHjR4ozII
HCgbmPaxW50EBiYh9DZyKmflO62vumuNxsnBh9uSGH3RSB5CdFTW6H70o8jC0899
vkEkq3THZs/ISuK/4PLAIp0/tDNnfP/427myqilmcmsh5j02+B7i4CAx9/wF+8gw
ZBgYMEjqjHoD7BD34XozPv3XbtMvAXbq+2G9G9UAOLeX8EVBaT0M7G2iIA1AW+VP
FTUrcpUsJeZND0baZWRtl8rOBZnyGBS3pbhF8hhOenSQYD9Caj7Wua9LTCq1JB+y
3xjBgVdmXRm8nLZL0Mez
-----END CERTIFICATE REQUEST-----
"""

    @Test func aSecondExtensionRequestIsRefused() {
        #expect(Self.failure(Self.twoExtensionRequests, ["example.com"]).contains("more than one extension request"), "\(Self.failure(Self.twoExtensionRequests, ["example.com"]))")
    }

    /// openssl with an older string_mask writes a wildcard common name (its `*` is not printable)
    /// as a T61String, or as a BMPString: read, not refused.
    @Test func aWildcardCommonNameInAnOlderStringTypeIsRead() throws {
        for mask in ["default", "pkix", "MASK:0x800"] {
            let pem = try Self.openssl(["-addext", "subjectAltName=DNS:*.example.com,DNS:example.com"],
                                       config: "[req]\ndistinguished_name=dn\nstring_mask=\(mask)\nprompt=no\n[dn]\nCN=*.example.com\n")
            #expect(Self.failure(pem, ["*.example.com", "example.com"]) == "accepted", "\(mask): \(Self.failure(pem, ["*.example.com", "example.com"]))")
        }
    }

    @Test func textBesideTheBlockIsRefused() throws {
        let pem = try Self.openssl(["-subj", "/CN=m1.example.com"])
        for text in ["MIIB...unarmored\n" + pem, pem + pem, pem + "trailing words\n"] {
            #expect(Self.failure(text).contains("the file must hold one PEM 'CERTIFICATE REQUEST' block and nothing else"), "\(Self.failure(text))")
        }
        #expect(Self.failure("\n" + pem + "\n\n") == "accepted")
    }
}
