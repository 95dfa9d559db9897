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
        for (alphabet, longest) in [(["a", "0", "-", ".", "*", "Z", "_", "é"], 5), (["a", "0", "-", "."], 7)] {
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
        #expect(places.filter { $0 == EffectiveKeys.ownPlace }.count == 2)
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
