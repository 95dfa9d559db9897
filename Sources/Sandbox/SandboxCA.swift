import Crypto
import Foundation
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

/// The sandbox's issuing CA: a P-256 root made at start (or loaded from `--data`) that signs
/// every certificate with the request's names and the CSR's public key.
public struct SandboxCA: Sendable {
    public let certificate: Certificate
    let privateKey: Certificate.PrivateKey

    public init() throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("certform sandbox")
            CommonName("certform sandbox CA (not trusted anywhere)")
        }
        let now = Date()
        certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-86_400), notValidAfter: now.addingTimeInterval(20 * 365 * 86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(key))
        privateKey = .init(key)
    }

    /// Loads a CA saved with ``certificatePEM`` and ``privateKeyPEM``.
    public init(certificatePEM: String, privateKeyPEM: String) throws {
        certificate = try Certificate(pemEncoded: certificatePEM)
        privateKey = try Certificate.PrivateKey(pemEncoded: privateKeyPEM)
    }

    public var certificatePEM: String { (try? certificate.serializeAsPEM().pemString) ?? "" }
    public var privateKeyPEM: String { (try? privateKey.serializeAsPEM().pemString) ?? "" }

    /// Issues a certificate for `names` (the first is the subject CN) over `csr`'s public key.
    public func issue(csr: CertificateSigningRequest, names: [String], notBefore: Date, notAfter: Date) throws -> IssuedCertificate {
        let serial = Certificate.SerialNumber()
        let subject = try DistinguishedName { CommonName(names[0]) }
        let issued = try Certificate(
            version: .v3, serialNumber: serial, publicKey: csr.publicKey,
            notValidBefore: notBefore, notValidAfter: notAfter,
            issuer: certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names.map { GeneralName.dnsName($0) })
            },
            issuerPrivateKey: privateKey)
        var serializer = DER.Serializer()
        try serializer.serialize(issued)
        let der = serializer.serializedBytes
        let thumbprint = Insecure.SHA1.hash(data: der).map { String(format: "%02X", $0) }.joined()
        let serialHex = serial.bytes.map { String(format: "%02X", $0) }.joined()
        return IssuedCertificate(der: der, pem: try issued.serializeAsPEM().pemString, thumbprint: thumbprint, serialNumber: serialHex)
    }
}
