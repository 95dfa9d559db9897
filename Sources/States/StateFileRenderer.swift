import JSON

/// Renders the state file — the very bytes of `JSONWriter.pretty(state.json)` — reusing the
/// rendered text of every record that is unchanged since the last render, and the sorted order
/// of the names while no name came or went. At 100,000 records a write during apply then costs
/// the records that changed, not a JSON tree of the whole state.
/// Not thread-safe: its owner serialises calls (``StateStore`` renders under its lock).
final class StateFileRenderer {
    private var rendered: [String: (record: StateRecord, text: [UInt8])] = [:]
    private var order: [String] = []

    /// The file's bytes: sorted keys, two-space indentation, one trailing newline.
    func render(_ state: State) -> [UInt8] {
        let frame = Array(JSONWriter.pretty(.object(state.frameObject)).utf8)
        let marker = Array("\n  \"certificates\": {}".utf8)
        guard let at = Self.find(marker, in: frame) else { return frame }
        var out: [UInt8] = []
        out.reserveCapacity(frame.count + state.certificates.count * 600)
        out.append(contentsOf: frame[..<(at + marker.count - 2)])
        appendCertificates(state.certificates, to: &out)
        out.append(contentsOf: frame[(at + marker.count)...])
        return out
    }

    /// `{ "name": {record}, … }` at the top level's indentation.
    private func appendCertificates(_ certificates: [String: StateRecord], to out: inout [UInt8]) {
        guard !certificates.isEmpty else {
            out.append(contentsOf: "{}".utf8)
            rendered = [:]
            order = []
            return
        }
        updateOrder(certificates)
        out.append(UInt8(ascii: "{"))
        for (position, name) in order.enumerated() {
            let record = certificates[name]!
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: "\n    ".utf8)
            out.append(contentsOf: JSONWriter.stringLiteral(name))
            out.append(contentsOf: ": ".utf8)
            if let cached = rendered[name], cached.record == record {
                out.append(contentsOf: cached.text)
            } else {
                let text = JSONWriter.pretty(record.json, indent: 2)
                rendered[name] = (record, text)
                out.append(contentsOf: text)
            }
        }
        out.append(contentsOf: "\n  }".utf8)
    }

    /// Sorts the names again only when a name came or went; forgets records that left.
    private func updateOrder(_ certificates: [String: StateRecord]) {
        let sameNames = certificates.count == order.count && certificates.keys.allSatisfy { rendered[$0] != nil }
        guard !sameNames else { return }
        order = certificates.keys.sorted(by: JSONWriter.keyPrecedes)
        rendered = rendered.filter { certificates[$0.key] != nil }
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
