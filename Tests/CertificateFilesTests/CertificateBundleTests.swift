import CertificateFiles
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@Suite struct CertificateBundleTests {
    /// A root → intermediate → leaf chain made here (no key is committed).
    static func chain() throws -> (root: Certificate, intermediate: Certificate, leaf: Certificate) {
        let rootKey = P256.Signing.PrivateKey(), intermediateKey = P256.Signing.PrivateKey(), leafKey = P256.Signing.PrivateKey()
        let now = Date()
        func make(_ subject: String, issuer: String, key: P256.Signing.PrivateKey, signer: P256.Signing.PrivateKey, ca: Bool) throws -> Certificate {
            let extensions = try Certificate.Extensions { Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil)) }
            return try Certificate(version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
                                   notValidBefore: now - 60, notValidAfter: now + 86_400, issuer: try DistinguishedName { CommonName(issuer) },
                                   subject: try DistinguishedName { CommonName(subject) }, signatureAlgorithm: .ecdsaWithSHA256,
                                   extensions: ca ? extensions : Certificate.Extensions(), issuerPrivateKey: .init(signer))
        }
        let root = try make("Root", issuer: "Root", key: rootKey, signer: rootKey, ca: true)
        let intermediate = try make("Intermediate", issuer: "Root", key: intermediateKey, signer: rootKey, ca: true)
        let leaf = try make("example.com", issuer: "Intermediate", key: leafKey, signer: intermediateKey, ca: false)
        return (root, intermediate, leaf)
    }

    static func pem(_ certificates: [Certificate]) throws -> String {
        try certificates.map { try $0.serializeAsPEM().pemString }.joined(separator: "\n")
    }

    @Test func theChainIsTheLeafThenTheIntermediatesWithoutTheRoot() throws {
        let (root, intermediate, leaf) = try Self.chain()
        let bundle = try CertificateBundle(pem: try Self.pem([leaf, intermediate, root]))
        #expect(bundle.leaf == leaf)
        #expect(bundle.intermediates == [intermediate])
        let written = try CertificateBundle(pem: bundle.chainPEM)
        #expect(written.leaf == leaf && written.intermediates == [intermediate])
        #expect(bundle.chainPEM.components(separatedBy: "BEGIN CERTIFICATE").count == 3)
    }

    @Test func theThumbprintIsTheSHA1OfTheLeafDER() throws {
        let (_, _, leaf) = try Self.chain()
        var serializer = DER.Serializer()
        try serializer.serialize(leaf)
        let expected = Insecure.SHA1.hash(data: serializer.serializedBytes).map { String(format: "%02X", $0) }.joined()
        #expect(try CertificateBundle(pem: try Self.pem([leaf])).thumbprint == expected)
        #expect(expected.count == 40)
    }

    @Test func aBundleWithAnythingButCertificatesIsRefused() throws {
        let (_, intermediate, leaf) = try Self.chain()
        let key = P256.Signing.PrivateKey().pemRepresentation
        #expect(throws: CertificateBundle.Failure.notACertificate("PRIVATE KEY")) {
            try CertificateBundle(pem: try Self.pem([leaf, intermediate]) + "\n" + key)
        }
        #expect(throws: CertificateBundle.Failure.empty) { try CertificateBundle(pem: "<html>not found</html>") }
    }

    @Test func textAroundTheBlocksNeverReachesTheFile() throws {
        let (_, intermediate, leaf) = try Self.chain()
        let noisy = "\u{1B}]52;c;evil\u{07}\n" + (try Self.pem([leaf, intermediate])) + "\ntrailing words\n"
        let bundle = try CertificateBundle(pem: noisy)
        #expect(!bundle.chainPEM.contains("evil") && !bundle.chainPEM.contains("trailing"))
    }
}
