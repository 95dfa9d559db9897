/// The rule for e-mail addresses in manifests: plausible, not verified.
enum EmailAddress {
    static func isPlausible(_ address: String) -> Bool {
        // One pass over the bytes for the common (ASCII) address; the rule as written below
        // decides anything else. Every certificate's contact comes here.
        var copy = address
        let ascii: Bool? = copy.withUTF8 { bytes in
            var at: Int?, atCount = 0, dotAfterAt = false
            for (index, byte) in bytes.enumerated() {
                if byte >= 0x80 { return nil }
                if byte == 0x20 || (0x09...0x0D).contains(byte) { return false }
                if byte == UInt8(ascii: "@") {
                    atCount += 1
                    at = index
                } else if byte == UInt8(ascii: "."), at != nil {
                    dotAfterAt = true
                }
            }
            return atCount == 1 && at! > 0 && dotAfterAt
        }
        if let ascii { return ascii }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].utf8.contains(UInt8(ascii: ".")),
              !address.utf8.contains(where: { $0 == 0x20 || (0x09...0x0D).contains($0) }),
              address.utf8.allSatisfy({ $0 < 0x80 }) || !address.contains(where: { $0.isWhitespace })
        else { return false }
        return true
    }
}
