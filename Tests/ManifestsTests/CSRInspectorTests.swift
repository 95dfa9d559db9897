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
