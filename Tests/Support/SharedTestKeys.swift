import Crypto
import X509
import _CryptoExtras

extension TestCSR {
    /// Keys made once per test process, for tests that need many CSRs quickly (an RSA key takes
    /// long to make in a debug build); each CSR is still distinct by its names and signature.
    public enum SharedKey: Sendable {
        case p256, rsa2048
    }

    nonisolated(unsafe) private static let sharedP256 = Certificate.PrivateKey(P256.Signing.PrivateKey())
    nonisolated(unsafe) private static let sharedRSA = Certificate.PrivateKey(try! _RSA.Signing.PrivateKey(keySize: .bits2048))

    /// A PEM CSR like ``make(commonName:sans:key:)``, signed with the shared key of that kind.
    public static func make(commonName: String?, sans: [String], shared: SharedKey) -> String {
        make(commonName: commonName, sans: sans, privateKey: shared == .p256 ? sharedP256 : sharedRSA)
    }
}
