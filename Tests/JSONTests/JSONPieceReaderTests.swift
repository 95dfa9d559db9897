import Foundation
@testable import JSON
import Testing

/// A large state file is read a piece at a time: the text outside `certificates`, and one member
/// of it at a time. Cut anywhere, it must give what parsing the whole text gives, or nil — never
/// another answer — so that the caller parses the whole text for the exact place of an error.
@Suite struct JSONPieceReaderTests {
    /// The result and the members handed over, read from pieces of `size` bytes; nil when the
    /// reader declined.
    /// With `plain`, each member is offered to ``JSONPlainMember`` first, as the state's reader
    /// offers its records; `taken` counts those it read.
    static func pieces(_ text: [UInt8], size: Int, plain: Bool = false, taken: UnsafeMutablePointer<Int>? = nil) -> (JSONValue, [Member])? {
        var offset = 0
        var members: [Member] = []
        let value = JSONParser.parse(reading: { buffer in
            let count = min(size, buffer.count, text.count - offset)
            buffer.copyBytes(from: text[offset..<offset + count])
            offset += count
            return count
        }, streaming: "certificates", member: { name, value in members.append(Member(name: name, value: value)) },
           plain: plain ? { text in
            guard let (member, count) = Self.plainMember(prefixOf: text) else { return nil }
            members.append(member)
            taken?.pointee += 1
            return count
        } : nil, pieceSize: size)
        return value.map { ($0, members) }
    }

    /// The member `text` holds, read by ``JSONPlainMember`` into the values the parser gives (a
    /// key written twice keeps its last value); nil when it declines.
    static func plainMember(_ text: UnsafeBufferPointer<UInt8>) -> Member? {
        guard let (member, taken) = plainMember(prefixOf: text), taken == text.count else { return nil }
        return member
    }

    /// The member `text` starts with, and how many bytes ``JSONPlainMember`` took for it.
    static func plainMember(prefixOf text: UnsafeBufferPointer<UInt8>) -> (Member, Int)? {
        func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
        var name = ""
        var object: [String: JSONValue] = [:]
        let read = JSONPlainMember.read(prefixOf: text, name: { name = string($0) }) { key, value in
            switch value {
            case .null: object[string(key)] = .null
            case .bool(let flag): object[string(key)] = .bool(flag)
            case .int(let number): object[string(key)] = .int(number)
            case .string(let bytes): object[string(key)] = .string(string(bytes))
            case .strings(let items): object[string(key)] = .array(items.map { .string(string($0)) })
            }
            return true
        }
        return read.map { (Member(name: name, value: .object(object)), $0) }
    }

    static func plainMember(_ text: String) -> Member? {
        Array(text.utf8).withUnsafeBufferPointer { plainMember($0) }
    }

    static func whole(_ text: [UInt8]) -> (JSONValue, [Member])? {
        var members: [Member] = []
        guard let value = try? JSONParser.parse(text, streaming: "certificates", member: { name, value in members.append(Member(name: name, value: value)) }) else {
            return nil
        }
        return (value, members)
    }

    /// A member handed over, in order.
    struct Member: Equatable {
        var name: String
        var value: JSONValue
    }

    static let sizes = [1, 2, 3, 7, 64, 1 << 18]

    /// Texts in the plain form: read in pieces of any size, the same answer as the whole text.
    static let plain: [String] = [
        #"{"format_version": 1, "serial": 3, "certificates": {"a": {"order_id": 1, "dns_names": ["x", "y"]}, "b": {"n": null, "t": true}}, "intents": []}"#,
        #"{"certificates": {}}"#,
        #"{"certificates": { }, "lineage": "x"}"#,
        "\u{FEFF}{\"certificates\":\n  {\n    \"a\" : {\"s\": \"}{,]\\\"\\\\\", \"u\": \"\\u00e9 é 漢字\"} ,\n    \"b\":{\"deep\":[[{\"x\":[1,2,{\"y\":\"}\"}]}]]}\n  }\n}\n",
        #"{"lineage": "{\"certificates\": {", "certificates": {"a": 1, "b": "two", "c": [3], "d": -4.5e2}}"#,
        #"{"other": {"certificates": {"x": 1}}, "certificates": {"a": {}}}"#,
        #"{"serial": 1}"#,
        #"{"certificates": [1, 2]}"#,
        #"[{"certificates": {"a": 1}}]"#,
        #""certificates""#,
        #"{"a": {"b": 1}, "c": [{"d": "e"}], "certificates": {"é": {"x": "y"}, "a b": 2, "a": 3, "a": 4}}"#,
        // Plain members one after another, with and without whitespace around them.
        "{\"certificates\": {\"a\": {\"x\": 1, \"l\": [\"p\", \"q\"]},\"b\":{\"y\":null} , \n \"c\": {} \n}, \"serial\": 2}",
        #"{"certificates":{"a":{"x":1},"b":{"x":2},"a":{"x":3}}}"#,
    ]

    @Test(arguments: sizes)
    func plainTextReadInPiecesGivesTheWholeTextsAnswer(size: Int) throws {
        for text in Self.plain {
            let bytes = Array(text.utf8)
            let whole = try #require(Self.whole(bytes), "\(text)")
            for plain in [false, true] {
                let read = try #require(Self.pieces(bytes, size: size, plain: plain), "declined \(text) in pieces of \(size)")
                #expect(read.0 == whole.0, "\(text) in pieces of \(size)")
                #expect(read.1 == whole.1, "\(text) in pieces of \(size)")
            }
        }
    }

    /// Every plain text cut into pieces of every size from 8 bytes up, read with the plain reader:
    /// a piece ends once just after each `}` that closes a member, after each `,`, and inside the
    /// whitespace around them, wherever a member taken straight from its piece ends.
    @Test func plainMembersCutAnywhereReadAsTheWholeText() throws {
        for text in Self.plain + Self.declined {
            let bytes = Array(text.utf8)
            let whole = Self.whole(bytes)
            for size in 8...max(8, bytes.count) {
                let read = Self.pieces(bytes, size: size, plain: true)
                if let read {
                    #expect(read.0 == whole?.0 && read.1 == whole?.1, "\(text) in pieces of \(size)")
                } else {
                    #expect(Self.declined.contains(text) || whole == nil || !Self.plain.contains(text), "declined \(text) in pieces of \(size)")
                }
            }
        }
    }

    /// Texts the piece reader declines (each a parse error, or a form it leaves to the parser):
    /// the whole text then decides, so it must never give an answer of its own.
    static let declined: [String] = [
        #"{"certificates": {"a": 1,}}"#,
        #"{"certificates": {,"a": 1}}"#,
        #"{"certificates": {"a": 1,, "b": 2}}"#,
        #"{"certificates": {"a": 1 "b": 2}}"#,
        #"{"certificates": {"a": 1}"#,
        #"{"certificates": {"a": [1}}"#,
        #"{"certificates": {"a": "unterminated}}"#,
        #"{"certificates": {"a": 1}, "certificates": {"b": 2}}"#,
        #"{"certificate\u0073": {"a": 1}}"#,
        #"{"certificates": {"a": 1}} trailing"#,
        #"{"serial": 1,, "certificates": {"a": 1}}"#,
        "{\"certificates\": {\"a\": \"\u{1}\"}}",
        #"{"certificates": {"a": tru}}"#,
        // A plain member taken straight from the piece, then something other than ',' or '}'.
        #"{"certificates": {"a": {"x": 1} "b": {"y": 2}}}"#,
        #"{"certificates": {"a": {"x": 1} x, "b": {"y": 2}}}"#,
        #"{"certificates": {"a": {"x": 1} {"y": 2}}}"#,
        #"{"certificates": {"a": {"x": 1},, "b": {"y": 2}}}"#,
        #"{"certificates": {"a": {"x": 1}, "b": {"y": 2},}}"#,
        #"{"certificates": {"a": {"x": 1}, "b": {"y": 2}]}"#,
        #"{"certificates": {"a": {"x": 1}"#,
        #"{"certificates": {"a": {"x": 1}, "b": {"y": 2}"#,
    ]

    @Test(arguments: sizes)
    func whatDoesNotReadInPiecesIsLeftToTheWholeText(size: Int) {
        for text in Self.declined {
            #expect(Self.pieces(Array(text.utf8), size: size) == nil, "\(text) in pieces of \(size)")
            #expect(Self.pieces(Array(text.utf8), size: size, plain: true) == nil, "\(text) in pieces of \(size), plain")
        }
    }

    /// Bytes that are not UTF-8 inside a member are read as the parser reads them (repaired), in
    /// pieces as whole.
    @Test(arguments: sizes)
    func bytesThatAreNotUTF8ReadAsTheWholeTextReadsThem(size: Int) throws {
        var bytes = Array(#"{"certificates": {"a": "caf?"}}"#.utf8)
        bytes[bytes.firstIndex(of: UInt8(ascii: "?"))!] = 0xE9
        let whole = try #require(Self.whole(bytes))
        let read = try #require(Self.pieces(bytes, size: size))
        #expect(read.0 == whole.0 && read.1 == whole.1)
        var plainBytes = Array(#"{"certificates": {"a": {"s": "caf?", "l": ["?"]}}}"#.utf8)
        for index in plainBytes.indices where plainBytes[index] == UInt8(ascii: "?") { plainBytes[index] = 0xE9 }
        var taken = 0
        let plain = try #require(Self.pieces(plainBytes, size: size, plain: true, taken: &taken))
        #expect(taken == 1)
        #expect(plain.1 == Self.whole(plainBytes)?.1)
    }

    /// An escaped key or a second `certificates` parses whole — with the escaped key streamed,
    /// and the second object kept — which the piece reader must not imitate by half.
    @Test func theWholeTextDecidesWhatThePieceReaderDeclines() throws {
        let escaped = try #require(Self.whole(Array(#"{"certificate\u0073": {"a": 1}}"#.utf8)))
        #expect(escaped.1 == [Member(name: "a", value: .int(1))])
        let twice = try #require(Self.whole(Array(#"{"certificates": {"a": 1}, "certificates": {"b": 2}}"#.utf8)))
        #expect(twice.1 == [Member(name: "a", value: .int(1))])
        #expect(twice.0 == .object(["certificates": .object(["b": .int(2)])]))
    }

    /// The nesting limit falls where it does in a whole parse: a member nested one level too deep
    /// is refused, one level less is read, in pieces as whole.
    @Test func nestingIsLimitedAsInTheWholeText() throws {
        func text(_ levels: Int) -> [UInt8] {
            Array(("{\"certificates\": {\"a\": " + String(repeating: "[", count: levels) + String(repeating: "]", count: levels) + "}}").utf8)
        }
        let deepest = JSONParser.maximumDepth - 2
        #expect(Self.whole(text(deepest)) != nil)
        #expect(Self.pieces(text(deepest), size: 1 << 18)?.1 == Self.whole(text(deepest))?.1)
        #expect(Self.whole(text(deepest + 1)) == nil)
        #expect(Self.pieces(text(deepest + 1), size: 1 << 18) == nil)
    }

    /// Text nobody wrote for this reader: the shipped example state, damaged at every byte — each
    /// byte replaced by one of the characters the reader follows, or deleted. Read in pieces it
    /// must give the whole parse's answer or decline; never another answer.
    @Test func theExampleStateDamagedAnywhereReadsAsWholeOrIsDeclined() throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let state = try Array(Data(contentsOf: url.appendingPathComponent("state/orders.json")))
        #expect(Self.pieces(state, size: 5) != nil)
        var answered = 0, declined = 0, taken = 0
        for index in state.indices {
            var variants: [[UInt8]] = Array("{}[]\",\\ :x".utf8).map { byte in
                var damaged = state
                damaged[index] = byte
                return damaged
            }
            var cut = state
            cut.remove(at: index)
            variants.append(cut)
            for damaged in variants {
                // Read as the state's reader reads it, records offered to the plain reader first,
                // and without it.
                // Pieces of 61 bytes cut most records; the whole file in one piece has every
                // record offered straight from it.
                for (plain, size) in [(false, 61), (true, 61), (true, 1 << 18)] {
                    guard let read = Self.pieces(damaged, size: size, plain: plain, taken: &taken) else {
                        declined += 1
                        continue
                    }
                    answered += 1
                    let whole = Self.whole(damaged)
                    #expect(whole?.0 == read.0 && whole?.1 == read.1, "byte \(index) -> \(String(decoding: damaged[max(0, index - 20)..<min(damaged.count, index + 20)], as: UTF8.self))")
                }
            }
        }
        #expect(answered > 0 && declined > 0 && taken > 0)
    }

    @Test func inputThatFailsIsDeclined() {
        var calls = 0
        let value = JSONParser.parse(reading: { buffer in
            calls += 1
            guard calls == 1 else { return nil }
            let text = Array(#"{"certificates": {"a": 1}"#.utf8)
            buffer.copyBytes(from: text)
            return text.count
        }, streaming: "certificates", member: { _, _ in })
        #expect(value == nil)
    }

    /// The plain reader reads exactly what it says, and declines everything else — so that what
    /// it declines is parsed in full.
    @Test func thePlainReaderReadsPlainMembersExactly() throws {
        let member = try #require(Self.plainMember(
            " \n \"web\" : {\"i\": 7, \"n\": -12, \"z\": 0, \"big\": 999999999999999999, \"s\": \"a b é\",\n\"l\": [ \"x\" , \"y\" ], \"e\": [], \"t\": true, \"f\": false, \"u\": null, \"i\": 8 } \n"))
        #expect(member == Member(name: "web", value: [
            "i": 8, "n": -12, "z": 0, "big": .int(999_999_999_999_999_999), "s": "a b é", "l": ["x", "y"], "e": [],
            "t": true, "f": false, "u": nil,
        ]))
        #expect(Self.plainMember(#""a": {}"#) == Member(name: "a", value: [:]))
        let declined = [
            #""a": {"s": "x\"y"}"#, #""a": {"s": "x\ny"}"#, #""a\u0062": {}"#, #""a": {"k\n": 1}"#,
            "\"a\": {\"s\": \"x\u{1}y\"}",
            #""a": {"n": 1.5}"#, #""a": {"n": 1e3}"#, #""a": {"n": 1E3}"#, #""a": {"n": 01}"#, #""a": {"n": -}"#,
            #""a": {"n": 1234567890123456789}"#, #""a": {"n": 12a}"#, #""a": {"n": +1}"#,
            #""a": {"o": {}}"#, #""a": {"l": [1]}"#, #""a": {"l": [[]]}"#, #""a": {"l": ["x",]}"#, #""a": {"l": ["x" "y"]}"#,
            #""a": {"t": truex}"#, #""a": {"t": tru}"#, #""a": {"t": nul}"#, #""a": {"t": True}"#,
            #""a": {"k": 1,}"#, #""a": {"k": 1 "j": 2}"#, #""a": {"k" 1}"#, #""a": {k: 1}"#, #""a": {"k": 1"#,
            #""a": {"k": 1}}"#, #""a": {"k": 1} x"#, #""a" {"k": 1}"#, #""a": [1]"#, #""a": 1"#, #"{"a": {}}"#, "",
            #""a": {"k": 1}, "b": {}"#, #""a": {"k": "unterminated}"#,
        ]
        for text in declined {
            #expect(Self.plainMember(text) == nil, "\(text)")
        }
        // Longer numbers are declined, never overflowed (a crash), whatever their digits.
        for text in ["9999999999999999999", "-9223372036854775808", "9223372036854775807", "99999999999999999999999999", "-99999999999999999999"] {
            #expect(Self.plainMember(#""a": {"n": \#(text)}"#) == nil, "\(text)")
        }
        #expect(Self.plainMember(#""a": {"n": -999999999999999999}"#) == Member(name: "a", value: ["n": .int(-999_999_999_999_999_999)]))
    }
}
