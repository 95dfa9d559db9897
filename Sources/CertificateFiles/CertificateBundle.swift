import Crypto
import Foundation
import SwiftASN1
import X509

/// A downloaded `pem_all` bundle, checked: certificates only, the leaf first. What certform
/// writes is re-encoded from the parsed certificates, so no other text of the download (a private
/// key block, terminal escapes, comments) can reach a file.
public struct CertificateBundle: Sendable {
    public var leaf: Certificate
    /// Every certificate after the leaf that is not self-signed (the root is left out).
    public var intermediates: [Certificate]

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case notPEM
        case notACertificate(String)
        case empty

        public var description: String {
            switch self {
            case .notPEM: return "the download is not a PEM bundle"
            case .notACertificate(let type): return "the download holds a '\(type.prefix(40))' block, not only certificates; nothing is written"
            case .empty: return "the download holds no certificate"
            }
        }
    }

    public init(pem text: String) throws(Failure) {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: text)
        } catch {
            throw .notPEM
        }
        var certificates: [Certificate] = []
        for document in documents {
            guard document.discriminator == "CERTIFICATE" else { throw .notACertificate(document.discriminator) }
            guard let certificate = try? Certificate(derEncoded: document.derBytes) else { throw .notPEM }
            certificates.append(certificate)
        }
        guard let leaf = certificates.first else { throw .empty }
        self.leaf = leaf
        intermediates = certificates.dropFirst().filter { $0.subject != $0.issuer }
    }

    /// The text written to `NAME.pem`: the leaf, then the intermediates.
    public var chainPEM: String {
        ([leaf] + intermediates).compactMap { try? $0.serializeAsPEM().pemString }.joined(separator: "\n") + "\n"
    }

    /// SHA-1 of the leaf's DER, 40 uppercase hex digits: CertCentral's `thumbprint`.
    public var thumbprint: String { Self.thumbprint(of: leaf) }

    public static func thumbprint(of certificate: Certificate) -> String {
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(certificate)) != nil else { return "" }
        return Insecure.SHA1.hash(data: serializer.serializedBytes).map { String(format: "%02X", $0) }.joined()
    }

    /// The leaf's DNS subject alternative names, lowercased (none when they do not parse).
    public var dnsNames: Set<String> {
        guard let names = try? leaf.extensions.subjectAlternativeNames else { return [] }
        return Set(names.compactMap { name in
            if case .dnsName(let dns) = name { return dns.lowercased() }
            return nil
        })
    }

    /// SHA-256 of the leaf's SubjectPublicKeyInfo, lowercase hex, as a CSR's key is summarised.
    public var publicKeySHA256: String {
        SHA256.hash(data: Array(leaf.publicKey.subjectPublicKeyInfoBytes)).map { String(format: "%02x", $0) }.joined()
    }
}
