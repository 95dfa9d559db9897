import Foundation
import CertCentralAPI
import Testing

/// A certificate's names are held as one block of bytes (``CertificateNames``): they must read back exactly
/// as stored, however long or unusual, and compare and hash as the strings they are.
@Suite struct CertificateNamesTests {
    static let long127 = String(repeating: "a", count: 127)
    static let long128 = String(repeating: "b", count: 128)
    static let long20000 = String(repeating: "c", count: 20_000)

    /// Common name and DNS names that try every length boundary of the length prefix (one byte up
    /// to 127, two up to 16,383, three past it), empty names, no DNS names and non-ASCII text.
    static let cases: [(String, [String])] = [
        ("www.example.com", []),
        ("www.example.com", ["api.example.com", "www.example.com", "*.example.com"]),
        ("", []),
        ("", [""]),
        ("a", ["", "b", ""]),
        (long127, [long128, long20000, long127]),
        (long20000, ["x"]),
        ("bücher.example", ["漢字.example", "e\u{301}.example", "\u{0}.nul"]),
        ("www.example.com", (0..<300).map { "host-\($0).example.com" }),
    ]

    @Test(arguments: cases.indices)
    func namesReadBackAsStored(index: Int) {
        let (commonName, dnsNames) = Self.cases[index]
        let names = CertificateNames(commonName: commonName, dnsNames: dnsNames)
        #expect(names.commonName == commonName)
        #expect(names.dnsNames == dnsNames)
        // Byte for byte, not only equal as strings.
        #expect(Array(names.commonName.utf8) == Array(commonName.utf8))
        #expect(names.dnsNames.map { Array($0.utf8) } == dnsNames.map { Array($0.utf8) })

        // The same names from a state file's bytes are the same value.
        let fromBytes = Self.fromBytes(Array(commonName.utf8), dnsNames.map { Array($0.utf8) })
        #expect(fromBytes == names && fromBytes.hashValue == names.hashValue)
        #expect(fromBytes.commonName == commonName && fromBytes.dnsNames == dnsNames)
    }

    @Test(arguments: cases.indices)
    func changingOneNameKeepsTheOthers(index: Int) {
        let (commonName, dnsNames) = Self.cases[index]
        var names = CertificateNames(commonName: commonName, dnsNames: dnsNames)
        names.commonName = "renamed.example.com"
        #expect(names.commonName == "renamed.example.com" && names.dnsNames == dnsNames)
        names.dnsNames.append(Self.long128)
        #expect(names.commonName == "renamed.example.com" && names.dnsNames == dnsNames + [Self.long128])
        names.dnsNames = []
        #expect(names.commonName == "renamed.example.com" && names.dnsNames.isEmpty)
    }

    /// What a plan asks of every record: the answers of comparing strings, with or without the
    /// bytes being the same.
    @Test(arguments: cases.indices)
    func namesCompareWithStringsAsStringsDo(index: Int) {
        let (commonName, dnsNames) = Self.cases[index]
        for names in [CertificateNames(commonName: commonName, dnsNames: dnsNames),
                      Self.fromBytes(Array(commonName.utf8), dnsNames.map { Array($0.utf8) })] {
            #expect(names.commonNameIs(commonName))
            #expect(names.dnsNamesAre(dnsNames))
            #expect(!names.commonNameIs(commonName + "x") && !names.commonNameIs("x" + commonName))
            #expect(!names.dnsNamesAre(dnsNames + [""]) && !names.dnsNamesAre(dnsNames + ["x"]))
            #expect(!names.dnsNamesAre(["x"] + dnsNames))
            if !dnsNames.isEmpty {
                #expect(!names.dnsNamesAre(Array(dnsNames.dropLast())))
                #expect(!names.dnsNamesAre(dnsNames.dropLast() + [dnsNames.last! + "x"]))
                #expect(names.dnsNamesAre(dnsNames.reversed()) == (Array(dnsNames.reversed()) == dnsNames))
            }
        }
        // Canonically equivalent text is the same name, as for strings.
        let precomposed = CertificateNames(commonName: "caf\u{E9}.example", dnsNames: ["a", "caf\u{E9}.example"])
        #expect(precomposed.commonNameIs("cafe\u{301}.example"))
        #expect(precomposed.dnsNamesAre(["a", "cafe\u{301}.example"]))
        #expect(!precomposed.dnsNamesAre(["cafe\u{301}.example", "a"]))
        // Bytes that are not UTF-8 are the name they decode to.
        let malformed = Self.fromBytes([0x61, 0xFF], [[0x62, 0xC3]])
        #expect(malformed.commonNameIs(String(decoding: [0x61, 0xFF], as: UTF8.self)))
        #expect(malformed.dnsNamesAre([String(decoding: [0x62, 0xC3], as: UTF8.self)]))
        #expect(!malformed.commonNameIs("a") && !malformed.dnsNamesAre(["b"]))
    }

    @Test func equalityAndHashingAreThoseOfTheStrings() {
        // Precomposed and decomposed é are equal strings with different bytes.
        let precomposed = CertificateNames(commonName: "caf\u{E9}.example", dnsNames: ["caf\u{E9}.example"])
        let decomposed = CertificateNames(commonName: "cafe\u{301}.example", dnsNames: ["cafe\u{301}.example"])
        #expect(precomposed == decomposed)
        #expect(precomposed.hashValue == decomposed.hashValue)
        // Names that differ, or differ only in where one name ends, are not equal.
        let pairs: [((String, [String]), (String, [String]))] = [
            (("a.example", ["b.example"]), ("a.example", ["c.example"])),
            (("a.example", ["b.example"]), ("b.example", ["a.example"])),
            (("a", ["bc"]), ("ab", ["c"])),
            (("a", ["b", "c"]), ("a", ["bc"])),
            (("a", []), ("a", [""])),
            (("a", ["b"]), ("a", ["b", "b"])),
        ]
        for ((commonName1, dnsNames1), (commonName2, dnsNames2)) in pairs {
            let first = CertificateNames(commonName: commonName1, dnsNames: dnsNames1)
            let second = CertificateNames(commonName: commonName2, dnsNames: dnsNames2)
            #expect(first != second, "\(commonName1) \(dnsNames1) vs \(commonName2) \(dnsNames2)")
        }
    }

    @Test func malformedBytesReadAsTheRepairedStringsEveryTime() {
        // What a hand-written state file might hold: bytes that are not UTF-8.
        let commonName: [UInt8] = Array("www.".utf8) + [0xFF, 0xC3] + Array(".example".utf8)
        let dnsName: [UInt8] = [0xE6, 0xBC] + Array("x".utf8)
        let names = Self.fromBytes(commonName, [dnsName])
        let repaired = (String(decoding: commonName, as: UTF8.self), String(decoding: dnsName, as: UTF8.self))
        #expect(names.commonName == repaired.0 && names.dnsNames == [repaired.1])
        #expect(names.commonName == names.commonName && names.dnsNames == names.dnsNames)
        #expect(names == CertificateNames(commonName: repaired.0, dnsNames: [repaired.1]))
    }

    @Test func sameBytesAreEqualNamesAndOtherBytesMayBeToo() {
        let names = CertificateNames(commonName: "www.example.com", dnsNames: ["api.example.com"])
        #expect(names.hasSameBytes(as: CertificateNames(commonName: "www.example.com", dnsNames: ["api.example.com"])))
        #expect(!names.hasSameBytes(as: CertificateNames(commonName: "www.example.com", dnsNames: [])))
        #expect(!names.hasSameBytes(as: CertificateNames(commonName: "www.example.co", dnsNames: ["mapi.example.com"])))
        let precomposed = CertificateNames(commonName: "caf\u{E9}.example", dnsNames: [])
        let decomposed = CertificateNames(commonName: "cafe\u{301}.example", dnsNames: [])
        #expect(!precomposed.hasSameBytes(as: decomposed) && precomposed == decomposed)
    }

    /// `share` takes the other's block only when the bytes are the same, and changes no name.
    @Test func namesShareABlockOnlyWithTheSameBytes() {
        var names = CertificateNames(commonName: "www.example.com", dnsNames: ["api.example.com"])
        let copy = names, same = CertificateNames(commonName: "www.example.com", dnsNames: ["api.example.com"])
        #expect(names.sharesBlock(with: copy) && !names.sharesBlock(with: same))
        names.share(same)
        #expect(names.sharesBlock(with: same) && !names.sharesBlock(with: copy) && names == copy)
        let decomposed = CertificateNames(commonName: "cafe\u{301}.example", dnsNames: [])
        var precomposed = CertificateNames(commonName: "caf\u{E9}.example", dnsNames: [])
        precomposed.share(decomposed)
        #expect(!precomposed.sharesBlock(with: decomposed) && precomposed.commonName == "caf\u{E9}.example")
        names.share(CertificateNames(commonName: "www.example.com", dnsNames: []))
        #expect(names.sharesBlock(with: same) && names.dnsNames == ["api.example.com"])
    }

    /// Names hashed from their bytes (``CertificateNames/withASCIINamesSorted(_:)``): when every
    /// name is ASCII, the common name as held and the DNS names in the order sorting their strings
    /// gives (the common name is not sorted); not called when any name is not ASCII.
    @Test(arguments: [
        ("z.example", ["a.example", "b.example"]),
        ("z.example", []),
        ("z.example", ["a.example"]),
        ("z.example", ["a.example", "a.example"]),
        ("z.example", ["a.example", "a.example.com", "b"]),
        ("z.example", ["b.example", "a.example"]),
        ("z.example", ["a.example.com", "a.example"]),
        ("z.example", ["a-b.example", "a.example"]),
        ("z.example", ["a.example", "a-b.example"]),
        ("z.example", ["api0-2.example", "admin1-2.example", "static2-2.example", "mail3-2.example"]),
        ("z.example", ["c", "b", "a", "b"]),
        ("z.example", [String(repeating: "x", count: 200) + ".example", "a.example"]),
        ("z.example", ["b.example", "B.example", "a.example"]),
        ("z.example", ["a\u{1}", "a", "a\r\n", "a\u{7F}"]),
        ("", ["", "a", ""]),
        ("caf\u{E9}.example", []),
        ("z.example", ["a.example", "caf\u{E9}.example"]),
        ("z.example", ["caf\u{E9}.example", "a.example"]),
    ])
    func asciiNamesComeSortedAsTheirStrings(commonName: String, dnsNames: [String]) {
        let names = CertificateNames(commonName: commonName, dnsNames: dnsNames)
        var held: (String, [String])?
        let called = names.withASCIINamesSorted { common, sorted in
            held = (String(decoding: common, as: UTF8.self), sorted.map { String(decoding: $0, as: UTF8.self) })
        }
        #expect(called == (held != nil))
        let ascii = ([commonName] + dnsNames).allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
        #expect((held == nil) == !ascii)
        if let held {
            #expect(held.0 == commonName)
            #expect(held.1 == dnsNames.sorted())
        }
    }

    /// Common names looked up by their bytes (the shared-common-name check): same bytes, same
    /// hash; a name that is a prefix of another, or differs in its last byte, is another name.
    @Test func commonNamesCompareAndHashByTheirBytes() {
        let long = "a-common-name-longer-than-fifteen-bytes.example.com"
        let one = CertificateNames(commonName: long, dnsNames: ["x.example"])
        let same = Self.fromBytes(Array(long.utf8), [Array("y.example".utf8)])
        #expect(one.commonNameHasSameBytes(as: same) && one.commonNameBytesHash == same.commonNameBytesHash)
        for other in [String(long.dropLast()), String(long.dropLast()) + "n", long + ".", "x.example"] {
            let names = CertificateNames(commonName: other, dnsNames: [long])
            #expect(!one.commonNameHasSameBytes(as: names) && !names.commonNameHasSameBytes(as: one), "\(other)")
        }
        let short = CertificateNames(commonName: "a.example", dnsNames: [])
        #expect(short.commonNameHasSameBytes(as: CertificateNames(commonName: "a.example", dnsNames: [long])))
        #expect(!short.commonNameHasSameBytes(as: CertificateNames(commonName: "caf\u{E9}.example", dnsNames: [])))
        #expect(!CertificateNames(commonName: "caf\u{E9}.example", dnsNames: []).commonNameHasSameBytes(as: CertificateNames(commonName: "cafe\u{301}.example", dnsNames: [])))
        // Equal text, other bytes of the same length.
        let above = CertificateNames(commonName: "\u{1E0A}\u{323}.example", dnsNames: [])
        let below = CertificateNames(commonName: "\u{1E0C}\u{307}.example", dnsNames: [])
        #expect(above.commonName == below.commonName && !above.commonNameHasSameBytes(as: below))
    }

    static func fromBytes(_ commonName: [UInt8], _ dnsNames: [[UInt8]]) -> CertificateNames {
        commonName.withUnsafeBufferPointer { commonName in
            func withPointers(_ rest: ArraySlice<[UInt8]>, _ taken: [UnsafeBufferPointer<UInt8>]) -> CertificateNames {
                guard let first = rest.first else { return CertificateNames(commonName: commonName, dnsNames: taken) }
                return first.withUnsafeBufferPointer { withPointers(rest.dropFirst(), taken + [$0]) }
            }
            return withPointers(dnsNames[...], [])
        }
    }
}
