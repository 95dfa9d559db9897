import CertCentralAPI
import YAML

extension DocumentReader {
    /// Checks common_name and reads dns_names (nil when left out): DNS rules, the product's
    /// wildcard rule, and no name listed twice.
    func readNames(product: Product?, commonName: String?, dnsNameNodes: [YAMLNode]?,
                   keys: EffectiveKeys, field: inout FieldReader) -> [String]? {
        let wildcardAllowed = product?.isWildcard ?? true
        if let commonName, let cnNode = keys[.commonName] {
            if let problem = DomainName.problem(with: commonName) {
                field.problem("invalid common_name in \(field.owner): \(problem)", at: cnNode.location)
            } else if DomainName.isWildcard(commonName) && !wildcardAllowed {
                field.problem("common_name '\(commonName)' is a wildcard, which product '\(product!.rawValue)' cannot secure; use wildcard_dv_geotrust or wildcard_dv_rapidssl", at: cnNode.location)
            } else if let product, product.isWildcard, !DomainName.isWildcard(commonName) {
                field.problem("product '\(product.rawValue)' needs a wildcard common_name such as '*.\(commonName)'", at: cnNode.location)
            }
        }
        guard let dnsNameNodes else { return nil }
        var names: [String] = []
        names.reserveCapacity(dnsNameNodes.count)
        // Where a name was first written: a scan while the list is short (most are), a
        // dictionary beyond. A name is kept where it is first written, so the first item that
        // writes it is where.
        var seen: [String: SourceLocation]? = dnsNameNodes.count > 16 ? [:] : nil
        func first(_ name: String) -> SourceLocation? {
            if let seen { return seen[name] }
            guard names.contains(name) else { return nil }
            return dnsNameNodes.first { !$0.isNull && $0.scalarValue == name }?.location
        }
        for item in dnsNameNodes {
            guard let dnsName = field.string(item, key: "dns_names") else { continue }
            if let problem = DomainName.problem(with: dnsName) {
                field.problem("invalid name in dns_names of \(field.owner): \(problem)", at: item.location)
            } else if DomainName.isWildcard(dnsName) && !wildcardAllowed {
                field.problem("dns_names entry '\(dnsName)' is a wildcard, which product '\(product!.rawValue)' cannot secure", at: item.location)
            }
            if dnsName == commonName {
                field.problem("dns_names repeats the common_name '\(dnsName)'; list only the additional names", at: item.location)
            } else if let first = first(dnsName) {
                field.problem("duplicate name '\(dnsName)' in dns_names (first at line \(first.line))", at: item.location)
            } else {
                seen?[dnsName] = item.location
                names.append(dnsName)
            }
        }
        return names
    }
}
