import CertCentralAPI
import CertformTestSupport
import Crypto
import Foundation
import JSON
@testable import Sandbox
import Testing
import X509

/// `pem_all` is leaf, intermediate, root, and the chain verifies as a public one would: with
/// openssl and with swift-certificates' RFC 5280 verifier.
@Suite struct ChainTests {
    /// The certificates of a PEM bundle, in order, each as PEM text.
    static func blocks(_ pem: String) -> [String] {
        pem.components(separatedBy: "-----END CERTIFICATE-----").filter { $0.contains("-----BEGIN CERTIFICATE-----") }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) + "\n-----END CERTIFICATE-----\n" }
    }

    /// Places an order for `names` and downloads its `pem_all`.
    static func issuedBundle(_ client: Harness.Client, _ names: [String] = ["shop.example.com", "www.shop.example.com"]) async throws -> (info: OrderInfo, pem: String) {
        let id = try await client.order(Harness.minimal(names[0], dnsNames: Array(names.dropFirst())))
        let info = try await client.decodedInfo(id)
        let download = try await client.call(.get, "/services/v2/certificate/\(try #require(info.certificate.id))/download/format/pem_all")
        #expect(download.status == 200)
        return (info, download.text)
    }

    static func openssl(_ arguments: [String], in directory: String) throws -> Subprocess.Result {
        try Subprocess.run("/usr/bin/env", ["openssl"] + arguments, in: directory)
    }

    @Test func pemAllIsLeafIntermediateRootAndOpenSSLVerifiesIt() async throws {
        try await Harness.withSandbox { client in
            let (info, pem) = try await Self.issuedBundle(client)
            let blocks = Self.blocks(pem)
            try #require(blocks.count == 3)
            let ca = try await client.admin(.get, "ca")
            #expect(ca.status == 200 && Self.blocks(ca.text) == [blocks[2]])
            let dir = TemporaryDirectory()
            dir.write("leaf.pem", blocks[0])
            dir.write("intermediate.pem", blocks[1])
            dir.write("root.pem", ca.text)
            let verify = try Self.openssl(["verify", "-CAfile", "root.pem", "-untrusted", "intermediate.pem", "leaf.pem"], in: dir.path)
            #expect(verify.status == 0 && verify.stdout.contains("leaf.pem: OK"), "\(verify.stdout)\(verify.stderr)")
            let server = try Self.openssl(["verify", "-purpose", "sslserver", "-CAfile", "root.pem", "-untrusted", "intermediate.pem", "leaf.pem"], in: dir.path)
            #expect(server.status == 0, "\(server.stdout)\(server.stderr)")
            // Without the intermediate there is no path to the root: the intermediate is real.
            let missing = try Self.openssl(["verify", "-CAfile", "root.pem", "leaf.pem"], in: dir.path)
            #expect(missing.status != 0)
            // The thumbprint is still the SHA-1 of the leaf's DER.
            let base64 = blocks[0].split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            let der = [UInt8](try #require(Data(base64Encoded: base64)))
            #expect(Insecure.SHA1.hash(data: der).map { String(format: "%02X", $0) }.joined() == info.certificate.thumbprint)
        }
    }

    @Test func swiftCertificatesVerifiesTheChainForTheServerName() async throws {
        try await Harness.withSandbox { client in
            let blocks = Self.blocks(try await Self.issuedBundle(client).pem)
            try #require(blocks.count == 3)
            let (leaf, intermediate, root) = (try Certificate(pemEncoded: blocks[0]), try Certificate(pemEncoded: blocks[1]), try Certificate(pemEncoded: blocks[2]))
            var verifier = Verifier(rootCertificates: CertificateStore([root])) {
                RFC5280Policy()
                ServerIdentityPolicy(serverHostname: "www.shop.example.com", serverIP: nil)
            }
            let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore([intermediate]))
            guard case .validCertificate(let chain) = result else {
                Issue.record("the chain does not verify: \(result)")
                return
            }
            #expect(Array(chain) == [leaf, intermediate, root])
            var wrongName = Verifier(rootCertificates: CertificateStore([root])) {
                RFC5280Policy()
                ServerIdentityPolicy(serverHostname: "other.example.com", serverIP: nil)
            }
            guard case .couldNotValidate = await wrongName.validate(leaf: leaf, intermediates: CertificateStore([intermediate])) else {
                Issue.record("a name the certificate does not carry verified")
                return
            }
        }
    }

    /// The intermediate is a CA for leaves only (path length 0) that signs certificates; the key
    /// identifiers link leaf → intermediate → root; the leaf is what it was.
    @Test func extensionsOfTheChain() async throws {
        try await Harness.withSandbox { client in
            let blocks = Self.blocks(try await Self.issuedBundle(client).pem)
            try #require(blocks.count == 3)
            let (leaf, intermediate, root) = (try Certificate(pemEncoded: blocks[0]), try Certificate(pemEncoded: blocks[1]), try Certificate(pemEncoded: blocks[2]))
            #expect(try intermediate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
            #expect(intermediate.extensions.filter(\.critical).count == 2)  // basic constraints and key usage
            #expect(try intermediate.extensions.keyUsage == KeyUsage(keyCertSign: true, cRLSign: true))
            let rootKeyID = try #require(try root.extensions.subjectKeyIdentifier?.keyIdentifier)
            let intermediateKeyID = try #require(try intermediate.extensions.subjectKeyIdentifier?.keyIdentifier)
            #expect(try intermediate.extensions.authorityKeyIdentifier?.keyIdentifier == rootKeyID)
            #expect(try leaf.extensions.authorityKeyIdentifier?.keyIdentifier == intermediateKeyID)
            #expect(intermediate.issuer == root.subject && leaf.issuer == intermediate.subject && root.issuer == root.subject)
            #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
            #expect(try leaf.extensions.extendedKeyUsage == ExtendedKeyUsage([.serverAuth]))
            let names = try leaf.extensions.subjectAlternativeNames?.compactMap { name -> String? in
                if case .dnsName(let dns) = name { return dns }
                return nil
            }
            #expect(names == ["shop.example.com", "www.shop.example.com"])
        }
    }

    /// `--data` keeps the intermediate with the root: a certificate issued after a restart chains
    /// to the same root through the same intermediate; a reissued certificate chains too.
    @Test func dataFileKeepsTheIntermediate() async throws {
        let dir = TemporaryDirectory()
        let configuration = Harness.configuration { $0.dataPath = dir.path + "/sandbox.json" }
        let before = try await Harness.withSandbox(configuration) { client in Self.blocks(try await Self.issuedBundle(client).pem) }
        try await Harness.withSandbox(configuration) { client in
            let (info, pem) = try await Self.issuedBundle(client, ["b.example.com"])
            let after = Self.blocks(pem)
            #expect(after.count == 3 && Array(after.dropFirst()) == Array(before.dropFirst()))
            let reissue = try await client.call(.post, "/services/v2/order/certificate/\(info.id)/reissue",
                                                json: ["certificate": ["common_name": "b.example.com", "csr": .string(TestCSR.make(commonName: "b.example.com"))]])
            #expect(reissue.status == 201)
            let reissued = try await client.decodedInfo(info.id)
            let download = try await client.call(.get, "/services/v2/certificate/\(try #require(reissued.certificate.id))/download/format/pem_all")
            let blocks = Self.blocks(download.text)
            #expect(blocks.count == 3 && blocks[0] != after[0] && Array(blocks.dropFirst()) == Array(before.dropFirst()))
            let files = TemporaryDirectory()
            files.write("leaf.pem", blocks[0])
            files.write("intermediate.pem", before[1])
            files.write("root.pem", before[2])
            let verify = try Self.openssl(["verify", "-CAfile", "root.pem", "-untrusted", "intermediate.pem", "leaf.pem"], in: files.path)
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        }
    }
}
