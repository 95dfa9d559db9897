import Crypto
import _CryptoExtras
import Foundation
import SwiftASN1
import X509

/// Checks a PEM CSR the way SPEC §2.2 asks: it parses, its signature verifies, its key is RSA of
/// at least 2048 bits or ECDSA P-256/P-384, and the names it carries are among the certificate's.
public enum CSRInspector {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case unparsable(String)
        case badSignature
        case weakKey(String)
        case namesNotDeclared([String])
        /// Names certform cannot read or check: it cannot vouch that they are the entry's.
        case unreadableNames(String)

        public var description: String {
            switch self {
            case .unparsable(let reason): return "the CSR does not parse: \(reason)"
            case .badSignature: return "the CSR's signature does not verify"
            case .weakKey(let key): return "the CSR's key is \(key); use RSA of at least 2048 bits, or ECDSA P-256 or P-384"
            case .namesNotDeclared(let names):
                return "the CSR carries \(names.map { "'\($0)'" }.joined(separator: ", ")), which \(names.count == 1 ? "is" : "are") not the common_name or in dns_names"
            case .unreadableNames(let what):
                return "the CSR carries \(what), so the names it asks for cannot be checked"
            }
        }
    }

    /// Parses and checks `pem`; `declaredNames` are the common name and DNS names of the entry.
    public static func inspect(pem: String, declaredNames: [String]) -> Result<CSRSummary, Failure> {
        do throws(Failure) {
            let csr = try parse(pem)
            guard csr.publicKey.isValidSignature(csr.signature, for: csr) else {
                throw .badSignature
            }
            let keyDescription = try acceptedKeyDescription(csr.publicKey)
            try checkAttributes(pem)
            let names = try requestedNames(of: csr)
            let declared = Set(declaredNames.map { $0.lowercased() })
            let extra = names.subtracting(declared).sorted()
            if !extra.isEmpty { throw .namesNotDeclared(extra) }
            let digest = SHA256.hash(data: Array(csr.publicKey.subjectPublicKeyInfoBytes))
            return .success(CSRSummary(publicKeySHA256: hex(digest), names: names.sorted(), keyDescription: keyDescription))
        } catch {
            return .failure(error)
        }
    }

    /// The CSR in `pem`, a plain PEM block decoded here and anything else by swift-certificates.
    static func parse(_ pem: String) throws(Failure) -> CertificateSigningRequest {
        do {
            if let der = plainPEMBody(pem) {
                return try CertificateSigningRequest(derEncoded: der)
            }
            // The file's text is what apply sends: text around the block, or a second one, would
            // reach CertCentral unchecked.
            let trimmed = pem.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.contains("-----BEGIN CERTIFICATE REQUEST-----")
                    || (trimmed.hasPrefix("-----BEGIN CERTIFICATE REQUEST-----") && trimmed.hasSuffix("-----END CERTIFICATE REQUEST-----")
                        && trimmed.components(separatedBy: "-----BEGIN ").count == 2) else {
                throw Failure.unparsable("the file must hold one PEM 'CERTIFICATE REQUEST' block and nothing else (no text before or after it, such as what 'openssl req -text' prints, and no byte-order mark): its text is sent as it is")
            }
            return try CertificateSigningRequest(pemEncoded: pem)
        } catch {
            if let failure = error as? Failure { throw failure }
            // swift-certificates refuses RSA keys under 2048 bits while parsing.
            if String(describing: error).contains("incorrectParameterSize") {
                throw .weakKey("RSA of fewer than 2048 bits")
            }
            throw .unparsable(describe(error))
        }
    }

    /// "RSA 2048", "ECDSA P-256", … for a key that DigiCert DV products take; a weak key otherwise.
    static func acceptedKeyDescription(_ key: Certificate.PublicKey) throws(Failure) -> String {
        if let rsa = _RSA.Signing.PublicKey(key) {
            if rsa.keySizeInBits < 2048 { throw .weakKey("RSA \(rsa.keySizeInBits)") }
            return "RSA \(rsa.keySizeInBits)"
        }
        if P256.Signing.PublicKey(key) != nil { return "ECDSA P-256" }
        if P384.Signing.PublicKey(key) != nil { return "ECDSA P-384" }
        if P521.Signing.PublicKey(key) != nil {
            throw .weakKey("ECDSA P-521, which DigiCert DV products do not take")
        }
        throw .weakKey(String(describing: key))
    }

    /// The subject's common names and the SAN DNS names of `csr`, lowercased. Whatever could
    /// carry a name certform does not see is refused rather than skipped — a common name in a
    /// string type it cannot read (a BMPString), an extension request or SAN that does not parse
    /// (two SAN extensions, a name that is not IA5), a second extension request, or a SAN that is
    /// not a DNS name — since the CA reads the CSR, not certform's summary of it.
    static func requestedNames(of csr: CertificateSigningRequest) throws(Failure) -> Set<String> {
        var names = Set<String>()
        for rdn in csr.subject {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                guard let name = String(attribute.value) ?? otherText(attribute.value) else {
                    throw .unreadableNames("a common name in a string type certform does not read (not UTF-8, printable or IA5: make the CSR with openssl's default string_mask = utf8only, or -utf8)")
                }
                names.insert(name.lowercased())
            }
        }
        let san: SubjectAlternativeNames?
        do {
            san = try csr.attributes.extensionRequest?.extensions.subjectAlternativeNames
        } catch {
            throw .unreadableNames("extensions that do not parse (\(describe(error)))")
        }
        for name in san ?? SubjectAlternativeNames() {
            guard case .dnsName(let dns) = name else { throw .unreadableNames("a subject alternative name that is not a DNS name (\(name))") }
            names.insert(dns.lowercased())
        }
        return names
    }

    /// A common name in the string types swift-certificates leaves undecoded that openssl writes
    /// with an older `string_mask` (a wildcard's `*` is not printable): a T61String of ASCII bytes,
    /// or a BMPString (UTF-16 big-endian). Nil for anything else.
    static func otherText(_ value: RelativeDistinguishedName.Attribute.Value) -> String? {
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(ASN1Any(value))) != nil, let node = try? DER.parse(serializer.serializedBytes),
              case .primitive(let bytes) = node.content, node.identifier.tagClass == .universal else { return nil }
        switch node.identifier.tagNumber {
        case 20 where bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }):  // T61String, ASCII only
            return String(decoding: bytes, as: UTF8.self)
        case 30 where bytes.count % 2 == 0:  // BMPString
            let units = stride(from: bytes.startIndex, to: bytes.endIndex, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
            return String(decoding: units, as: UTF16.self)
        default:
            return nil
        }
    }

    /// Microsoft's own extension request attribute, which some CAs read too.
    static let microsoftExtensionRequest: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 311, 2, 1, 14]

    /// Refuses a CSR whose attributes hold a second extension request, or Microsoft's: a parsed
    /// CSR keeps one attribute per type (the last), so names in another would go unchecked.
    /// Counted in the DER itself.
    static func checkAttributes(_ pem: String) throws(Failure) {
        guard let der = plainPEMBody(pem) ?? (try? PEMDocument(pemString: pem).derBytes),
              let root = try? DER.parse(der), case .constructed(let top) = root.content,
              let info = top.first(where: { _ in true }), case .constructed(let fields) = info.content else { return }
        var requests = 0
        for field in fields where field.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
            guard case .constructed(let attributes) = field.content else { continue }
            for attribute in attributes {
                guard case .constructed(let parts) = attribute.content, let first = parts.first(where: { _ in true }),
                      let oid = try? ASN1ObjectIdentifier(derEncoded: first) else { continue }
                if oid == .CSRAttributes.extensionRequest { requests += 1 }
                if oid == microsoftExtensionRequest { throw .unreadableNames("a Microsoft extension request (1.3.6.1.4.1.311.2.1.14)") }
            }
        }
        if requests > 1 { throw .unreadableNames("more than one extension request") }
    }

    /// The DER bytes of a PEM text that is exactly one `CERTIFICATE REQUEST` block (what
    /// `openssl req` writes), decoded here because swift-asn1's general PEM reader takes as long
    /// as the DER parse itself; nil for anything else, which then goes to that reader.
    static func plainPEMBody(_ pem: String) -> [UInt8]? {
        let begin = "-----BEGIN CERTIFICATE REQUEST-----", end = "-----END CERTIFICATE REQUEST-----"
        var utf8 = Substring(pem).utf8[...]
        while let first = utf8.first, first == 0x20 || first == 0x0A || first == 0x0D || first == 0x09 { utf8 = utf8.dropFirst() }
        while let last = utf8.last, last == 0x20 || last == 0x0A || last == 0x0D || last == 0x09 { utf8 = utf8.dropLast() }
        guard utf8.starts(with: begin.utf8), utf8.reversed().starts(with: end.utf8.reversed()),
              utf8.count > begin.utf8.count + end.utf8.count else { return nil }
        let body = utf8.dropFirst(begin.utf8.count).dropLast(end.utf8.count)
        var base64: [UInt8] = []
        base64.reserveCapacity(body.count)
        for byte in body {
            switch byte {
            case 0x0A, 0x0D: continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
                base64.append(byte)
            default: return nil  // headers, spaces, another block: the general reader decides
            }
        }
        guard let data = Data(base64Encoded: Data(base64)), !data.isEmpty else { return nil }
        return [UInt8](data)
    }

    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("PEM") || text.contains("pem") { return "not a PEM 'CERTIFICATE REQUEST' block" }
        return "malformed DER (\(text.prefix(120)))"
    }

    /// Lowercase hex of `bytes`, without Foundation's formatting (which is slow).
    public static func hex(_ digest: some ContiguousBytes) -> String {
        digest.withUnsafeBytes { bytes in
            // Written straight into the string's storage: the generic, byte-by-byte version of
            // this was 2 % of a large plan, which writes three digests per certificate.
            String(unsafeUninitializedCapacity: bytes.count * 2) { out in
                for (index, byte) in bytes.enumerated() {
                    out[2 * index] = hexDigits[Int(byte >> 4)]
                    out[2 * index + 1] = hexDigits[Int(byte & 15)]
                }
                return bytes.count * 2
            }
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
