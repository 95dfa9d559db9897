import Escaping
import JSON
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

    /// JSON output reaches standard output through ``Escape/terminalBlock(_:)``: every character
    /// the terminal escaping shows escaped, JSON writes as `\uXXXX`, so the document passes through
    /// unchanged and still parses (a BOM or a tag character in a state once broke it).
    @Test func jsonPassesThroughTheTerminalEscapingUnchanged() throws {
        let ranges: [ClosedRange<UInt32>] = [0x00...0xFF, 0x0600...0x0620, 0x2000...0x2070, 0xFEF0...0xFF00, 0xE0000...0xE0080, 0x1F600...0x1F601]
        for range in ranges {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let text = "a\(Character(scalar))b ##[x]"
                let json = JSONWriter.compact(.string(text))
                #expect(Escape.terminalBlock(json) == json, "U+\(String(value, radix: 16))")
                #expect(try JSONParser.parse(json) == .string(text), "U+\(String(value, radix: 16))")
            }
        }
    }

    /// A mark that joins the next character into one Character cannot hide a `##[`.
    @Test func aPrependedMarkDoesNotHideAWorkflowCommand() {
        #expect(!Escape.terminal("\u{600}##[error]x").contains("##["))
        #expect(!Escape.terminalBlock("\u{600}##[error]x").contains("##["))
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
        ("cc @org/security-team and @octocat", "cc @&#8203;org/security-team and @&#8203;octocat"),
        ("(@someone)", "\\(@&#8203;someone\\)"),
        ("admin@example.com", "admin@example.com"),
        ("fixes #12 and org/repo#3", "fixes \\#&#8203;12 and org/repo\\#&#8203;3"),
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
