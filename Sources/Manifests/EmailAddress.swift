/// The rule for e-mail addresses in manifests: plausible, not verified.
enum EmailAddress {
    static func isPlausible(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].utf8.contains(UInt8(ascii: ".")),
              !address.utf8.contains(where: { $0 == 0x20 || (0x09...0x0D).contains($0) }),
              address.utf8.allSatisfy({ $0 < 0x80 }) || !address.contains(where: { $0.isWhitespace })
        else { return false }
        return true
    }
}
