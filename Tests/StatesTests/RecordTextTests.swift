import JSON
@testable import States
import Testing

/// A record's thumbprint, serial number and times are held packed when they can be; whatever the
/// form, the text reads back exactly as written and equal texts are equal values.
@Suite struct RecordTextTests {
    static let texts = [
        "", "0", "01", "AB", "ab", "aB", "7D236B54D19D5EACF0881FAF24D51DFE5D23E945",
        "7d236b54d19d5eacf0881faf24d51dfe5d23e945", "0669D4D1C6D2B2D8F4E3D5C8B3B0B5C1",
        "00000000000000000000000000000001", "2026-06-01T00:00:00Z", "2018-10-16T20:05:28+00:00",
        "2026-06-01T00:00:00.123Z", "2026-06-01t00:00:00z", "2026-06-01 00:00:00",
        String(repeating: "f", count: 48), String(repeating: "f", count: 49), String(repeating: "F", count: 47) + "f",
        "ÄB", "AB\u{0}", "AB\n", "\u{202E}AB", "12-34", "1234567890123456", "12345678901234567", "-:TZ.+",
    ]

    @Test(arguments: texts)
    func readsBackAsWritten(_ text: String) {
        #expect(RecordText(text).text == text)
    }

    @Test func hexAndTimestampsArePackedAndOtherTextIsNot() {
        for text in ["7D236B54D19D5EACF0881FAF24D51DFE5D23E945", "0669d4d1c6d2b2d8f4e3d5c8b3b0b5c1", "2026-06-01T00:00:00Z",
                     "2018-10-16T20:05:28+00:00", String(repeating: "0", count: 48)] {
            #expect(RecordText(text).isPacked, "\(text)")
        }
        for text in ["", "aB", "ÄB", "2026-06-01t00:00:00z", String(repeating: "0", count: 49)] {
            #expect(!RecordText(text).isPacked, "\(text)")
        }
    }

    @Test func equalTextsAreEqualValuesAndOthersAreNot() {
        for first in Self.texts {
            for second in Self.texts {
                #expect((RecordText(first) == RecordText(second)) == (first == second), "\(first.debugDescription) vs \(second.debugDescription)")
                if first == second { #expect(RecordText(first).hashValue == RecordText(second).hashValue) }
            }
        }
    }

    @Test func everyCharacterOfEveryAlphabetInEveryPlaceReadsBack() {
        for alphabet in ["0123456789abcdef", "0123456789ABCDEF", "0123456789-:TZ.+"] {
            for count in [1, 15, 16, 17, 31, 32, 33, 47, 48] {
                for (offset, _) in alphabet.enumerated() {
                    let symbols = Array(alphabet)
                    let text = String((0..<count).map { symbols[($0 + offset) % symbols.count] })
                    #expect(RecordText(text).text == text)
                }
            }
        }
    }

    @Test func aRecordWritesItsPackedFieldsBackAsRead() throws {
        let members = """
            "order_id": 1, "product": "ssl_dv_geotrust", "common_name": "a.example.com", "status": "issued",
            "ordered_at": "2018-10-16T20:05:28+00:00", "dcv_expires_at": "2026-02-01T00:00:00Z",
            "thumbprint": "7D236B54D19D5EACF0881FAF24D51DFE5D23E945", "serial_number": "0669d4d1c6d2b2d8f4e3d5c8b3b0b5c1 "
            """
        let json = try JSONParser.parse("{\(members)}")
        var record = try StateRecord(json: json, path: "certificates.a")
        #expect(record.orderedAt == "2018-10-16T20:05:28+00:00")
        #expect(record.dcvExpiresAt == "2026-02-01T00:00:00Z")
        #expect(record.thumbprint == "7D236B54D19D5EACF0881FAF24D51DFE5D23E945")
        #expect(record.serialNumber == "0669d4d1c6d2b2d8f4e3d5c8b3b0b5c1 ")
        guard case .object(let written) = record.json, case .object(let read) = json else { Issue.record("not an object"); return }
        for key in ["ordered_at", "dcv_expires_at", "thumbprint", "serial_number"] { #expect(written[key] == read[key], "\(key)") }
        record.thumbprint = "ab"
        record.serialNumber = nil
        #expect(record.thumbprint == "ab" && record.serialNumber == nil)
    }
}
