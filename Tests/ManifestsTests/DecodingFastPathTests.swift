@testable import Manifests
import Dates
import Testing
import YAML

/// The decoder's shortcuts give the answers of the long ways they stand in for.
@Suite struct DecodingFastPathTests {
    /// Every key, and every text one edit away from a key, is found as `init(rawValue:)` finds it.
    @Test func certificateKeysAreFoundAsByRawValue() {
        var texts: Set<String> = ["", "a", "é", "common_nam", "common_namee", "COMMON_NAME", "custom_expiration_dat€"]
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz_-0éE ")
        for key in CertificateKey.allCases {
            let name = Array(key.rawValue)
            texts.insert(key.rawValue)
            for index in name.indices {
                var removed = name
                removed.remove(at: index)
                texts.insert(String(removed))
                for character in alphabet {
                    var replaced = name
                    replaced[index] = character
                    texts.insert(String(replaced))
                    var inserted = name
                    inserted.insert(character, at: index)
                    texts.insert(String(inserted))
                }
            }
        }
        var found = 0
        for text in texts {
            #expect(CertificateKey.named(text) == CertificateKey(rawValue: text), "\(text)")
            if CertificateKey.named(text) != nil { found += 1 }
        }
        #expect(found == CertificateKey.allCases.count)
        #expect(texts.count > 10_000)
    }

    /// The one-pass check of DNS names says nothing the rule-by-rule check would not: over every
    /// text of up to five characters from a small alphabet, and longer ones near the limits.
    @Test func domainNamesGetTheRuleByRuleAnswer() {
        var texts: [String] = [""]
        // Every text of up to five characters of eight, and of up to seven of the four that
        // valid names are made of.
        for (alphabet, longest) in [(["a", "0", "-", ".", "*", "Z", "_", "é"], 5), (["a", "0", "-", "."], 7),
                                    (["z", "9", "/", ":", "`", "{", "@", "\u{7F}", "."], 4)] {
            var level: [String] = [""]
            for _ in 1...longest {
                level = level.flatMap { prefix in alphabet.map { prefix + $0 } }
                texts += level
            }
        }
        let label63 = String(repeating: "a", count: 63)
        for extra in ["", "a", "-", ".", "*"] {
            texts.append(label63 + extra + ".example.com")
            texts.append("*." + label63 + extra + ".com")
            texts.append("x." + label63 + extra)
        }
        // Exactly at the limit and one past it, in the shape that passes every other rule.
        texts.append(String(repeating: "a.", count: 125) + "bbb")
        texts.append(String(repeating: "a.", count: 126) + "bb")
        for length in 250...256 {
            let name = String(repeating: "a.", count: length / 2) + (length % 2 == 1 ? "b" : "")
            texts.append(name)
            texts.append("*." + name)
        }
        texts += ["www.example.com", "*.example.com", "xn--bcher-kva.example", "a-b.c-d", "a.b.", ".a.b", "a..b", "*", "*.", "*.com", "a.*.b"]
        var valid = 0
        for text in texts {
            let answer = DomainName.problem(with: text)
            #expect(answer == DomainName.slowProblem(with: text), "\(text)")
            if answer == nil { valid += 1 }
        }
        // Both answers occur many times: the corpus is not all one kind.
        #expect(valid > 1_000)
        #expect(texts.count - valid > 10_000)
    }

    /// A wildcard is told from its bytes as `hasPrefix("*.")` tells it, combining marks after the
    /// dot included.
    @Test func wildcardsAreToldAsByPrefix() {
        var texts = ["", "*", ".", "*.", "**.", "*..", "*.a", "*.\u{301}", "*.\u{301}a", "*\u{301}.a", "*.é", "*.\u{200D}a",
                     "*.\u{E9}", "\u{FF0A}.a", "*\u{FF0E}a", "a*.b", " *.a"]
        for first in ["*", "a", "."] {
            for second in [".", "*", "a"] {
                for third in ["", "a", ".", "\u{301}", "\u{308}b", "é", "\u{1F600}"] { texts.append(first + second + third) }
            }
        }
        var wildcards = 0
        for text in texts {
            #expect(DomainName.isWildcard(text) == text.hasPrefix("*."), "\(text.debugDescription)")
            if text.hasPrefix("*.") { wildcards += 1 }
        }
        #expect(wildcards > 5 && texts.count - wildcards > 40)
    }

    /// A name written twice points at the item that first wrote it: not an earlier null, not a
    /// quoted `null` after a plain one, and a canonically equal spelling counts as the same name.
    @Test func aRepeatedDNSNamePointsAtItsFirstItem() {
        let items = [
            "null",                              // line 7: null, no name
            "'null'",                            // line 8: the name "null" (not a DNS name)
            "b.example.com",                     // line 9
            "\"caf\u{E9}.example.com\"",          // line 10 (not punycode: reported, still listed)
            "{x: 1}",                            // line 11: not a string
            "b.example.com",                     // line 12: again, first at 9
            "\"cafe\u{301}.example.com\"",        // line 13: the same name as line 10
            "'null'",                            // line 14: first at 8
            "example.com",                       // line 15: the common name
            "b.example.com",                     // line 16: first at 9
        ]
        let text = (["apiVersion: certform/v1", "certificates:", "  web:", "    product: ssl_dv_geotrust",
                     "    common_name: example.com", "    dns_names:"]
                    + items.map { "      - \($0)" } + ["    csr_file: a.csr", "    validity_years: 1", "    dcv_method: dns-txt-token"])
            .joined(separator: "\n")
        let result = ManifestLoader.read(bytes: Array(text.utf8), file: "m.yaml", asOf: Kit.asOf)
        let repeats = result.diagnostics.compactMap { diagnostic -> [Int]? in
            guard diagnostic.message.contains("duplicate name"), let location = diagnostic.location,
                  let first = diagnostic.message.split(separator: " ").last.flatMap({ Int($0.dropLast()) }) else { return nil }
            return [location.line, first]
        }
        #expect(repeats == [[12, 9], [13, 10], [14, 8], [16, 9]], "\(result.diagnostics.map(\.message))")
        #expect(result.diagnostics.contains { $0.location?.line == 15 && $0.message.contains("repeats the common_name") })
    }

    /// Integers are read in one pass as an optional sign and 1–18 decimal digits were read
    /// before: checked, then given to `Int(_:)`.
    @Test func integersAreReadAsCheckedThenConverted() {
        func before(_ text: String) -> Int? {
            var bytes = Substring(text).utf8[...]
            if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
            guard !bytes.isEmpty && bytes.count <= 18 && bytes.allSatisfy({ (48...57).contains($0) }) else { return nil }
            return Int(text)
        }
        var texts = ["", "+", "-", "0", "-0", "+0", "007", "+-1", "--1", "1-", " 1", "1 ", "1_000", "0x10", "1e3", "1.0",
                     "١", "１", "9223372036854775807", "-9223372036854775808", "/", ":", "\u{0}"]
        for digits in 16...20 {
            let nines = String(repeating: "9", count: digits)
            texts += [nines, "-" + nines, "+" + nines]
        }
        for first in ["", "+", "-", "a"] {
            for second in ["0", "5", "9", "/", ":"] {
                for third in ["", "1", "x"] { texts.append(first + second + third) }
            }
        }
        var numbers = 0
        for text in texts {
            #expect(FieldReader.decimal(text) == before(text), "\(text.debugDescription)")
            if before(text) != nil { numbers += 1 }
        }
        #expect(numbers > 30 && texts.count - numbers > 40)
    }

    /// Settings places read back as set, in any order of setting, and equal places hash alike
    /// however they were made.
    @Test func settingsPlacesReadBackAsSet() {
        let count = EffectiveKeys.settingsKeys.count
        let place = { (index: Int) in SourceLocation(line: 3 * index + 1, column: index + 2) }
        var forward = SettingsPlaces(), backward = SettingsPlaces(), appended = SettingsPlaces()
        let given = [0, 2, 5, 6, 17].filter { $0 < count }
        for index in given { forward[index] = place(index) }
        for index in given.reversed() { backward[index] = place(index) }
        for index in given { appended.append(place(index), at: index) }
        for index in 0..<count {
            let expected = given.contains(index) ? place(index) : nil
            #expect(forward[index] == expected && backward[index] == expected && appended[index] == expected)
        }
        #expect(forward == backward && forward == appended && forward.hashValue == backward.hashValue)
        #expect(forward.contains(place(5)) && !forward.contains(place(4)))
        var changed = forward
        changed[5] = nil
        #expect(changed != forward && changed[5] == nil && changed[6] == place(6))
        changed[5] = place(5)
        #expect(changed == forward && changed.hashValue == forward.hashValue)
        changed[5] = SourceLocation(line: 1, column: 1)
        #expect(changed != forward && changed[5] == SourceLocation(line: 1, column: 1))
        let literal: SettingsPlaces = [nil, EffectiveKeys.ownPlace, place(2)]
        #expect(literal[0] == nil && literal[1] == EffectiveKeys.ownPlace && literal[2] == place(2) && literal[3] == nil)
        #expect(SettingsPlaces() != literal && SettingsPlaces() == [])
    }

    /// Own values override inherited ones key by key, a later own value the earlier, and null
    /// unsets; the inherited table is not changed by a certificate's own values.
    @Test func ownKeysOverrideInheritedOnes() throws {
        func pairs(_ text: String) throws -> [YAMLPair] {
            guard case .mapping(let pairs) = try YAMLParser.parse(text).documents[0].kind else { return [] }
            return pairs
        }
        let inherited = EffectiveKeys(try pairs("product: ssl_dv_geotrust\ncomments: shared\nlocale: en\ncolour: blue\n"))
        var keys = inherited
        for pair in try pairs("\n\ncomments: mine\nlocale: ~\nshape: round\n") {
            #expect(keys.set(pair) == (pair.key.scalarValue != "shape"))
        }
        _ = keys.set(try pairs("\n\n\n\n\ncomments: later\n")[0])
        // A key of its own that nothing inherited has.
        _ = keys.set(try pairs("common_name: own.example.com\n")[0])
        #expect(keys[.commonName]?.scalarValue == "own.example.com")
        #expect(inherited[.commonName] == nil)
        #expect(keys[.product]?.scalarValue == "ssl_dv_geotrust")
        #expect(keys[.comments]?.scalarValue == "later")
        #expect(keys[.comments]?.location.line == 6)
        #expect(keys[.locale] == nil)
        #expect(inherited[.comments]?.scalarValue == "shared")
        #expect(inherited[.locale]?.scalarValue == "en")
        // Where settings are written: the own comment is after a certificate on line 2.
        #expect(inherited.settingsPlaces(before: SourceLocation(line: 9, column: 1)) != nil)
        // Before line 5 the inherited values are written, the own comment (line 6) is not.
        #expect(inherited.settingsPlaces(before: SourceLocation(line: 5, column: 1)) != nil)
        // The own comment may be the certificate's own (it and custom_fields are then both
        // marked so); any other setting of its own leaves no places.
        let places = try #require(keys.settingsPlaces(before: SourceLocation(line: 5, column: 1)))
        for key in [CertificateKey.comments, .customFields] {
            #expect(places[EffectiveKeys.settingsKeys.firstIndex(of: key)!] == EffectiveKeys.ownPlace)
        }
        #expect(EffectiveKeys.settingsKeys.indices.filter { places[$0] == EffectiveKeys.ownPlace }.count == 2)
        _ = keys.set(try pairs("\n\n\n\n\n\nvalidity_years: 2\n")[0])
        #expect(keys.settingsPlaces(before: SourceLocation(line: 5, column: 1)) == nil)
    }

    /// Certificates read by one reader, with `defaults` worked out once per array and two
    /// documents' arrays in turn, equal certificates each read afresh by a reader of its own with
    /// a copy of the array; their messages come in the same order.
    @Test func defaultsAppliedOnceReadTheSame() throws {
        let text = """
        apiVersion: certform/v1
        defaults:
          product: ssl_dv_geotrust
          validity_years: 1
          dcv_method: dns-txt-token
          colour: blue
        certificates:
          one:
            common_name: one.example.com
            csr: x
          two:
            common_name: two.example.com
            csr: x
            dcv_method: http-token
            flavour: mint
          three:
            common_name: three.example.com
            csr: x
            validity_years: ~
            flavour: mint
        ---
        apiVersion: certform/v1
        defaults:
          product: ssl_dv_rapidssl
          validity_years: 2
          dcv_method: email
        certificates:
          four:
            common_name: four.example.com
            csr: x
          five:
            common_name: five.example.com
            csr: x
            product: ssl_dv_geotrust
            shape: round
        ---
        apiVersion: certform/v1
        defaults: {}
        certificates:
          six:
            common_name: six.example.com
            csr: x
            dcv_method: http-token
          seven:
            common_name: seven.example.com
            csr: x
            validity_years: 3
            colour: red
        """
        let documents = try YAMLParser.parse(text).documents.map { document -> (defaults: [YAMLPair], entries: [YAMLPair]) in
            guard case .mapping(let top) = document.kind,
                  let defaultsPair = top.first(where: { $0.key.scalarValue == "defaults" }),
                  case .mapping(let defaults) = defaultsPair.value.kind,
                  let certificates = top.first(where: { $0.key.scalarValue == "certificates" }),
                  case .mapping(let entries) = certificates.value.kind else { return ([], []) }
            return (defaults, entries)
        }
        let asOf = CalendarDate(year: 2026, month: 12, day: 1)!
        // The first document's entries with its defaults, the second's with its own, then the
        // third's with the first's again: the memo must follow the array it is given.
        let order = [(entries: 0, defaults: 0), (1, 1), (2, 0)]
        var shared = DocumentReader(file: "m.yaml", asOf: asOf)
        var once: [String] = []
        for (entries, defaults) in order {
            for entry in documents[entries].entries {
                if let spec = shared.read(entry: entry, defaults: documents[defaults].defaults) { once.append(String(describing: spec)) }
            }
        }
        var afresh: [String] = []
        var messages: [String] = []
        for (entries, defaults) in order {
            let pairs = documents[defaults].defaults
            for entry in documents[entries].entries {
                var reader = DocumentReader(file: "m.yaml", asOf: asOf)
                // A copy in storage of its own: nothing worked out for another array is used.
                let copy = [YAMLPair](unsafeUninitializedCapacity: pairs.count) { buffer, count in
                    for (position, pair) in pairs.enumerated() { (buffer.baseAddress! + position).initialize(to: pair) }
                    count = pairs.count
                }
                if let spec = reader.read(entry: entry, defaults: copy) { afresh.append(String(describing: spec)) }
                messages += reader.diagnostics.map(\.message)
            }
        }
        #expect(once.count == 7)
        #expect(once.filter { $0.contains("validityYears: Optional(3)") }.count == 1)
        #expect(once.filter { $0.contains("validityYears: Optional(1)") }.count == 3)
        #expect(once == afresh)
        #expect(once.filter { $0.contains("ssl_dv_rapidssl") }.count == 1)
        // One reader reports a message once per place; readers of their own, once each.
        var seen: Set<String> = []
        #expect(shared.diagnostics.map(\.message) == messages.filter { seen.insert($0).inserted })
        #expect(messages.contains { $0.contains("unknown key 'flavour' in certificate 'two'") })
        #expect(messages.contains { $0.contains("unknown key 'shape' in certificate 'five'") })
        #expect(messages.contains { $0.contains("unknown key 'colour' in certificate 'seven'") })
    }
}
