import CertformTestSupport
import Digests
import Foundation
import JSON
@testable import States
import Testing

/// Most state records are read straight from their text (``StateRecord/Fields/plain(_:)``),
/// without a JSON tree; the rest the long way (``StateRecord/Fields/init(json:path:)``). The
/// fast path must give exactly the long way's fields, or decline: never fields of its own.
@Suite struct PlainRecordTests {
    static let digest = "sha256:" + String(repeating: "0123456789abcdef", count: 4)

    /// A record as certform writes it: every field it knows, digests in its own form.
    static let written: [(key: String, value: String)] = [
        ("certificate_id", "8000001"), ("common_name", #""www1.example.com""#), ("csr_digest", #""\#(digest)""#),
        ("dcv_method", #""dns-txt-token""#), ("dns_names", #"["api.example.com", "www.example.com"]"#), ("history", "[]"),
        ("order_id", "7000001"), ("order_valid_till", #""2027-06-01""#), ("ordered_at", #""2026-06-01T00:00:00Z""#),
        ("product", #""ssl_dv_geotrust""#), ("renewal_of_order_id", "null"), ("serial_number", #""0669D46CAE79EF684A69777490602485""#),
        ("settings_digest", #""\#(digest)""#), ("spec_digest", #""\#(digest)""#), ("status", #""issued""#),
        ("thumbprint", #""7d236b54d19d5eacf0881faf24d51dfe5d23e945""#), ("valid_from", #""2026-06-01""#), ("valid_till", #""2026-12-10""#),
        ("dcv_random_value", #""r4nd0m""#), ("dcv_expires_at", #""2026-06-30T00:00:00+00:00""#), ("dcv_published_value", #""p""#),
        ("auto_reissue", "false"),
    ]

    /// What each field is tried with in place of its value: every type, forms that read and forms
    /// that do not.
    static let values = [
        "null", "0", "-1", "7", "1.5", "1e3", "12345678901234567890", "true", "false", #""""#, #""x""#, #""é 漢""#,
        #""a\"b""#, #""a\u00e9""#, "[]", #"["a"]"#, #"["a", "b"]"#, "[1]", #"[{"order_id": 1}]"#, #"{"k": 1}"#,
        #""\#(digest)""#, #""\#(digest.uppercased())""#, #""sha256:abc""#, #""2026-01-02""#, #""2026-13-01""#,
        #""2026-06-01T00:00:00Z""#, #""dns-txt-token""#, #""email""#, #""ssl_dv_rapidssl""#, #""issued""#, #""someday""#,
    ]

    /// The long way's fields, or nil where it refuses the record.
    static func longWay(_ members: String) -> StateRecord.Fields? {
        guard let json = try? JSONParser.parse("{\(members)}") else { return nil }
        return try? StateRecord.Fields(json: json, path: "certificates.web")
    }

    static func plain(_ members: String, name: String = "web") -> (name: String, fields: StateRecord.Fields)? {
        Array("\"\(name)\": {\(members)}".utf8).withUnsafeBufferPointer { StateRecord.Fields.plain($0) }
    }

    static func members(_ fields: [(key: String, value: String)]) -> String {
        fields.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
    }

    @Test func aRecordAsCertformWritesItIsReadStraightAndAsTheLongWayReadsIt() throws {
        let members = Self.members(Self.written)
        let plain = try #require(Self.plain(members))
        #expect(plain.name == "web")
        #expect(plain.fields == Self.longWay(members))
        #expect(plain.fields.recordedCSRDigest == RecordDigest(Self.digest) && plain.fields.thumbprint == "7d236b54d19d5eacf0881faf24d51dfe5d23e945")
        // The fewest fields a record may have.
        let fewest = #""order_id": 1, "product": "ssl_dv_rapidssl", "common_name": "a.example.com", "status": "pending""#
        #expect(try #require(Self.plain(fewest)).fields == Self.longWay(fewest))
        // Pretty-printed, as the state file is.
        let pretty = "\n      " + Self.written.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ",\n      ") + "\n    "
        #expect(try #require(Self.plain(pretty)).fields == Self.longWay(members))
    }

    /// Every field, given every value, left out, or written twice: the fast path reads what the
    /// long way reads, the same, or declines — and it reads most of what certform itself writes.
    @Test func everyFieldWithEveryValueReadsAsTheLongWayOrIsDeclined() throws {
        var read = 0, declined = 0
        func check(_ fields: [(key: String, value: String)], _ what: String) {
            let members = Self.members(fields)
            guard let plain = Self.plain(members) else {
                declined += 1
                return
            }
            read += 1
            #expect(plain.fields == Self.longWay(members), "\(what): \(members)")
        }
        for index in Self.written.indices {
            let key = Self.written[index].key
            for value in Self.values {
                var fields = Self.written
                fields[index].value = value
                check(fields, "\(key) = \(value)")
                // Written twice: the last one counts, as in the long way.
                check(Self.written + [(key, value)], "\(key) again as \(value)")
                check([(key, value)] + Self.written, "\(key) first as \(value)")
            }
            var fields = Self.written
            fields.remove(at: index)
            check(fields, "without \(key)")
        }
        check(Self.written + [("x-owner", #""team-a""#)], "an unknown field")
        #expect(read > 500 && declined > 500, "read \(read), declined \(declined)")
    }

    /// Bytes that are not UTF-8 are repaired as the long way repairs them; a name that is not
    /// plain is left to it.
    @Test func bytesThatAreNotUTF8AndNamesThatAreNotPlain() throws {
        var bytes = Array(("\"web\": {" + Self.members(Self.written) + ", \"dcv_published_value\": \"caf?\", \"thumbprint\": \"ab?\"}").utf8)
        for index in bytes.indices where bytes[index] == UInt8(ascii: "?") { bytes[index] = 0xE9 }
        let plain = try #require(bytes.withUnsafeBufferPointer { StateRecord.Fields.plain($0) })
        let json = try JSONParser.parse(Array("{".utf8) + bytes + Array("}".utf8))
        #expect(plain.fields == (try StateRecord.Fields(json: #require(json["web"]), path: "certificates.web")))
        #expect(plain.fields.dcvPublishedValue == "caf\u{FFFD}")
        #expect(Self.plain(Self.members(Self.written), name: #"w\u0065b"#) == nil)

        // The names too, which the fast path keeps as the file's bytes (``CertificateNames``).
        var names = Array(("\"web\": {" + Self.members(Self.written.filter { !["common_name", "dns_names"].contains($0.key) })
            + #", "common_name": "www?.example", "dns_names": ["a?.example", "b.example?"]}"#).utf8)
        for index in names.indices where names[index] == UInt8(ascii: "?") { names[index] = 0xE9 }
        let plainNames = try #require(names.withUnsafeBufferPointer { StateRecord.Fields.plain($0) })
        let namesJSON = try JSONParser.parse(Array("{".utf8) + names + Array("}".utf8))
        let longNames = try StateRecord.Fields(json: #require(namesJSON["web"]), path: "certificates.web")
        #expect(plainNames.fields == longNames)
        #expect(plainNames.fields.commonName == "www\u{FFFD}.example" && longNames.commonName == "www\u{FFFD}.example")
        #expect(plainNames.fields.dnsNames == ["a\u{FFFD}.example", "b.example\u{FFFD}"])
        #expect(plainNames.fields.dnsNames == longNames.dnsNames)
    }

    /// A state file read by the store, most records straight from their text, is the state the
    /// long way reads from the whole text.
    @Test func aStateReadByTheStoreIsTheStateTheLongWayReads() async throws {
        var state = State()
        for order in 1...2000 {
            var record = StateBackendTests.record(order, "c\(order)")
            record.specDigest = Self.digest
            record.orderedAt = "2026-06-01T00:00:00Z"
            if order % 100 == 0 { record.extra["x-note"] = "kept" }
            if order % 150 == 0 { record.history.append(["order_id": .int(order - 1)]) }
            if order % 170 == 0 { record.dcvPublishedValue = "quote \" and }, inside" }
            state.certificates["c\(order)"] = record
        }
        let dir = TemporaryDirectory()
        let store = StateStore(path: dir.path + "/state/orders.json")
        let written = try await store.save(state)
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: store.path)))
        let read = try await store.load()
        #expect(read == written)
        #expect(read == (try State(json: JSONParser.parse(bytes))))
        // Which records went which way.
        var offset = 0
        var records = State.StreamedRecords()
        var plain = 0, long = 0
        _ = JSONParser.parse(reading: { buffer in
            let count = min(buffer.count, bytes.count - offset)
            buffer.copyBytes(from: bytes[offset..<offset + count])
            offset += count
            return count
        }, streaming: "certificates", member: { name, json in
            long += 1
            records.add(name: name, json: json)
        }, plain: { text in
            guard let taken = records.add(plain: text) else { return nil }
            plain += 1
            return taken
        })
        // Extra fields, history and escapes go the long way; every other record is read straight.
        let longWay = (1...2000).filter { $0 % 100 == 0 || $0 % 150 == 0 || $0 % 170 == 0 }.count
        #expect(long == longWay && plain == 2000 - longWay, "plain \(plain), long \(long)")
        #expect(records.records == read.certificates)
    }
}
