@testable import JSON
import Testing

@Suite struct JSONTests {
    @Test func prettyOutputIsSortedIndentedAndEndsWithNewline() {
        let value: JSONValue = ["b": [1, 2], "a": ["z": nil, "y": "x/y"], "c": [], "d": [:]]
        #expect(JSONWriter.pretty(value) == """
        {
          "a": {
            "y": "x/y",
            "z": null
          },
          "b": [
            1,
            2
          ],
          "c": [],
          "d": {}
        }

        """)
        #expect(JSONWriter.compact(value) == #"{"a":{"y":"x/y","z":null},"b":[1,2],"c":[],"d":{}}"#)
    }

    @Test func roundTripKeepsValuesExactly() throws {
        let text = #"{"big": 9007199254740993, "neg": -5, "f": 1.5, "s": "é\n\t\"q\"\\ \u0001 \ud83d\ude00", "t": true, "n": null}"#
        let value = try JSONParser.parse(text)
        #expect(value["big"] == .int(9_007_199_254_740_993))
        #expect(value["neg"] == .int(-5))
        #expect(value["f"] == .double(1.5))
        #expect(value["s"]?.stringValue == "é\n\t\"q\"\\ \u{1} 😀")
        #expect(try JSONParser.parse(JSONWriter.pretty(value)) == value)
        #expect(try JSONParser.parse(JSONWriter.compact(value)) == value)
    }

    @Test(arguments: [
        ("{\"a\": 1,}", 1, 9),
        ("{\n  \"a\": tru\n}", 2, 8),
        ("[1, 2", 1, 6),
        ("{\"a\" 1}", 1, 6),
        ("", 1, 1),
        ("{} x", 1, 4),
        ("\"unterminated", 1, 14),
        ("01", 1, 2),
    ])
    func errorsCarryLineAndColumn(text: String, line: Int, column: Int) {
        do {
            _ = try JSONParser.parse(text)
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.line == line && error.column == column, "\(error)")
        }
    }

    @Test func objectsKeepEveryMemberAndTheLastOfAKeyWrittenTwice() throws {
        // Nested objects of many members, each level read while an outer one is still open.
        var members: [String] = []
        for index in 0..<40 {
            members.append(#""k\#(index)": {"inner\#(index)": [\#(index), {"x": \#(index)}], "a": 1, "a": \#(index)}"#)
        }
        let value = try JSONParser.parse("{" + members.joined(separator: ", ") + #", "k3": "again"}"#)
        #expect(value.objectValue?.count == 40)
        for index in 0..<40 where index != 3 {
            #expect(value["k\(index)"]?["a"] == .int(index))
            #expect(value["k\(index)"]?["inner\(index)"] == [.int(index), ["x": .int(index)]])
            #expect(value["k\(index)"]?.objectValue?.count == 2)
        }
        #expect(value["k3"] == "again")
        #expect(try JSONParser.parse(#"{"a": {}, "b": {"c": {}}}"#) == ["a": [:], "b": ["c": [:]]])
    }

    /// A string with nothing to escape is copied whole; with anything else, escaped byte by byte:
    /// both must write what the byte-by-byte loop writes.
    @Test func stringsAreWrittenAsTheEscapingLoopWritesThem() {
        let pieces = ["", "a", "x y/z", "é", "漢字", "😀", "\"", "\\", "\n", "\t", "\u{1}", "\u{1F}", "\u{7F}", "\u{80}", "\u{9F}",
                      "\u{A0}", "\u{BF}", "\u{2027}", "\u{2028}", "\u{202E}", "\u{2066}", "\u{2069}", "\u{206A}", "\u{20AC}",
                      "#", "[", "\u{200B}", "\u{200F}", "\u{2060}", "\u{2064}", "\u{2065}"]
        var plain = 0
        for first in pieces {
            for second in pieces {
                for third in pieces {
                    let text = first + second + third
                    var written: [UInt8] = []
                    JSONWriter.writeString(text, into: &written)
                    var escaped: [UInt8] = [UInt8(ascii: "\"")]
                    JSONWriter.writeEscaped(text, into: &escaped)
                    #expect(written == escaped, "\(Array(text.unicodeScalars))")
                    if written.count == text.utf8.count + 2 { plain += 1 }
                }
            }
        }
        #expect(plain > 100)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func streamingHandsOverTheMembersOfOneTopLevelObjectOnly() throws {
        let text = #"{"a": {"certificates": {"n": 1}}, "certificates": {"x": {"k": [1, 2]}, "y": null}, "z": true}"#
        var members: [(String, JSONValue)] = []
        let value = try JSONParser.parse(Array(text.utf8), streaming: "certificates") { members.append(($0, $1)) }
        #expect(members.map(\.0) == ["x", "y"])
        #expect(members[0].1 == .object(["k": .array([.int(1), .int(2)])]))
        #expect(members[1].1 == .null)
        // The streamed object is left empty; a nested key of the same name is not streamed.
        #expect(value == .object(["a": .object(["certificates": .object(["n": .int(1)])]), "certificates": .object([:]), "z": .bool(true)]))
    }

    @Test func streamingStillReportsWhereTheTextIsBroken() {
        let text = "{\"certificates\": {\"x\": 1,\n \"y\": }}"
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(text.utf8), streaming: "certificates") { _, _ in } }
        do {
            _ = try JSONParser.parse(Array(text.utf8), streaming: "certificates") { _, _ in }
        } catch {
            #expect(error.line == 2)
        }
    }
}

@Suite struct JSONSafetyTests {
    @Test func controlsSeparatorsAndOverridesAreEscapedAndRoundTrip() throws {
        let text = "a\u{1B}[2J b\u{7F} c\u{9B} d\u{2028} e\u{202E} f\u{2066} g\u{A0}é€"
        let written = JSONWriter.compact(.string(text))
        #expect(written == #""a\u001b[2J b\u007f c\u009b d\u2028 e\u202e f\u2066 g\#u{A0}é€""#)
        #expect(try JSONParser.parse(written) == .string(text))
    }

    /// The Actions runner obeys `##[command]` anywhere in a line: JSON in a CI log never holds
    /// one, and still reads back as the same text. Zero-width characters and marks are escaped.
    @Test func oldWorkflowCommandsAndInvisibleCharactersAreEscaped() throws {
        let text = "x ##[error]forged #[a] ###[b] a\u{200B}b\u{200F}c\u{2060}d"
        let written = JSONWriter.compact(.string(text))
        #expect(written == #""x ##\u005berror]forged #[a] ###\u005bb] a\u200bb\u200fc\u2060d""#)
        #expect(!written.contains("##["))
        #expect(try JSONParser.parse(written) == .string(text))
    }
}

@Suite struct JSONCodableBridgeTests {
    struct Sample: Codable, Equatable {
        var name: String
        var count: Int
        var ratio: Double
        var flag: Bool?
        var tags: [String]
        var nested: [String: [Int]]
        var free: JSONValue?
    }

    @Test func encodesAndDecodesThroughJSONValue() throws {
        let sample = Sample(name: "web", count: 3, ratio: 0.5, flag: nil, tags: ["a", "b"], nested: ["x": [1, 2]], free: ["k": [1, "two"]])
        let value = try JSONValueEncoder().encode(sample)
        #expect(value["flag"] == nil)  // nil optionals are left out
        #expect(value["nested"]?["x"] == [1, 2])
        #expect(try JSONValueDecoder().decode(Sample.self, from: value) == sample)
        #expect(JSONWriter.compact(value) == #"{"count":3,"free":{"k":[1,"two"]},"name":"web","nested":{"x":[1,2]},"ratio":0.5,"tags":["a","b"]}"#)
    }

    @Test func decodingErrorsNameTheirPath() {
        let value: JSONValue = ["name": "web", "count": "three", "ratio": 1, "tags": [], "nested": [:]]
        do {
            _ = try JSONValueDecoder().decode(Sample.self, from: value)
            Issue.record("a string is not an Int")
        } catch let error as DecodingError {
            #expect(error.jsonPath == "count")
        } catch {
            Issue.record("\(error)")
        }
        let items: JSONValue = ["name": "web", "count": 1, "ratio": 1, "tags": ["a", 2], "nested": [:]]
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(Sample.self, from: items) }
    }
}
