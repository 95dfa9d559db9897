import Escaping
import Testing

@Suite struct EscapeTests {
    /// Every control character of the hostile corpus, as a terminal would see it.
    static let hostile = "a\u{1B}]52;c;ZXZpbA==\u{07}b\u{1B}[31mred\u{9B}2Jc\n::error::forged\r\u{2028}d\u{202E}e\u{7F}"

    @Test func terminalFieldsCarryNoControlCharacterAndStayOneLine() {
        let escaped = Escape.terminal(Self.hostile)
        #expect(!escaped.unicodeScalars.contains(where: Escape.isControl))
        #expect(!escaped.contains("\n"))
        #expect(escaped.contains("\\u{1B}]52;c;ZXZpbA==\\u{7}"))
        #expect(escaped.contains("\\u{A}::error::forged"))
    }

    /// The Actions runner obeys `##[command]` anywhere in a line (not only `::command::` at its
    /// start); a field never carries one, in a terminal line, a block or an annotation.
    @Test func oldWorkflowCommandsAreBroken() {
        #expect(Escape.terminal("csr: \"##[error]forged\"") == "csr: \"##\\u{5B}error]forged\"")
        #expect(Escape.terminal("###[stop-commands]tok") == "###\\u{5B}stop-commands]tok")
        #expect(Escape.terminal("# [a] #[b] ## [c]") == "# [a] #[b] ## [c]", "only # # [ together")
        #expect(!Escape.terminalBlock("one\n##[add-mask]x").contains("##["))
        #expect(!Escape.annotationData("##[error]x").contains("##["))
    }

    /// Marks and invisible characters that reorder or hide text are shown, not obeyed.
    @Test func bidiMarksAndInvisibleCharactersAreShown() {
        for scalar: Unicode.Scalar in ["\u{061C}", "\u{200B}", "\u{200D}", "\u{200E}", "\u{200F}", "\u{2060}", "\u{2064}", "\u{FEFF}", "\u{E0041}"] {
            #expect(Escape.isControl(scalar), "\(scalar.value)")
            #expect(Escape.terminal("a\(Character(scalar))b") == "a\\u{\(String(scalar.value, radix: 16, uppercase: true))}b")
        }
        #expect(!Escape.isControl("\u{2065}") && !Escape.isControl("é") && !Escape.isControl("\u{E0080}"))
    }

    @Test func plainTextIsLeftAsItIs() {
        #expect(Escape.terminal("example.com: 21 days · ✓") == "example.com: 21 days · ✓")
        #expect(Escape.terminalBlock("line one\n\tline two") == "line one\n\tline two")
    }

    @Test func longFieldsAreCut() {
        let long = String(repeating: "x", count: 10_000)
        #expect(Escape.terminal(long, limit: 100) == String(repeating: "x", count: 100) + "…")
    }

    @Test func blocksKeepLayoutButNotOtherControls() {
        let block = Escape.terminalBlock("one\ntwo\u{1B}[2J\tthree")
        #expect(block == "one\ntwo\\u{1B}[2J\tthree")
    }

    @Test(arguments: [
        ("<!-- hide the rest", "&lt;\\!-- hide the rest"),
        ("[click](https://evil.example)", "\\[click\\]\\(https://evil.example\\)"),
        ("![img](x)", "\\!\\[img\\]\\(x\\)"),
        ("a|b", "a\\|b"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
        ("`code` *em* _em_ ~~del~~", "\\`code\\` \\*em\\* \\_em\\_ \\~\\~del\\~\\~"),
        ("line\nbreak", "line\\\\u{A}break"),
    ])
    func markdownCannotOpenMarkupLinksOrComments(input: String, expected: String) {
        #expect(Escape.markdown(input) == expected)
    }

    @Test func prometheusLabelsCannotEndTheirSeries() {
        let label = Escape.prometheusLabel("a\"} 1\ncertform_forged{name=\"x")
        #expect(label == "a\\\"} 1\\ncertform_forged{name=\\\"x")
        #expect(!label.contains("\n"))
        #expect(Escape.prometheusLabel("a\\b\u{1B}") == "a\\\\b\\\\u{1B}")
    }

    @Test func annotationsStayOneCommand() {
        let data = Escape.annotationData("bad key\n::add-mask::secret 100%\r")
        #expect(!data.contains("\n") && !data.contains("\r"))
        #expect(data.contains("100%25"))
        #expect(Escape.annotationProperty("a,b:c.yaml") == "a%2Cb%3Ac.yaml")
    }
}
