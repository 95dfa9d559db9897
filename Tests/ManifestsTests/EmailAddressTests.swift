@testable import Manifests
import Testing

/// The e-mail rule, one pass over the bytes: exactly one `@`, not first, a `.` after it, and no
/// whitespace — ASCII or, in a non-ASCII address, Unicode.
@Suite struct EmailAddressTests {
    @Test(arguments: [
        ("jim@example.com", true), ("a.b@c.example", true), ("jürgen@example.de", true), ("x@例え.jp", true),
        ("", false), ("jim", false), ("@example.com", false), ("jim@example", false), ("j.im@example", false),
        ("jim@@example.com", false), ("jim@a@example.com", false), ("jim @example.com", false),
        ("jim@example.com\n", false), ("jim\t@example.com", false), ("jürgen\u{3000}@example.de", false),
        ("jim@exa\u{00A0}mple.com", false),
    ])
    func theRule(address: String, plausible: Bool) {
        #expect(EmailAddress.isPlausible(address) == plausible, "\(address.debugDescription)")
    }
}
