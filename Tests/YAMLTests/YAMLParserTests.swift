import Foundation
import Testing
@testable import YAML

/// Helpers to reach into parsed trees.
extension YAMLNode {
    subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = kind else { return nil }
        return pairs.first { $0.key.scalarValue == key }?.value
    }

    func keyNode(_ key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = kind else { return nil }
        return pairs.first { $0.key.scalarValue == key }?.key
    }

    var items: [YAMLNode] {
        if case .sequence(let items) = kind { return items }
        return []
    }

    var keys: [String] {
        guard case .mapping(let pairs) = kind else { return [] }
        return pairs.compactMap { $0.key.scalarValue }
    }
}

@Suite struct YAMLParserTests {
    func document(_ text: String) throws -> YAMLNode {
        let file = try YAMLParser.parse(text)
        #expect(file.problems.isEmpty, "\(file.problems)")
        return try #require(file.documents.first)
    }

    @Test func blockStyleLocationsOfKeysAndValues() throws {
        let root = try document("""
        apiVersion: certform/v1
        certificates:
          example-com:
            common_name: example.com
            dns_names:
              - a.example.com
              - b.example.com
        """)
        let certificate = try #require(root["certificates"]?["example-com"])
        #expect(root.keyNode("certificates")?.location.description == "2:1")
        #expect(certificate.keyNode("common_name")?.location.description == "4:5")
        #expect(certificate["common_name"]?.location.description == "4:18")
        #expect(certificate["dns_names"]?.items.map(\.location.description) == ["6:9", "7:9"])
    }

    @Test func flowStyleLocations() throws {
        let root = try document("a: {id: 2, names: [x.example.com, 'y.example.com']}\n")
        #expect(root["a"]?.location.description == "1:4")
        #expect(root["a"]?.keyNode("names")?.location.description == "1:12")
        #expect(root["a"]?["names"]?.items.map(\.location.description) == ["1:20", "1:35"])
        #expect(root["a"]?["names"]?.items.last?.isExplicitString == true)
    }

    @Test func scalarStylesAndQuoting() throws {
        let root = try document("""
        plain: no
        single: 'it''s'
        double: "tab\\tend"
        literal: |
          line one
          line two
        folded: >
          folded
          text
        empty:
        tilde: ~
        tagged: !!str 12
        """)
        #expect(root["plain"]?.scalarValue == "no")
        #expect(root["single"]?.scalarValue == "it's")
        #expect(root["double"]?.scalarValue == "tab\tend")
        #expect(root["literal"]?.scalarValue == "line one\nline two\n")
        #expect(root["folded"]?.scalarValue == "folded text\n")
        #expect(root["empty"]?.isNull == true)
        #expect(root["tilde"]?.isNull == true)
        #expect(root["tagged"]?.isExplicitString == true)
        #expect(root["plain"]?.isExplicitString == false)
    }

    /// Null is a plain `~`, `null`, `Null`, `NULL` or nothing, untagged or tagged `!!null`; any
    /// other text, of the same length or not, quoted, or tagged otherwise, is not.
    @Test func nullIsOnlyItsFiveSpellings() throws {
        let null = ["", "~", "null", "Null", "NULL"].map { YAMLNode(.scalar($0, .plain), location: SourceLocation(line: 1, column: 1)) }
            + [YAMLNode(.scalar("null", .plain), location: SourceLocation(line: 1, column: 1), tag: YAMLNode.nullTag)]
        let notNull = ["x", "-", "nil", "none", "nuLL", "NUll", "nulls", "null ", "~~", "\u{2212}"].map { YAMLNode(.scalar($0, .plain), location: SourceLocation(line: 1, column: 1)) }
            + [YAMLNode(.scalar("null", .doubleQuoted), location: SourceLocation(line: 1, column: 1)),
               YAMLNode(.scalar("~", .plain), location: SourceLocation(line: 1, column: 1), tag: YAMLNode.stringTag),
               YAMLNode(.sequence([]), location: SourceLocation(line: 1, column: 1))]
        for node in null { #expect(node.isNull, "\(node)") }
        for node in notNull { #expect(!node.isNull, "\(node)") }
        // Every text of up to four characters near the spellings, and four-byte texts that are
        // not four characters, answered as a comparison of strings answers.
        var texts = ["\u{2212}~", "n\u{FC}l", "\u{1F600}", "\u{4E00}x", "~\u{301}", "nul\u{301}"]
        var level = [""]
        for _ in 1...4 {
            level = level.flatMap { prefix in ["n", "N", "u", "U", "l", "L", "~", "x"].map { prefix + $0 } }
            texts += level
        }
        var found = 0
        for text in texts {
            let spelled = ["", "~", "null", "Null", "NULL"].contains(text)
            #expect(YAMLNode(.scalar(text, .plain), location: SourceLocation(line: 1, column: 1)).isNull == spelled, "\(text)")
            if spelled { found += 1 }
        }
        #expect(found == 4 && texts.count > 4_000)
    }

    /// Every tree is made of nodes: the rare tag is held behind a reference, not inline.
    @Test func aNodeIsFortyBytes() throws {
        #expect(MemoryLayout<YAMLNode>.size <= 40, "\(MemoryLayout<YAMLNode>.size)")
        var node = YAMLNode(.scalar("12", .plain), location: SourceLocation(line: 1, column: 1), tag: YAMLNode.stringTag)
        #expect(node.tag == YAMLNode.stringTag && node.isExplicitString)
        node.tag = nil
        #expect(node.tag == nil && !node.isExplicitString)
    }

    @Test func anchorsAndAliases() throws {
        let root = try document("""
        base: &contact {first_name: Jim, email: jim@example.com}
        copy: *contact
        list: &names [a.example.com, b.example.com]
        again: *names
        """)
        #expect(root["copy"]?.keys == ["first_name", "email"])
        #expect(root["again"]?.items.count == 2)
        // A node reached through an alias keeps the location of its anchor.
        #expect(root["copy"]?.location == root["base"]?.location)
    }

    @Test func mergeKeySingleMapping() throws {
        let root = try document("""
        base: &base {product: ssl_dv_geotrust, validity_years: 1}
        cert:
          <<: *base
          validity_years: 2
          common_name: example.com
        """)
        let cert = try #require(root["cert"])
        #expect(cert.keys == ["validity_years", "common_name", "product"])
        #expect(cert["validity_years"]?.scalarValue == "2")  // explicit keys win
        #expect(cert["product"]?.scalarValue == "ssl_dv_geotrust")
        #expect(cert["product"]?.location.description == "1:23")
    }

    @Test func mergeKeyListEarlierWins() throws {
        let root = try document("""
        a: &a {x: from-a, y: from-a}
        b: &b {y: from-b, z: from-b}
        c:
          <<: [*a, *b]
          w: own
        """)
        let c = try #require(root["c"])
        #expect(c["x"]?.scalarValue == "from-a")
        #expect(c["y"]?.scalarValue == "from-a")
        #expect(c["z"]?.scalarValue == "from-b")
        #expect(c["w"]?.scalarValue == "own")
    }

    @Test func mergeKeyOfScalarIsAnError() {
        #expect(throws: YAMLError.self) {
            try YAMLParser.parse("a: &x 1\nb:\n  <<: *x\n")
        }
    }

    @Test func quotedMergeKeyIsAnOrdinaryKey() throws {
        let root = try document("a:\n  '<<': {x: 1}\n")
        #expect(root["a"]?.keys == ["<<"])
    }

    @Test func multipleDocuments() throws {
        let file = try YAMLParser.parse("a: 1\n---\nb: 2\n---\n# only a comment\n")
        #expect(file.documents.count == 3)
        #expect(file.documents[1]["b"]?.location.description == "3:4")
        #expect(file.documents[2].isNull)
    }

    @Test func duplicateKeysAreReportedWithBothPlaces() throws {
        let file = try YAMLParser.parse("a: 1\nb: 2\na: 3\n")
        #expect(file.problems.count == 1)
        let problem = try #require(file.problems.first)
        #expect(problem.location.description == "3:1")
        #expect(problem.message == "duplicate key 'a' (first defined at line 1, column 1)")
        #expect(file.documents[0]["a"]?.scalarValue == "1")
    }

    @Test func duplicateKeysInFlowMapping() throws {
        let file = try YAMLParser.parse("x: {id: 1, id: 2}\n")
        #expect(file.problems.map(\.location.description) == ["1:12"])
    }

    @Test func syntaxErrorsCarryLibyamlLocation() {
        do {
            _ = try YAMLParser.parse("a: 1\nb: [1, 2\nc: 3\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.location.line >= 2)
            #expect(error.message.contains("flow sequence"))
        }
    }

    @Test func tabIndentationIsASyntaxError() {
        do {
            _ = try YAMLParser.parse("a:\n\tb: 1\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.location.description == "2:1")
            #expect(error.message.contains("cannot start any token"))
        }
    }

    @Test func unknownAliasIsAnError() {
        do {
            _ = try YAMLParser.parse("a: *missing\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.location.description == "1:4")
        }
    }

    @Test func notUTF8IsAnErrorNotACrash() {
        let bytes: [UInt8] = Array("a: caf".utf8) + [0xE9, 0x0A]  // Latin-1 é
        do {
            _ = try YAMLParser.parse(bytes)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("UTF-8"))
        }
    }

    @Test func emptyInputHasNoDocuments() throws {
        #expect(try YAMLParser.parse([UInt8]()).documents.isEmpty)
        #expect(try YAMLParser.parse("# nothing\n").documents.isEmpty)
    }

    @Test func billionLaughsIsRefusedQuickly() {
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            let previous = "*a\(level - 1)"
            text += "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try YAMLParser.parse(text)
            Issue.record("a billion-laughs document must be refused")
        } catch {
            #expect(error.message.contains("billion laughs"))
        }
        #expect(clock.now - start < .seconds(10), "refusing took \(clock.now - start)")
    }

    @Test func moderateAliasUseIsAccepted() throws {
        var text = "base: &b {product: ssl_dv_geotrust, validity_years: 1, dcv_method: email}\nitems:\n"
        for index in 0..<2000 { text += "  c\(index): *b\n" }
        let root = try document(text)
        #expect(root["items"]?.keys.count == 2000)
    }

    @Test func excessiveNestingIsAnErrorNotACrash() {
        let text = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        #expect(throws: YAMLError.self) { try YAMLParser.parse(text) }
    }

    @Test func crlfLineEndings() throws {
        let root = try document("a: 1\r\nb:\r\n  c: x\r\n")
        #expect(root["b"]?["c"]?.location.description == "3:6")
    }

    /// What a streamed parse produced: the documents and every entry sent, printed in full
    /// (locations included).
    static func streamedParse(_ parse: (YAMLStreaming) throws(YAMLError) -> YAMLFile) -> String {
        var sent: [String] = []
        let streaming = YAMLStreaming(key: "certificates", begin: { document, before in sent.append("begin \(document) \(before)") },
                                      entry: { document, pair in sent.append("entry \(document) \(pair)") })
        do {
            let file = try parse(streaming)
            return "\(file.documents) \(file.problems) \(sent)"
        } catch {
            return "error \(error) \(sent)"
        }
    }

    /// libyaml takes its input a piece at a time from a large manifest (never held whole): cut
    /// anywhere — inside a multi-byte character, a key, a line break — it must read as the whole
    /// text does, entries, anchors, locations and errors alike.
    @Test(arguments: [1, 2, 3, 7, 64, 16384])
    func textReadInPiecesParsesAsTheWholeText(pieceSize: Int) throws {
        let texts = [
            "apiVersion: certform/v1\n# é ü 漢字\ncertificates:\n  ä-b: {common_name: \"exämple.com\", dns_names: [a, b]}\n  c: &x\n    k: v\n  d: *x\n---\nlast: [1, 2, 3]\n",
            "\u{FEFF}certificates:\n  a: {k: 1}\n  a: {k: 2}\n",
            "certificates:\n  a: [unclosed\n",
            "key: caf\u{E9}\n",
            "",
        ]
        for text in texts {
            var bytes = Array(text.utf8)
            if text.hasPrefix("key") { bytes[bytes.count - 3] = 0xE9; bytes.remove(at: bytes.count - 2) }  // Latin-1, not UTF-8
            let whole = Self.streamedParse { (streaming) throws(YAMLError) in try YAMLParser.parse(bytes, streaming: streaming) }
            var offset = 0
            let pieces = Self.streamedParse { (streaming) throws(YAMLError) in
                try YAMLParser.parse(reading: { buffer in
                    let count = min(pieceSize, buffer.count, bytes.count - offset)
                    buffer.copyBytes(from: bytes[offset..<offset + count])
                    offset += count
                    return count
                }, streaming: streaming)
            }
            if text.hasPrefix("key") {
                // A reader error is reported at line 1 when read in pieces (the caller reads the
                // file whole to place it); the message is the same.
                #expect(whole.hasPrefix("error ") && pieces.hasPrefix("error "))
                #expect(pieces.contains("the file must be UTF-8 text"), "\(pieces)")
            } else {
                #expect(pieces == whole, "\(text.debugDescription) in pieces of \(pieceSize)")
            }
        }
    }

    /// Input that fails part of the way stops the parse with an error, not with what was read so far.
    @Test func inputThatFailsStopsTheParse() {
        var calls = 0
        let result = Self.streamedParse { (streaming) throws(YAMLError) in
            try YAMLParser.parse(reading: { buffer in
                calls += 1
                guard calls == 1 else { return nil }
                let text = Array("certificates:\n  a: {k: 1}\n".utf8)
                buffer.copyBytes(from: text)
                return text.count
            }, streaming: streaming)
        }
        #expect(result.hasPrefix("error "), "\(result)")
    }
}
