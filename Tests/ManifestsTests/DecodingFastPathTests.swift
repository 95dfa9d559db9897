@testable import Manifests
import Dates
import Testing
import YAML
import Testing

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
        #expect(keys[.product]?.scalarValue == "ssl_dv_geotrust")
        #expect(keys[.comments]?.scalarValue == "later")
        #expect(keys[.comments]?.location.line == 6)
        #expect(keys[.locale] == nil)
        #expect(keys[.commonName] == nil)
        #expect(inherited[.comments]?.scalarValue == "shared")
        #expect(inherited[.locale]?.scalarValue == "en")
        // Where settings are written: the own comment is after a certificate on line 2.
        #expect(inherited.settingsPlaces(before: SourceLocation(line: 9, column: 1)) != nil)
        #expect(keys.settingsPlaces(before: SourceLocation(line: 2, column: 1)) == nil)
    }

    /// A certificate read with `defaults` worked out once per document equals one read with them
    /// applied afresh, and an unknown key of its own is still reported once per place.
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
        """
        let file = try YAMLParser.parse(text)
        guard case .mapping(let top) = file.documents[0].kind,
              let defaultsPair = top.first(where: { $0.key.scalarValue == "defaults" }),
              case .mapping(let defaults) = defaultsPair.value.kind,
              let certificates = top.first(where: { $0.key.scalarValue == "certificates" }),
              case .mapping(let entries) = certificates.value.kind else {
            Issue.record("the manifest did not parse as expected")
            return
        }
        var shared = DocumentReader(file: "m.yaml", asOf: .init(year: 2026, month: 12, day: 1)!)
        let once = entries.compactMap { shared.read(entry: $0, defaults: defaults) }
        var afresh: [CertificateSpec] = []
        var messages: [String] = []
        for entry in entries {
            // A new array each time: nothing worked out for one is used for the next.
            var reader = DocumentReader(file: "m.yaml", asOf: .init(year: 2026, month: 12, day: 1)!)
            if let spec = reader.read(entry: entry, defaults: Array(defaults)) { afresh.append(spec) }
            messages += reader.diagnostics.map(\.message)
        }
        #expect(once.map(\.name) == ["one", "two", "three"])
        #expect(once.map(\.dcvMethod) == afresh.map(\.dcvMethod))
        #expect(once.map(\.isValid) == afresh.map(\.isValid))
        #expect(once.map { $0.settings.validityYears } == [1, 1, nil])
        #expect(once.map { $0.settings.validityYears } == afresh.map { $0.settings.validityYears })
        #expect(once.map(\.dcvMethod) == [.dnsTXTToken, .httpToken, .dnsTXTToken])
        let sharedMessages = shared.diagnostics.map(\.message)
        #expect(sharedMessages.filter { $0.contains("unknown key 'flavour' in certificate 'two'") }.count == 1)
        #expect(sharedMessages.filter { $0.contains("unknown key 'flavour' in certificate 'three'") }.count == 1)
        #expect(Set(sharedMessages) == Set(messages))
    }
}
