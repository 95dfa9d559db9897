import CertformTestSupport
import Dates
import Manifests
import Synchronization

/// Builds small manifests whose line numbers are predictable: the certificate's fields start on
/// line 4 in the order given, and the inline CSR comes last.
enum Kit {
    static let asOf = CalendarDate("2026-11-29")!
    static let baseFields = [
        "product: ssl_dv_geotrust",
        "common_name: example.com",
        "validity_years: 1",
        "dcv_method: dns-txt-token",
    ]

    /// A CSR for `names` (the first is the subject CN), cached so that tests stay fast.
    static let cache = Mutex<[String: String]>([:])
    static func csr(_ names: [String]) -> String {
        let key = names.joined(separator: ",")
        if let pem = cache.withLock({ $0[key] }) { return pem }
        let pem = TestCSR.make(commonName: names.first, sans: names)
        cache.withLock { $0[key] = pem }
        return pem
    }

    /// The document text: `apiVersion`, `certificates`, one certificate `web` with `fields`.
    static func text(_ fields: [String], csrNames: [String]? = nil, name: String = "web") -> String {
        var lines = ["apiVersion: certform/v1", "certificates:", "  \(name):"]
        lines += fields.map { "    " + $0 }
        if !fields.contains(where: { $0.hasPrefix("csr") }) {
            let names = csrNames ?? [commonName(in: fields) ?? "example.com"]
            lines.append("    csr: |")
            lines.append(TestCSR.indented(csr(names), by: 6))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func commonName(in fields: [String]) -> String? {
        guard let line = fields.first(where: { $0.hasPrefix("common_name:") }) else { return nil }
        return line.dropFirst("common_name:".count).trimmingCharacters(in: .whitespaces)
            .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
    }

    /// The base fields with `key` replaced by `line` (or appended when `key` is new).
    static func fields(replacing key: String? = nil, with line: String? = nil, adding extra: [String] = []) -> [String] {
        var fields = baseFields
        if let key {
            if let index = fields.firstIndex(where: { $0.hasPrefix(key + ":") }) {
                if let line { fields[index] = line } else { fields.remove(at: index) }
            } else if let line {
                fields.append(line)
            }
        }
        return fields + extra
    }

    static func load(_ text: String) -> ManifestSet {
        ManifestLoader(directory: ".", asOf: asOf).load(text: text, file: "m.yaml")
    }

    /// `line:column message` of each error, for compact assertions.
    static func errors(_ set: ManifestSet) -> [String] {
        set.diagnostics.filter { $0.severity == .error }.map {
            "\($0.location.map(\.description) ?? "-") \($0.message)"
        }
    }
}

import Foundation
