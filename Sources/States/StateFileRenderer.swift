import JSON

/// Renders the state file — the very bytes of `JSONWriter.pretty(state.json)` — reusing the
/// rendered text of every record that is unchanged since the last render. At 100,000 records a
/// write during apply then costs the records that changed, not a JSON tree of the whole state.
/// Not thread-safe: its owner serialises calls (``StateStore`` renders under its lock).
final class StateFileRenderer {
    private var rendered: [String: (record: StateRecord, text: [UInt8])] = [:]

    /// The file's bytes: sorted keys, two-space indentation, one trailing newline.
    func render(_ state: State) -> [UInt8] {
        var top = state.json
        top = withoutCertificates(top)
        let frame = Array(JSONWriter.pretty(top).utf8)
        let marker = Array("\n  \"certificates\": {}".utf8)
        guard let at = Self.find(marker, in: frame) else { return frame }
        var out: [UInt8] = []
        out.reserveCapacity(frame.count + state.certificates.count * 600)
        out.append(contentsOf: frame[..<(at + marker.count - 2)])
        appendCertificates(state.certificates, to: &out)
        out.append(contentsOf: frame[(at + marker.count)...])
        return out
    }

    private func withoutCertificates(_ top: JSONValue) -> JSONValue {
        guard case .object(var object) = top else { return top }
        object["certificates"] = .object([:])
        return .object(object)
    }

    /// `{ "name": {record}, … }` at the top level's indentation; a record whose value is the one
    /// rendered last time reuses that text. Records that left the state leave the cache.
    private func appendCertificates(_ certificates: [String: StateRecord], to out: inout [UInt8]) {
        guard !certificates.isEmpty else {
            out.append(contentsOf: "{}".utf8)
            rendered = [:]
            return
        }
        var next: [String: (record: StateRecord, text: [UInt8])] = [:]
        next.reserveCapacity(certificates.count)
        out.append(UInt8(ascii: "{"))
        for (position, name) in certificates.keys.sorted(by: JSONWriter.keyPrecedes).enumerated() {
            let record = certificates[name]!
            let text: [UInt8]
            if let cached = rendered[name], cached.record == record {
                text = cached.text
            } else {
                text = JSONWriter.pretty(record.json, indent: 2)
            }
            next[name] = (record, text)
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: "\n    ".utf8)
            out.append(contentsOf: JSONWriter.stringLiteral(name))
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: text)
        }
        out.append(contentsOf: "\n  }".utf8)
        rendered = next
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var index = 0
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
