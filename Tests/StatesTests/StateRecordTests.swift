import Digests
import JSON
@testable import States
import Testing

/// A record keeps the fields certform does not know, and only those, as written; it holds its
/// fields by reference, and must still behave as a value.
@Suite struct StateRecordTests {
    static let everyKnownField = """
        "order_id": 1001, "certificate_id": 6001, "product": "ssl_dv_geotrust", "common_name": "example.com",
        "dns_names": ["www.example.com"], "spec_digest": "sha256:aa", "settings_digest": "sha256:bb",
        "csr_digest": "sha256:cc", "status": "issued", "ordered_at": "2026-01-01T00:00:00Z",
        "renewal_of_order_id": 900, "dcv_method": "dns-txt-token", "dcv_random_value": "r",
        "dcv_expires_at": "2026-02-01T00:00:00Z", "dcv_published_value": "p", "valid_from": "2026-01-02",
        "valid_till": "2027-01-02", "order_valid_till": "2027-01-02", "thumbprint": "AB", "serial_number": "01",
        "history": [], "auto_reissue": false
        """

    static func record(_ members: String) throws -> StateRecord {
        try StateRecord(json: JSONParser.parse("{\(members)}"), path: "certificates.web")
    }

    @Test func everyKnownFieldIsReadAndNothingIsExtra() throws {
        #expect(StateRecord.knownKeys.count == 22)
        let record = try Self.record(Self.everyKnownField)
        #expect(record.extra.isEmpty)
        #expect(record.csrDigest == "sha256:cc" && record.autoReissue == false && record.dcvPublishedValue == "p")
        guard case .object(let written) = record.json else { Issue.record("not an object"); return }
        #expect(Set(written.keys) == StateRecord.knownKeys)
    }

    @Test func unknownFieldsAreKeptBesideEveryKnownOne() throws {
        let record = try Self.record(Self.everyKnownField + #", "x-owner": "team-a", "renewed_elsewhere_by_order_id": 1002"#)
        #expect(record.extra == ["x-owner": .string("team-a"), "renewed_elsewhere_by_order_id": .int(1002)])
        #expect(record.renewedElsewhereBy == 1002)
    }

    @Test func unknownFieldsAreKeptInARecordOfAsManyMembersAsAFullOne() throws {
        // 22 members, as a full record has, two of them unknown: the count alone must not decide.
        let members = Self.everyKnownField
            .replacingOccurrences(of: #""serial_number": "01","#, with: #""x-a": 1,"#)
            .replacingOccurrences(of: #""dcv_random_value": "r","#, with: #""x-b": "two","#)
        guard case .object(let object) = try JSONParser.parse("{\(members)}") else { Issue.record("not an object"); return }
        #expect(object.count == StateRecord.knownKeys.count)
        let record = try Self.record(members)
        #expect(record.extra == ["x-a": .int(1), "x-b": .string("two")])
        #expect(record.serialNumber == nil && record.dcvRandomValue == nil)
    }

    @Test func unknownFieldsAreKeptWhenKnownOnesAreMissingOrNull() throws {
        // Fewer known keys than a full record, some null.
        let record = try Self.record(#""order_id": 7, "product": "ssl_dv_rapidssl", "common_name": "a.example.com", "status": "pending", "thumbprint": null, "x-a": 1, "x-b": [true]"#)
        #expect(record.extra == ["x-a": .int(1), "x-b": .array([.bool(true)])])
        #expect(record.thumbprint == nil && record.dnsNames.isEmpty)
    }

    @Test func aCopyChangedIsItsOwnAndEqualFieldsAreEqualRecords() throws {
        let original = try Self.record(Self.everyKnownField)
        var copy = original
        #expect(copy == original)
        copy.status = .revoked
        copy.dnsNames.append("api.example.com")
        copy.extra["x-note"] = "changed"
        #expect(original.status == .issued && original.dnsNames == ["www.example.com"] && original.extra.isEmpty)
        #expect(copy.status == .revoked && copy.dnsNames == ["www.example.com", "api.example.com"] && copy.extra["x-note"] == "changed")
        #expect(copy != original)

        // Two records read separately hold separate fields, yet are equal, and hash alike.
        let again = try Self.record(Self.everyKnownField)
        #expect(again == original && again.hashValue == original.hashValue)
        var state = State()
        state.certificates["web"] = original
        state.certificates["web"]?.thumbprint = "CD"
        state.certificates["web"]?.history.append(["order_id": 7])
        #expect(state.certificates["web"]?.thumbprint == "CD" && original.thumbprint == "AB")
        #expect(state.certificates["web"]?.history == [["order_id": 7]] && original.history.isEmpty)
        // 296 bytes, laid out with the one-byte fields and the dates in what was padding: a
        // record's storage is then a 320-byte block rather than 336 (1.6 MB at 100,000 records).
        #expect(MemoryLayout<StateRecord.Fields>.size <= 296, "\(MemoryLayout<StateRecord.Fields>.size)")
    }

    /// Digests are held in 32 bytes when certform wrote them, and as written otherwise; either
    /// way the record gives back, and writes back, exactly the text it read.
    @Test(arguments: [
        "sha256:" + String(repeating: "0123456789abcdef", count: 4),
        "sha256:" + String(repeating: "f", count: 64),
        "sha256:" + String(repeating: "0123456789ABCDEF", count: 4),   // uppercase: not certform's form
        "sha256:" + String(repeating: "a", count: 63),                  // short
        "sha256:" + String(repeating: "a", count: 65),                  // long
        "sha256:" + String(repeating: "a", count: 63) + "g",            // not hex
        "sha512:" + String(repeating: "a", count: 64),
        "", "sha256:", "handwritten ✓",
    ])
    func digestsComeBackAsWritten(_ text: String) throws {
        #expect(RecordDigest(text).text == text)
        let record = try Self.record(#""order_id": 1, "product": "ssl_dv_geotrust", "common_name": "a.example.com", "status": "issued", "spec_digest": \#(String(decoding: JSONWriter.stringLiteral(text), as: UTF8.self)), "settings_digest": "sha256:\#(String(repeating: "0", count: 64))""#)
        #expect(record.specDigest == text)
        #expect(record.settingsDigest == "sha256:" + String(repeating: "0", count: 64))
        #expect(record.csrDigest == nil)
        guard case .object(let written) = record.json else { Issue.record("not an object"); return }
        #expect(written["spec_digest"] == JSONValue.string(text))

        var changed = record
        changed.csrDigest = text
        #expect(changed.csrDigest == text && record.csrDigest == nil)
        #expect(RecordDigest(text) == RecordDigest(String(text)))
    }

    /// The fields most records leave empty read and write as the others do, and a record whose
    /// rare fields were set and cleared again equals one that never had them.
    @Test func rareFieldsSetAndClearedLeaveAnEqualRecord() throws {
        let plain = try Self.record(#""order_id": 1, "product": "ssl_dv_geotrust", "common_name": "a.example.com", "status": "issued""#)
        var changed = plain
        changed.renewalOfOrderID = 9
        changed.dcvRandomValue = "r"
        changed.dcvExpiresAt = "2026-02-01T00:00:00Z"
        changed.dcvPublishedValue = "p"
        changed.autoReissue = true
        changed.history.append(.int(3))
        changed.extra["x-a"] = .bool(true)
        #expect(changed != plain && plain.history.isEmpty && plain.renewalOfOrderID == nil)
        #expect(changed.renewalOfOrderID == 9 && changed.dcvRandomValue == "r" && changed.dcvExpiresAt == "2026-02-01T00:00:00Z")
        #expect(changed.dcvPublishedValue == "p" && changed.autoReissue == true && changed.history == [.int(3)] && changed.extra == ["x-a": .bool(true)])
        #expect(try StateRecord(json: changed.json, path: "certificates.web") == changed)
        (changed.renewalOfOrderID, changed.dcvRandomValue, changed.dcvExpiresAt, changed.dcvPublishedValue) = (nil, nil, nil, nil)
        (changed.autoReissue, changed.history, changed.extra) = (nil, [], [:])
        #expect(changed == plain && changed.hashValue == plain.hashValue)
    }

    /// A digest made from its 32 bytes is the digest read from its text, and prints as that text.
    @Test func aDigestFromItsBytesIsTheDigestFromItsText() {
        let bytes = (0..<32).map { UInt8($0 * 37 % 256) }
        let text = "sha256:" + bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        let digest = bytes.withUnsafeBytes { RecordDigest(sha256: $0) }
        #expect(digest == RecordDigest(text))
        #expect(digest.text == text)
        #expect(digest != RecordDigest(text.uppercased()))
    }

    @Test func aRecordsNamesAreItsFields() {
        var record = StateRecord(orderID: 1, product: .sslDVGeoTrust, commonName: "www.example.com",
                                 dnsNames: ["api.example.com"], status: .issued)
        let copy = record
        record.dnsNames.append("static.example.com")
        record.commonName = "web.example.com"
        #expect(record.commonName == "web.example.com" && record.dnsNames == ["api.example.com", "static.example.com"])
        #expect(copy.commonName == "www.example.com" && copy.dnsNames == ["api.example.com"])
        #expect(record != copy)
        record.commonName = "www.example.com"
        record.dnsNames = ["api.example.com"]
        #expect(record == copy && record.hashValue == copy.hashValue)
    }
}
