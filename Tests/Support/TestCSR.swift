import Crypto
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import X509
import _CryptoExtras

/// CSRs made at test time, so that no private key is ever committed.
public enum TestCSR {
    public enum Key: Sendable {
        case p256, p384, p521, rsa2048, rsa1024
    }

    /// A PEM CSR with `commonName` as subject CN (nil for none) and `sans` as DNS names.
    public static func make(commonName: String?, sans: [String] = [], key: Key = .p256) -> String {
        let privateKey: Certificate.PrivateKey
        switch key {
        case .p256: privateKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        case .p384: privateKey = Certificate.PrivateKey(P384.Signing.PrivateKey())
        case .p521: privateKey = Certificate.PrivateKey(P521.Signing.PrivateKey())
        case .rsa2048: privateKey = Certificate.PrivateKey(try! _RSA.Signing.PrivateKey(keySize: .bits2048))
        case .rsa1024: privateKey = Certificate.PrivateKey(try! _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024)))
        }
        return make(commonName: commonName, sans: sans, privateKey: privateKey)
    }

    public static func make(commonName: String?, sans: [String], privateKey: Certificate.PrivateKey) -> String {
        let subject = try! DistinguishedName {
            if let commonName { CommonName(commonName) }
        }
        var attributes = CertificateSigningRequest.Attributes()
        if !sans.isEmpty {
            let extensions = try! Certificate.Extensions {
                SubjectAlternativeNames(sans.map { GeneralName.dnsName($0) })
            }
            attributes.insert(try! CertificateSigningRequest.Attribute(ExtensionRequest(extensions: extensions)))
        }
        let algorithm: Certificate.SignatureAlgorithm
        switch privateKey.description {
        case let d where d.contains("P384"): algorithm = .ecdsaWithSHA384
        case let d where d.contains("P521"): algorithm = .ecdsaWithSHA512
        case let d where d.contains("RSA"): algorithm = .sha256WithRSAEncryption
        default: algorithm = .ecdsaWithSHA256
        }
        let csr = try! CertificateSigningRequest(
            version: .v1, subject: subject, privateKey: privateKey, attributes: attributes,
            signatureAlgorithm: algorithm)
        return try! csr.serializeAsPEM().pemString
    }

    /// A CSR whose signature bytes were altered: it parses but does not verify.
    public static func tampered(commonName: String) -> String {
        let pem = make(commonName: commonName, sans: [commonName], key: .p256)
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        var der = [UInt8](Data(base64Encoded: body)!)
        // The signature BIT STRING is the last element; flip a bit in its final byte.
        der[der.count - 1] ^= 0x01
        let encoded = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN CERTIFICATE REQUEST-----\n\(encoded)\n-----END CERTIFICATE REQUEST-----\n"
    }

    /// `text` indented by `spaces`, for embedding a PEM in a YAML block scalar.
    public static func indented(_ text: String, by spaces: Int) -> String {
        let pad = String(repeating: " ", count: spaces)
        return text.split(separator: "\n").map { pad + $0 }.joined(separator: "\n")
    }
}

/// A scratch directory that removes itself.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init() {
        path = NSTemporaryDirectory() + "certform-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A Unix domain socket bound at `relative` (kept open until the process ends): a file that
    /// must never be opened, not even to be refused.
    @discardableResult
    public func socket(_ relative: String) -> String {
        let full = "\(path)/\(relative)"
        let descriptor = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        precondition(descriptor >= 0, "socket")
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            precondition(full.utf8.count < raw.count, "socket path too long")
            raw.copyBytes(from: Array(full.utf8) + [0])
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        precondition(bound == 0, "bind \(full)")
        return full
    }

    /// Writes `text` at `relative` (creating folders) and returns the full path.
    @discardableResult
    public func write(_ relative: String, _ text: String) -> String {
        write(relative, Data(text.utf8))
    }

    @discardableResult
    public func write(_ relative: String, _ data: Data) -> String {
        let full = "\(path)/\(relative)"
        try! FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: data)
        return full
    }
}

/// Private keys for tests that need two CSRs over one key.
public enum Certificate_PrivateKeyFactory {
    public static func p256() -> Certificate.PrivateKey {
        Certificate.PrivateKey(P256.Signing.PrivateKey())
    }
}
