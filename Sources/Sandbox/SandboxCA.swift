import Crypto
import Foundation
import JSON
import SwiftASN1
import X509

/// A certificate the sandbox issued.
public struct IssuedCertificate: Sendable, Hashable {
    public var der: [UInt8]
    public var pem: String
    /// SHA-1 of the DER, 40 uppercase hex digits, as CertCentral reports thumbprints.
    public var thumbprint: String
    /// Uppercase hex.
    public var serialNumber: String
}

/// The sandbox's CA, shaped like a public one: a P-256 root that signs one intermediate, which
/// signs every certificate with the request's names and the CSR's public key. Made at start (or
/// loaded from `--data`). `pem_all` answers leaf, intermediate, root.
public struct SandboxCA: Sendable {
    /// The root (self-signed; `GET /_sandbox/ca` answers it).
    public let certificate: Certificate
    let privateKey: Certificate.PrivateKey
    /// The issuing intermediate (CA, path length 0), signed by the root.
    public let intermediate: Certificate
    let intermediateKey: Certificate.PrivateKey

    static let rootName = "certform sandbox Root CA (not trusted anywhere)"
    static let intermediateName = "certform sandbox Intermediate CA (not trusted anywhere)"

    /// A new root and intermediate.
    public init() throws {
        let now = Date()
        let rootKey = P256.Signing.PrivateKey()
        let rootName = try DistinguishedName {
            OrganizationName("certform sandbox")
            CommonName(Self.rootName)
        }
        let rootPublicKey = Certificate.PublicKey(rootKey.publicKey)
        certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: rootPublicKey,
            notValidBefore: now.addingTimeInterval(-86_400), notValidAfter: now.addingTimeInterval(20 * 365 * 86_400),
            issuer: rootName, subject: rootName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 1))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: rootPublicKey)
            },
            issuerPrivateKey: .init(rootKey))
        privateKey = .init(rootKey)
        let key = P256.Signing.PrivateKey()
        intermediate = try Self.makeIntermediate(publicKey: .init(key.publicKey), root: certificate, rootKey: privateKey, now: now)
        intermediateKey = .init(key)
    }

    /// Loads a CA saved with the four PEM properties.
    public init(certificatePEM: String, privateKeyPEM: String, intermediatePEM: String, intermediateKeyPEM: String) throws {
        certificate = try Certificate(pemEncoded: certificatePEM)
        privateKey = try Certificate.PrivateKey(pemEncoded: privateKeyPEM)
        intermediate = try Certificate(pemEncoded: intermediatePEM)
        intermediateKey = try Certificate.PrivateKey(pemEncoded: intermediateKeyPEM)
    }

    /// The intermediate over `publicKey`, signed by `root`: a CA that may sign leaves only.
    static func makeIntermediate(publicKey: Certificate.PublicKey, root: Certificate, rootKey: Certificate.PrivateKey, now: Date) throws -> Certificate {
        let subject = try DistinguishedName {
            OrganizationName("certform sandbox")
            CommonName(Self.intermediateName)
        }
        return try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-86_400), notValidAfter: now.addingTimeInterval(19 * 365 * 86_400),
            issuer: root.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
                try Self.authorityKeyIdentifier(of: root)
            },
            issuerPrivateKey: rootKey)
    }

    /// The AKI that names `issuer`'s key.
    static func authorityKeyIdentifier(of issuer: Certificate) throws -> AuthorityKeyIdentifier {
        let identifier = try issuer.extensions.subjectKeyIdentifier?.keyIdentifier ?? SubjectKeyIdentifier(hash: issuer.publicKey).keyIdentifier
        return AuthorityKeyIdentifier(keyIdentifier: identifier)
    }

    public var certificatePEM: String { Self.pem(certificate) }
    public var privateKeyPEM: String { (try? privateKey.serializeAsPEM().pemString) ?? "" }
    public var intermediatePEM: String { Self.pem(intermediate) }
    public var intermediateKeyPEM: String { (try? intermediateKey.serializeAsPEM().pemString) ?? "" }

    static func pem(_ certificate: Certificate) -> String {
        ((try? certificate.serializeAsPEM().pemString) ?? "") + "\n"
    }

    /// What `--data` keeps of the CA (the sandbox's own file).
    var json: JSONValue {
        ["certificate": .string(certificatePEM), "private_key": .string(privateKeyPEM),
         "intermediate_certificate": .string(intermediatePEM), "intermediate_private_key": .string(intermediateKeyPEM)]
    }

    /// The CA a data file saved; a new one (root and intermediate) when the file predates the
    /// intermediate; nil when it holds no CA at all.
    static func saved(_ json: JSONValue?) throws -> SandboxCA? {
        guard let certificatePEM = json?["certificate"]?.stringValue, let keyPEM = json?["private_key"]?.stringValue else { return nil }
        guard let intermediatePEM = json?["intermediate_certificate"]?.stringValue,
              let intermediateKeyPEM = json?["intermediate_private_key"]?.stringValue
        else { return try SandboxCA() }
        return try SandboxCA(certificatePEM: certificatePEM, privateKeyPEM: keyPEM, intermediatePEM: intermediatePEM, intermediateKeyPEM: intermediateKeyPEM)
    }

    /// Issues a certificate for `names` (the first is the subject CN) over `csr`'s public key,
    /// signed by the intermediate.
    public func issue(csr: CertificateSigningRequest, names: [String], notBefore: Date, notAfter: Date) throws -> IssuedCertificate {
        let serial = Certificate.SerialNumber()
        let subject = try DistinguishedName { CommonName(names[0]) }
        let issued = try Certificate(
            version: .v3, serialNumber: serial, publicKey: csr.publicKey,
            notValidBefore: notBefore, notValidAfter: notAfter,
            issuer: intermediate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names.map { GeneralName.dnsName($0) })
                try Self.authorityKeyIdentifier(of: intermediate)
            },
            issuerPrivateKey: intermediateKey)
        var serializer = DER.Serializer()
        try serializer.serialize(issued)
        let der = serializer.serializedBytes
        let thumbprint = Insecure.SHA1.hash(data: der).map { String(format: "%02X", $0) }.joined()
        let serialHex = serial.bytes.map { String(format: "%02X", $0) }.joined()
        return IssuedCertificate(der: der, pem: try issued.serializeAsPEM().pemString, thumbprint: thumbprint, serialNumber: serialHex)
    }
}
