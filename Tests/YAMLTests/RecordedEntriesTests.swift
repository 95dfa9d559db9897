import Foundation
import Testing
@testable import YAML

/// A streamed mapping whose entries are recorded by the parser and made into nodes by a
/// ``YAMLAssembler`` (later, and on a second thread for a file the loader reads alone) reads as the parser alone reads it:
/// entries, anchors, merge keys, locations, problems and errors alike; where it cannot, the
/// parser says to read the file again whole.
@Suite struct RecordedEntriesTests {
    /// Problems sorted by place: the assembler's come after the parser's, not among them.
    static func printed(_ file: YAMLFile, _ extra: [YAMLError] = [], _ sent: [String]) -> String {
        "\(file.documents) \((file.problems + extra).sorted { $0.location < $1.location }) \(sent)"
    }

    /// Entries made by the parser as it streams them.
    static func streamed(_ text: String) -> String {
        var sent: [String] = []
        let streaming = YAMLStreaming(key: "certificates", begin: { document, before in sent.append("begin \(document) \(before.map(\.key))") },
                                      entry: { document, pair in sent.append("entry \(document) \(pair)") })
        do {
            return printed(try YAMLParser.parse(Array(text.utf8), streaming: streaming), [], sent)
        } catch {
            return "error \(error) \(sent)"
        }
    }

    /// Entries recorded by the parser and assembled as each arrives, as the loader's decoding
    /// thread does; "whole read" when the parser asks for one.
    static func recorded(_ text: String, plain: Bool = true, plainEntries: inout Int) -> String {
        var sent: [String] = []
        var assembler: YAMLAssembler?
        var problems: [YAMLError] = []
        var failure: YAMLError?
        var madePlain = 0
        let streaming = YAMLStreaming.recording(
            key: "certificates",
            begin: { document, before in sent.append("begin \(document) \(before.map(\.key))") },
            assembly: { _, made in
                problems += assembler?.problems ?? []
                madePlain += assembler?.plainEntries ?? 0
                made.makesPlainNodes = plain
                assembler = made
            },
            entry: { document, pair in if failure == nil { sent.append("entry \(document) \(pair)") } },
            recorded: { document, entry in
                // The entries made before go back to the parser, which records the next ones in
                // their buffers, as the loader's decoder gives them back after each batch.
                assembler?.recycle()
                guard failure == nil else { return }
                do throws(YAMLError) {
                    let pair = try assembler!.pair(entry)
                    if entry.isUsed { sent.append("entry \(document) \(pair)") }
                } catch {
                    failure = error
                }
            })
        defer { plainEntries = madePlain + (assembler?.plainEntries ?? 0) }
        do throws(YAMLError) {
            let file = try YAMLParser.parse(Array(text.utf8), streaming: streaming)
            if let failure { return "error \(failure) \(sent)" }
            return printed(file, problems + (assembler?.problems ?? []), sent)
        } catch {
            if error.needsWholeRead { return "whole read" }
            return "error \(failure ?? error) \(sent)"
        }
    }

    static func recorded(_ text: String) -> String {
        var plainEntries = 0
        return recorded(text, plainEntries: &plainEntries)
    }

    /// Anchors that each stand for ten times the one before: `*e` is 111,111 nodes.
    static let laughs = "l0: &a [x, x, x, x, x, x, x, x, x, x]\n" + zip(["b", "c", "d", "e"], ["a", "b", "c", "d"]).map { name, inner in
        "l\(name): &\(name) [" + Array(repeating: "*\(inner)", count: 10).joined(separator: ", ") + "]\n"
    }.joined()
    static let laughsInline = laughs.split(separator: "\n").map { $0.replacingOccurrences(of: "l", with: "k", options: .anchored) }.joined(separator: ", ")

    static let fiveE = "[*e, *e, *e, *e, *e]"

    static let same: [String] = [
        // Anchors before the mapping, in an entry for a later one, redefined, merged, tagged.
        """
        x-contacts:
          a: &team {first_name: Jim, email: a@example.com}
          b: &base {k: v}
        defaults: {product: p}
        certificates:
          one:
            technical_contact: *team
            dns_names: &names [a.example.com, b.example.com]
            nested: {deep: [[1, [2, {three: 3}]]], text: !!str 012}
          two:
            <<: {product: q, extra: &team {first_name: Ana}}
            dns_names: *names
            technical_contact: *team
          three: &whole
            common_name: c.example.com
          four: *whole
          five: ~
          six: [a, list]
        after: *base
        ---
        certificates:
          one: &team {k: v}
          two: {c: *team}
        """,
        // An entry written twice: the second is not used, but its anchor is defined; keys
        // written twice inside a value; merges at the mapping's level.
        """
        base: &base {seven: {k: 7}}
        certificates:
          one: {k: 1, k: 2}
          one: &again {k: 3}
          two: *again
          three: {<<: [*base, {k: 1}], k: 0, k: 9}
          <<: *base
          <<: {eight: {k: 8}, one: {k: 99}}
        """,
        // Errors inside an entry: an unknown alias, then a syntax error later on.
        "certificates:\n  one: {a: 1}\n  two: {b: *missing}\n  three: [unclosed\n",
        "certificates:\n  one: {a: 1}\n  two: [unclosed\n  three: {b: *missing}\n",
        "certificates:\n  one: *self\n  two: &self {a: 1}\n",
        // Depth: 200 levels is the limit, inside an entry as anywhere.
        "certificates:\n  deep: " + String(repeating: "[", count: 198) + String(repeating: "]", count: 198) + "\n",
        "certificates:\n  deep: " + String(repeating: "[", count: 199) + String(repeating: "]", count: 199) + "\n",
        "certificates:\n  deep: {a: " + String(repeating: "{b: ", count: 250) + "x" + String(repeating: "}", count: 251) + "\n",
        // An error inside an entry, then a syntax error in the same entry; a merge key of the
        // wrong kind in an entry, then a syntax error; one outside `certificates`, found later.
        "certificates:\n  a: {x: *nope, y: [unclosed\n",
        "certificates:\n  a: {x: {<<: 1}, y: [unclosed\n",
        "certificates:\n  a: {<<: 1}\n  b: [unclosed\n",
        "<<: 1\ncertificates:\n  a: *nope\n",
        "<<: 1\ncertificates:\n  a: {b: 1}\n",
        // Aliases counted once, in reading order, wherever they are: the parser's part and the
        // entries together, across documents, anchors defined in an entry. (Each refused before
        // an entry holding a large expansion is printed: printing one takes long.)
        laughs + "x-before: \(fiveE)\ncertificates:\n  a: {k: 1}\n  c: \(fiveE)\n",
        laughs + "x-use: \(fiveE)\ncertificates:\n  a: {k: 1}\n---\ncertificates:\n  a: {" + laughsInline + ", big: \(fiveE)}\n",
        laughs + "certificates:\n  a: {k: 1}\n  b: [\(fiveE), \(fiveE)]\n",
        // Texts of every length, style and script side by side in one entry's buffer, with
        // anchors and tags on scalars and collections, long anchor names, and empty values.
        """
        x: &a-rather-long-anchor-name-of-forty-bytes {k: v}
        certificates:
          one:
            short: a
            empty: ""
            plain: a plain value longer than fifteen bytes
            single: 'single ''quoted'' and long enough to be stored'
            double: "double \\"quoted\\" \\u00e9t\\u00e9 \\U0001F512 ende"
            literal: |
              line one, é and 日本語
              line two
            folded: >
              folded
              text
            tagged: !!str 0012
            anchored: &an-anchor-on-a-scalar-longer-than-sixteen value
            again: *an-anchor-on-a-scalar-longer-than-sixteen
            list: &list-anchor !custom [é, "日本語の文字列は長い", '', ~]
            map: !!map &map-anchor {ключ: значение, "": x}
            alias: *a-rather-long-anchor-name-of-forty-bytes
          two: {list: *list-anchor, map: *map-anchor, n: 日本}
        """,
        // Nothing streamed: an anchored mapping, a scalar, an empty document.
        "certificates: &c {a: 1}\nx: *c\n",
        "certificates: text\n",
        "",
    ]

    @Test(arguments: same)
    func recordedEntriesReadAsTheParserReadsThem(_ text: String) {
        let expected = Self.streamed(text)
        #expect(Self.recorded(text) == expected)
        #expect(expected.contains("entry") || expected.hasPrefix("error") || !text.contains("certificates:\n"))
    }

    /// Entries without anchors, tags or aliases, and how many of them are plain enough to be made
    /// straight from their records (``PlainAssembly``); the others are left to the reader.
    static let plain: [(text: String, plainEntries: Int)] = [
        // Every style and script, nested and empty collections, null values: all five plain.
        ("""
        certificates:
          a:
            plain: a plain value longer than fifteen bytes
            single: 'it''s quoted, and long enough to be stored'
            double: "tab\\tand \\u00e9 \\U0001F512 ende"
            literal: |
              line one, é and 日本語
              line two
            folded: >
              folded
              text
            empty: ""
            none: ~
            bare:
            list: [x, [y, [z]], {k: v}, [], {}]
            ключ: значение
          b: [a, list]
          c: scalar
          d: {}
          e: []
        """, 5),
        // A merge key, a quoted "<<", keys written twice (also as two spellings of "é", which
        // compare equal), more than 16 keys: the reader's. Keys that are collections, exactly 16
        // keys, and what follows: plain.
        ("""
        certificates:
          merge: {<<: {k: v}, j: w}
          quoted-merge: {"<<": v, k: w}
          twice: {k: 1, k: 2}
          nested-twice: {a: [{k: 1, k: 2}]}
          canonical: {"\\u00e9": 1, "e\\u0301": 2}
          complex-keys: {? [a, b] : v, ? {k: v} : w}
          many: {\((1...17).map { "k\($0): \($0)" }.joined(separator: ", "))}
          sixteen: {\((1...16).map { "k\($0): \($0)" }.joined(separator: ", "))}
          after: {k: v}
        """, 3),
        // Aliases, to a node anchored before the mapping or in an entry before (the latest
        // definition), also as a key: plain. An entry that defines an anchor, and one whose key
        // through an alias repeats another: the reader's.
        ("""
        x: &team {name: a}
        k: &key keyname
        certificates:
          one: {contact: *team, list: [*team, *key]}
          two: {contact: &team {name: b}}
          three: {contact: *team}
          four: {*key : v, other: w}
          five: {*key : v, keyname: w}
        """, 3),
        // The deepest list the parser allows: the entry's value is at depth 2, its innermost
        // list at 200, the limit. Made plain.
        ("certificates:\n  deep: " + String(repeating: "[", count: 199) + String(repeating: "]", count: 199) + "\n", 1),
    ]

    @Test(arguments: plain)
    func plainEntriesAreMadeAsTheReaderMakesThem(_ text: String, plainEntries: Int) {
        let expected = Self.streamed(text)
        var madePlain = 0, madeByReader = 0
        #expect(Self.recorded(text, plainEntries: &madePlain) == expected)
        #expect(Self.recorded(text, plain: false, plainEntries: &madeByReader) == expected)
        #expect(madePlain == plainEntries)
        #expect(madeByReader == 0)
        #expect(expected.contains("entry"))
    }

    /// Events given back are emptied before they are recorded in again: kinds, texts, anchors
    /// and tags of the entry before do not show through, however long it was.
    @Test func recycledEventsRecordAfreshInPlace() throws {
        let pool = RecordingPool()
        var first = pool.take()
        let long = Array(repeating: UInt8(ascii: "x"), count: 200)
        for index in 0..<100 {
            try long.withUnsafeBufferPointer { text in
                try first.append(RawEvent(kind: .scalar, location: SourceLocation(line: index + 1, column: 1), text: text,
                                          marks: .of(anchor: "a\(index)", tag: "!t")))
            }
        }
        var given = [first]
        _ = consume first
        pool.giveBack(&given)
        #expect(given.isEmpty)
        var again = pool.take()
        // The same buffers, emptied: room for 100 records and 20,000 bytes, where new events have
        // room for 64 and 1,024.
        #expect(again.count == 0 && again.textCount == 0)
        #expect(again.recordCapacity >= 100 && again.textCapacity >= 20_000)
        try Array("short".utf8).withUnsafeBufferPointer { text in
            try again.append(RawEvent(kind: .scalar, location: SourceLocation(line: 7, column: 3), style: .singleQuoted, text: text))
        }
        #expect(again.count == 1 && again.textCount == 5)
        #expect(again.text(at: 0) == "short")
        #expect(again.anchor(at: 0) == nil)
        #expect(again.event(at: 0).tag == nil)
        #expect(again.kind(at: 0).1 == SourceLocation(line: 7, column: 3))
        #expect(pool.take().count == 0, "an empty pool makes new events")
        // An entry's buffers past the size kept are let go rather than kept for every entry.
        var huge = [again]
        _ = consume again
        try Array(repeating: UInt8(ascii: "y"), count: RecordingPool.maximumText).withUnsafeBufferPointer { text in
            try huge[0].append(RawEvent(kind: .scalar, location: SourceLocation(line: 1, column: 1), text: text))
        }
        pool.giveBack(&huge)
        #expect(pool.take().textCapacity < RecordingPool.maximumText)
    }

    /// An entry's events give back, one by one, the kinds, places, styles, texts, anchors and
    /// tags they were recorded with, each text from its own place in the shared buffer.
    @Test func recordedEventsGiveBackWhatWasRecorded() throws {
        let written: [(EventKind, String, ScalarStyle, anchor: String?, tag: String?)] = [
            (.mappingStart, "", .plain, "m", "tag:yaml.org,2002:map"),
            (.scalar, "key", .plain, nil, nil),
            (.scalar, "", .doubleQuoted, nil, nil),
            (.scalar, "a value longer than fifteen bytes, with é and 日本", .literal, nil, "tag:yaml.org,2002:str"),
            (.alias, "an-anchor-name", .plain, nil, nil),
            (.sequenceStart, "", .plain, "s", nil),
            (.scalar, "x", .singleQuoted, "only-an-anchor", nil),
            (.sequenceEnd, "", .plain, nil, nil),
            (.mappingEnd, "", .plain, nil, nil),
        ]
        var events = RecordedEvents()
        for (index, (kind, text, style, anchor, tag)) in written.enumerated() {
            let bytes = Array(text.utf8)
            try bytes.withUnsafeBufferPointer { buffer in
                try events.append(RawEvent(kind: kind, location: SourceLocation(line: index + 1, column: 2 * index + 1), style: style,
                                           text: buffer, marks: .of(anchor: anchor, tag: tag)))
            }
        }
        #expect(events.count == written.count)
        var reading = RecordedEvents.Reading(events)
        for (index, (kind, text, style, anchor, tag)) in written.enumerated() {
            let next = reading.next()
            let event = try #require(next)
            #expect(events.kind(at: index) == (kind, SourceLocation(line: index + 1, column: 2 * index + 1)))
            #expect(event.location == SourceLocation(line: index + 1, column: 2 * index + 1))
            #expect(events.text(at: index) == text)
            #expect(event.anchor == anchor && events.anchor(at: index) == anchor)
            #expect(event.tag == tag)
            switch event.kind {
            case .scalar(let value, let madeStyle): #expect(kind == .scalar && value == text && madeStyle == style)
            case .alias(let name): #expect(kind == .alias && name == text)
            case .mappingStart: #expect(kind == .mappingStart)
            case .mappingEnd: #expect(kind == .mappingEnd)
            case .sequenceStart: #expect(kind == .sequenceStart)
            case .sequenceEnd: #expect(kind == .sequenceEnd)
            default: Issue.record("unexpected \(event.kind) at \(index)")
            }
        }
        #expect(reading.next() == nil)
    }

    /// Read whole or recorded, every scalar comes out with its exact text (a NUL inside kept),
    /// style and tag (the non-specific `!` none), and an alias as the node its anchor names: the
    /// two ways share how libyaml's event is read, so comparing them alone would miss a mistake
    /// there.
    @Test func scalarsComeOutExactlyWhetherReadWholeOrRecorded() throws {
        let text = """
        certificates:
          one:
            plain: no
            single: 'it''s'
            double: "a\\0b\\u00e9"
            literal: |
              line one
            folded: >
              folded
              text
            nonspecific: ! 12
            str: !!str 12
            custom: !mine x
            anchored: &a-long-anchor-name-here v
            alias: *a-long-anchor-name-here
            empty: ""
        """
        let expected: [(String, String, ScalarStyle, String?)] = [
            ("plain", "no", .plain, nil), ("single", "it's", .singleQuoted, nil),
            ("double", "a\u{0}b\u{E9}", .doubleQuoted, nil), ("literal", "line one\n", .literal, nil),
            ("folded", "folded text\n", .folded, nil), ("nonspecific", "12", .plain, nil),
            ("str", "12", .plain, YAMLNode.stringTag), ("custom", "x", .plain, "!mine"),
            ("anchored", "v", .plain, nil), ("alias", "v", .plain, nil), ("empty", "", .doubleQuoted, nil),
        ]
        let whole = try #require(try YAMLParser.parse(text).documents.first?["certificates"]?["one"])
        var recorded: YAMLNode?
        var assembler: YAMLAssembler?
        _ = try YAMLParser.parse(Array(text.utf8), streaming: .recording(
            key: "certificates", begin: { _, _ in }, assembly: { _, made in assembler = made }, entry: { _, _ in },
            recorded: { _, entry in recorded = try? assembler!.pair(entry).value }))
        for value in [whole, try #require(recorded)] {
            guard case .mapping(let pairs) = value.kind else {
                Issue.record("not a mapping: \(value)")
                continue
            }
            #expect(pairs.map { $0.key.scalarValue } == expected.map(\.0))
            for (pair, (key, text, style, tag)) in zip(pairs, expected) {
                guard case .scalar(let madeText, let madeStyle) = pair.value.kind else {
                    Issue.record("\(key) is not a scalar: \(pair.value)")
                    continue
                }
                #expect(Array(madeText.utf8) == Array(text.utf8), "\(key)")
                #expect(madeStyle == style, "\(key)")
                #expect(pair.value.tag == tag, "\(key)")
            }
            #expect(value["alias"]?.location == value["anchored"]?.location)
            // Trees are compared by their printed form, tags included.
            #expect("\(value)".contains("\"tag:yaml.org,2002:str\"") && "\(value)".contains("\"!mine\""))
            #expect(value["double"]?.scalarValue?.utf8.count == 5)
        }
    }

    /// The alias cases above are refused, where the parser alone refuses them.
    @Test func aliasesAreCountedAcrossTheParserAndTheEntries() {
        let refused = Self.same.filter { $0.contains("*e") }
        #expect(refused.count == 3)
        for text in refused {
            #expect(Self.recorded(text).contains("a 'billion laughs' document?"))
        }
        // The same aliases within the budget are accepted.
        #expect(!Self.recorded(Self.laughs + "certificates:\n  a: {k: 1}\n  b: [*d, *d]\n").hasPrefix("error"))
    }

    /// An anchor the assembler cannot know, or one only it knows: read the file whole.
    @Test(arguments: [
        "certificates:\n  &k one: {a: 1}\n  two: *k\n",
        "certificates:\n  one: &inner {a: 1}\nafter: *inner\n",
        "x: &inner {a: 0}\ncertificates:\n  one: &inner {a: 1}\nafter: *inner\n",
        "certificates:\n  one: &inner {a: 1}\n  <<: *inner\n",
        "certificates:\n  <<: &m {one: {a: 1}}\n  two: *m\n",
    ])
    func anchorsOnlyAWholeReadCanFollowAskForOne(_ text: String) {
        #expect(Self.recorded(text) == "whole read")
        #expect(!Self.streamed(text).contains("whole read"))
    }

    /// A value nested past the limit is refused while it is recorded, where the parser refuses
    /// it, before the rest of it is held.
    @Test func aTooDeepValueIsRefusedWhereTheParserRefusesIt() {
        let text = "certificates:\n  deep: " + String(repeating: "[", count: 100_000) + "\n"
        let result = Self.recorded(text)
        #expect(result.hasPrefix("error 2:") && result.contains("nesting deeper than 200 levels"))
        #expect(result == Self.streamed(text))
    }
}
