import Foundation

/// Text from manifests, state files, saved plans or CertCentral is data: it reaches a terminal, a
/// pull-request comment, a CI log or a metrics file only through these functions, one per output
/// kind (SPEC §2.2), so that it can never become a control sequence, markup, a workflow command or
/// another metric.
public enum Escape {
    /// Characters that steer a terminal or forge lines, or hide text: C0 controls, DEL, C1
    /// controls, the Unicode line and paragraph separators, the bidirectional overrides, isolates
    /// and marks (U+061C, U+200E, U+200F), and the invisible format characters (zero-width
    /// spaces and joiners, word joiner and invisible operators, the byte order mark, tags).
    @inline(__always)
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2064, 0x2066...0x2069,
             0xFEFF, 0xE0000...0xE007F: return true
        default: return false
        }
    }

    // The GitHub Actions runner still obeys the old form of its workflow commands, `##[command]`,
    // anywhere in a line (the `::command::` form only at a line's start). A field never carries
    // one: the `[` after `##` is written as `\u{5B}`.

    /// One field for a terminal line: every control character (newlines and tabs too) as
    /// `\u{1B}`, and at most `limit` characters (the rest as `…`).
    public static func terminal(_ text: String, limit: Int = 500) -> String {
        escaped(text, keepingLayout: false, limit: limit)
    }

    /// Text whose newlines and tabs are layout (a rendered block); every other control character
    /// is escaped. The last line of defence before bytes reach standard output or error.
    public static func terminalBlock(_ text: String) -> String {
        escaped(text, keepingLayout: true, limit: .max)
    }

    /// Whether `text` holds a control character (other than layout, when kept) or `##[`, by
    /// scalars — never by characters, in which a prepended mark could hide the first `#`.
    static func needsEscaping(_ text: String, keepingLayout: Bool) -> Bool {
        var hashes = 0
        for scalar in text.unicodeScalars {
            if isControl(scalar) && !(keepingLayout && (scalar == "\n" || scalar == "\t")) { return true }
            if scalar == "[" && hashes >= 2 { return true }
            hashes = scalar == "#" ? hashes + 1 : 0
        }
        return false
    }

    static func escaped(_ text: String, keepingLayout: Bool, limit: Int) -> String {
        // Most text has nothing to escape and fits: return it as it is.
        if text.unicodeScalars.count <= limit, !needsEscaping(text, keepingLayout: keepingLayout) {
            return text
        }
        var out = ""
        var count = 0
        var hashes = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                out += "…"
                break
            }
            count += 1
            defer { hashes = scalar == "#" ? hashes + 1 : 0 }
            if (isControl(scalar) && !(keepingLayout && (scalar == "\n" || scalar == "\t"))) || (scalar == "[" && hashes >= 2) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// One field for markdown (a table cell or a list item in a pull-request comment): control
    /// characters as in ``terminal(_:limit:)``; `<`, `>` and `&` as HTML entities, so that nothing
    /// opens a tag or a comment; and the punctuation that opens links, images, emphasis, code,
    /// strikethrough or a table cell backslash-escaped, as CommonMark allows for any ASCII
    /// punctuation. A zero-width space (`&#8203;`) follows a `@` that could start a mention (one
    /// not after a letter or digit, so an email address is left whole) and every `#`, so that a
    /// hostile value cannot notify a user or team or link an issue from the comment: GitHub links
    /// `@name` and `#123` in the rendered text, after the backslashes are gone. Renovate's
    /// `sanitizeMarkdown` does the same for the comments it posts.
    public static func markdown(_ text: String, limit: Int = 500) -> String {
        var out = ""
        var afterWordCharacter = false
        for scalar in terminal(text, limit: limit).unicodeScalars {
            defer { afterWordCharacter = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)) }
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "@": out += afterWordCharacter ? "@" : "@&#8203;"
            case "#": out += "\\#&#8203;"
            case "\\", "`", "*", "_", "[", "]", "(", ")", "!", "|", "~":
                out += "\\"
                out.unicodeScalars.append(scalar)
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A Prometheus label value: `\`, `"` and newline escaped as the exposition format requires,
    /// other control characters written as `\\u{…}` text.
    public static func prometheusLabel(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default:
                if isControl(scalar) {
                    out += "\\\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// The message of a GitHub workflow command (`::error …::MESSAGE`): control characters
    /// escaped, then `%`, CR and LF encoded as GitHub requires, so that it stays one command.
    public static func annotationData(_ text: String) -> String {
        terminal(text).replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// A property of a GitHub workflow command (`file=…`): as ``annotationData(_:)``, and `:` and
    /// `,` encoded too.
    public static func annotationProperty(_ text: String) -> String {
        annotationData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
