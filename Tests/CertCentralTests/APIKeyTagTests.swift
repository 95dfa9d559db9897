import CertCentral
import Testing

/// The tag certform writes beside what it must trust later from an editable state file (the DCV
/// publications a cleanup may remove): only a holder of the key makes it, and it never shows the key.
@Suite struct APIKeyTagTests {
    @Test func aTagIsTheKeysAndTheMessagesAlone() {
        let key = APIKey("0123456789ABCDEF0123456789ABCDEF"), other = APIKey("0123456789ABCDEF0123456789ABCDEG")
        let tag = key.tag("7:6484932,14:dns-txt-token")
        #expect(tag.count == 64 && tag.allSatisfy(\.isHexDigit))
        #expect(tag == key.tag("7:6484932,14:dns-txt-token"), "the same message, the same tag")
        #expect(tag != key.tag("7:6484932,14:dns-txt-tokeN"))
        #expect(tag != other.tag("7:6484932,14:dns-txt-token"))
        #expect(!tag.contains("0123456789") && !tag.lowercased().contains("0123456789abcdef"))
        #expect(APIKey(" 0123456789ABCDEF0123456789ABCDEF\n").tag("m") == key.tag("m"), "the key as the client sends it")
    }
}
