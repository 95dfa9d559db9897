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

    @Test func aCommonNameInABMPStringIsRefused() throws {
        let pem = try Self.openssl([], config: "[req]\ndistinguished_name=dn\nstring_mask=MASK:0x800\nprompt=no\n[dn]\nCN=evil.attacker.net\n")
        #expect(Self.failure(pem).contains("a common name in a string type certform does not read"), "\(Self.failure(pem))")
    }

    @Test func aSubjectAlternativeNameThatIsNotADNSNameIsRefused() throws {
        let pem = try Self.openssl(["-subj", "/CN=m1.example.com", "-addext", "subjectAltName=DNS:m1.example.com,IP:10.0.0.1"])
        #expect(Self.failure(pem).contains("a subject alternative name that is not a DNS name"), "\(Self.failure(pem))")
        let plain = try Self.openssl(["-subj", "/CN=m1.example.com", "-addext", "subjectAltName=DNS:m1.example.com"])
        #expect(Self.failure(plain) == "accepted")
    }

    @Test func textBesideTheBlockIsRefused() throws {
        let pem = try Self.openssl(["-subj", "/CN=m1.example.com"])
        for text in ["MIIB...unarmored\n" + pem, pem + pem, pem + "trailing words\n"] {
            #expect(Self.failure(text).contains("the file must hold one PEM 'CERTIFICATE REQUEST' block and nothing else"), "\(Self.failure(text))")
        }
        #expect(Self.failure("\n" + pem + "\n\n") == "accepted")
    }
}
