/// The rule for e-mail addresses in manifests: plausible, not verified.
enum EmailAddress {
    static func isPlausible(_ address: String) -> Bool {
        // One pass over the bytes (every certificate's contact comes here): exactly one `@`, not
        // first, a `.` after it, no ASCII whitespace; a non-ASCII address no Unicode whitespace.
        var copy = address
        let (plausible, isASCII) = copy.withUTF8 { bytes -> (Bool, Bool) in
            var at: Int?, atCount = 0, dotAfterAt = false, isASCII = true
            for (index, byte) in bytes.enumerated() {
                if byte >= 0x80 { isASCII = false }
                if byte == 0x20 || (0x09...0x0D).contains(byte) { return (false, isASCII) }
                if byte == UInt8(ascii: "@") {
                    atCount += 1
                    at = index
                } else if byte == UInt8(ascii: "."), at != nil {
                    dotAfterAt = true
                }
            }
            return (atCount == 1 && at! > 0 && dotAfterAt, isASCII)
        }
        return plausible && (isASCII || !address.contains(where: { $0.isWhitespace }))
    }
}
