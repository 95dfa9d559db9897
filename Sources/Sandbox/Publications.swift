import CertCentralAPI
import Foundation
import JSON

/// One DNS record of the sandbox's zone (`POST`/`DELETE /_sandbox/dns`). Names are kept lower
/// case without a trailing dot; a CNAME's value likewise; a TXT value without surrounding
/// whitespace or quotes.
struct DNSRecord: Codable, Sendable, Hashable {
    enum Kind: String, Codable, Sendable, CaseIterable {
        case txt = "TXT"
        case cname = "CNAME"
    }

    var name: String
    var type: Kind
    var value: String
}

/// `GET|POST|DELETE /_sandbox/dns`: every record of the zone after the change; `DELETE` also
/// says whether the record was there.
struct DNSRecords: Encodable {
    var records: [DNSRecord]
    var removed: Bool?
}

/// One file of the sandbox's web (`POST`/`DELETE /_sandbox/http`), at a normalised URL.
struct HTTPFile: Codable, Sendable, Hashable {
    var url: String
    var content: String
}

/// `GET|POST|DELETE /_sandbox/http`: every file after the change; `DELETE` also says whether the
/// file was there.
struct HTTPFiles: Encodable {
    var files: [HTTPFile]
    var removed: Bool?
}

/// A body of the admin API that does not say what it must: a 400 with this code and message.
struct BodyProblem: Error {
    var code: String
    var message: String

    var reply: SandboxReply { .error(400, code, message) }
}

/// What the sandbox's DNS and web servers hold, as DigiCert's DCV checks would find it on the
/// internet: published by tests and demos through the admin API, never by the sandbox itself.
struct Publications: Sendable {
    var records: [DNSRecord] = []
    /// Normalised URL → content.
    var files: [String: String] = [:]

    init() {}

    /// Adds `record`; false when the zone already holds it.
    mutating func add(_ record: DNSRecord) -> Bool {
        guard !records.contains(record) else { return false }
        records.append(record)
        return true
    }

    /// Removes `record`; false when the zone does not hold it.
    mutating func remove(_ record: DNSRecord) -> Bool {
        guard let index = records.firstIndex(of: record) else { return false }
        records.remove(at: index)
        return true
    }

    var fileList: [HTTPFile] { files.keys.sorted().map { HTTPFile(url: $0, content: files[$0] ?? "") } }

    /// Whether DigiCert would find `value` published for the order name `name` by `method`
    /// (a wildcard validates at its base name):
    /// - `dns-txt-token`: a TXT record holding the value at the name or at `_dnsauth.<name>`;
    /// - `dns-cname-token`: a CNAME at `<value>.<name>` pointing to `dcv.digicert.com`;
    /// - `http-token`: the file `http://<name>/.well-known/pki-validation/fileauth.txt` holding
    ///   the value (other text around it is allowed, as the Baseline Requirements look for the
    ///   value's presence).
    func shows(_ value: String, for name: String, by method: DCVMethod) -> Bool {
        switch method {
        case .dnsTXTToken:
            let at = Self.normalizedName(DCVPublication.txtRecord(for: name))
            return [at, Self.normalizedName(DCVPublication.txtPrefix + at)].contains { owner in
                records.contains(DNSRecord(name: owner, type: .txt, value: value))
            }
        case .dnsCNAMEToken:
            let owner = Self.normalizedName(DCVPublication.cnameRecord(for: name, value: value))
            return records.contains(DNSRecord(name: owner, type: .cname, value: Self.normalizedName(DCVPublication.cnameTarget)))
        case .httpToken:
            guard let url = Self.normalizedURL(DCVPublication.httpURL(for: name)) else { return false }
            return files[url]?.contains(value) == true
        case .email:
            return false
        }
    }

    // MARK: Normal forms

    /// Lower case, without surrounding whitespace or one trailing dot: DNS names compare so.
    static func normalizedName(_ name: String) -> String {
        var text = name.trimmingCharacters(in: .whitespaces).lowercased()
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A TXT value without surrounding whitespace or one pair of surrounding double quotes (zone
    /// files and DNS consoles write it quoted).
    static func normalizedTXT(_ value: String) -> String {
        let text = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
        return String(text.dropFirst().dropLast())
    }

    /// `http://host[:port]/path[?query]` with the host normalised like a DNS name, the default port
    /// left out and an empty path written `/`; nil unless it is an `http` URL with a host.
    static func normalizedURL(_ text: String) -> String? {
        guard let url = URLComponents(string: text.trimmingCharacters(in: .whitespaces)), url.scheme?.lowercased() == "http",
              let host = url.host.map(normalizedName), !host.isEmpty, url.user == nil, url.password == nil, url.fragment == nil
        else { return nil }
        let port = url.port.map { $0 == 80 ? "" : ":\($0)" } ?? ""
        let path = url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath
        let query = url.percentEncodedQuery.map { "?" + $0 } ?? ""
        return "http://\(host)\(port)\(path)\(query)"
    }

    /// A DNS owner name as the admin API takes it: labels of letters, digits, `-` and `_` (for
    /// `_dnsauth`), at least two of them.
    static func isOwnerName(_ name: String) -> Bool {
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, name.utf8.count <= 253 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63
                && label.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 || $0 == 95 }
        }
    }
}

// MARK: Bodies

extension DNSRecord {
    /// The record a body of `POST`/`DELETE /_sandbox/dns` describes:
    /// `{"name": "…", "type": "TXT"|"CNAME", "value": "…"}`.
    init(body: JSONValue?) throws(BodyProblem) {
        guard let object = body?.objectValue else {
            throw BodyProblem(code: "bad_request_format", message: "Send {\"name\": \"…\", \"type\": \"TXT\" or \"CNAME\", \"value\": \"…\"}.")
        }
        let name = Publications.normalizedName(try Self.text(object, "name"))
        guard Publications.isOwnerName(name) else {
            throw BodyProblem(code: "invalid_value:name", message: "'\(name)' is not a DNS name (letters, digits, '-' and '_' in at least two labels).")
        }
        let typeText = try Self.text(object, "type")
        guard let type = Kind(rawValue: typeText.uppercased()) else {
            throw BodyProblem(code: "invalid_value:type", message: "type must be TXT or CNAME, not '\(typeText)'.")
        }
        let raw = try Self.text(object, "value")
        let value = type == .txt ? Publications.normalizedTXT(raw) : Publications.normalizedName(raw)
        guard !value.isEmpty else { throw BodyProblem(code: "invalid_value:value", message: "value cannot be empty.") }
        if type == .cname, !Publications.isOwnerName(value) {
            throw BodyProblem(code: "invalid_value:value", message: "A CNAME's value must be a DNS name, not '\(raw)'.")
        }
        self.init(name: name, type: type, value: value)
    }

    /// The string at `key`, or the problem: missing, or not a string.
    static func text(_ object: [String: JSONValue], _ key: String) throws(BodyProblem) -> String {
        guard let value = object[key], !value.isNull else { throw BodyProblem(code: "missing_field:\(key)", message: "\(key) is required.") }
        guard let text = value.stringValue else { throw BodyProblem(code: "invalid_value:\(key)", message: "\(key) must be a string.") }
        return text
    }
}

extension HTTPFile {
    /// The file a body of `POST /_sandbox/http` (`{"url", "content"}`) or of
    /// `DELETE /_sandbox/http` (`{"url"}`) describes; the URL normalised.
    init(body: JSONValue?, needsContent: Bool) throws(BodyProblem) {
        guard let object = body?.objectValue else {
            throw BodyProblem(code: "bad_request_format", message: needsContent ? "Send {\"url\": \"http://…\", \"content\": \"…\"}." : "Send {\"url\": \"http://…\"}.")
        }
        let text = try DNSRecord.text(object, "url")
        guard let url = Publications.normalizedURL(text) else {
            throw BodyProblem(code: "invalid_value:url", message: "url must be an http:// URL with a host (DigiCert fetches fileauth.txt over http), not '\(text)'.")
        }
        self.init(url: url, content: needsContent ? try DNSRecord.text(object, "content") : "")
    }
}

// MARK: Persistence

extension Publications {
    /// What `--data` keeps (the sandbox's own file).
    var json: JSONValue {
        var files: [String: JSONValue] = [:]
        for (url, content) in self.files { files[url] = .string(content) }
        return ["dns": .array(records.map(\.jsonValue)), "http": .object(files)]
    }

    init(json: JSONValue?) {
        records = json?["dns"]?.arrayValue?.compactMap { try? JSONValueDecoder().decode(DNSRecord.self, from: $0) } ?? []
        for (url, content) in json?["http"]?.objectValue ?? [:] {
            if let text = content.stringValue { files[url] = text }
        }
    }
}
