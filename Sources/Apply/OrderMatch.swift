import CertCentralAPI
import Manifests

/// Comparing an order in CertCentral with a manifest entry (`certform import`).
public enum OrderMatch {
    /// How the order differs from `spec` in what shapes the certificate, in words; empty when it matches.
    public static func mismatches(spec: CertificateSpec, info: OrderInfo) -> [String] {
        var problems: [String] = []
        if let product = info.product?.nameID, product != spec.product.rawValue {
            problems.append("its product is \(product), the manifest says \(spec.product)")
        }
        if info.certificate.commonName != spec.commonName {
            problems.append("its common_name is '\(info.certificate.commonName)', the manifest says '\(spec.commonName)'")
        }
        let ordered = Set(info.certificate.dnsNames).subtracting([info.certificate.commonName])
        let declared = Set(spec.dnsNames ?? []).subtracting([spec.commonName])
        if ordered != declared {
            problems.append("its dns_names are [\(ordered.sorted().joined(separator: ", "))], the manifest says [\(declared.sorted().joined(separator: ", "))]")
        }
        return problems
    }
}
