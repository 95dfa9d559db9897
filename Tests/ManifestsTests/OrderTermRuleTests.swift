import CertCentralAPI
import CertformTestSupport
import Dates
import Manifests
import Testing

/// The order's term as CertCentral takes it today (SPEC §2.1, certcentral-api.md §8): at most
/// three years, by the root fields or the `order_validity` object, never both; and the renewal
/// flags: `auto_renew` 0 only, `auto_reissue` 0 or 1. Kit's as-of date is 2026-11-29.
@Suite struct OrderTermRuleTests {
    static let cases: [RuleCase] = [
        // Root fields.
        RuleCase(label: "validity_years 3 is a Multi-year Plan", fields: Kit.fields(replacing: "validity_years", with: "validity_years: 3"), expected: nil),
        RuleCase(label: "validity_years 4 is refused", fields: Kit.fields(replacing: "validity_years", with: "validity_years: 4"),
                 expected: ("6:21", "validity_years of certificate 'web' must be 1, 2 or 3 (an order lasts at most three years), found 4")),
        RuleCase(label: "validity_years 0 is refused", fields: Kit.fields(replacing: "validity_years", with: "validity_years: 0"),
                 expected: ("6:21", "must be 1, 2 or 3 (an order lasts at most three years), found 0")),
        RuleCase(label: "validity_days 1095", fields: Kit.fields(replacing: "validity_years", with: "validity_days: 1095"), expected: nil),
        RuleCase(label: "validity_days 1", fields: Kit.fields(replacing: "validity_years", with: "validity_days: 1"), expected: nil),
        RuleCase(label: "validity_days 1096 is refused", fields: Kit.fields(replacing: "validity_years", with: "validity_days: 1096"),
                 expected: ("6:20", "validity_days of certificate 'web' must be from 1 to 1095 (an order lasts at most three years), found 1096")),
        RuleCase(label: "custom_expiration_date exactly three years", fields: Kit.fields(adding: ["custom_expiration_date: 2029-11-29"]), expected: nil),
        RuleCase(label: "custom_expiration_date one day more", fields: Kit.fields(adding: ["custom_expiration_date: 2029-11-30"]),
                 expected: ("8:29", "custom_expiration_date '2029-11-30' of certificate 'web' is more than three years after the as-of date 2026-11-29; it must be 2029-11-29 or earlier")),
        RuleCase(label: "custom_expiration_date the day after as-of", fields: Kit.fields(adding: ["custom_expiration_date: 2026-11-30"]), expected: nil),
        RuleCase(label: "custom_expiration_date not after as-of", fields: Kit.fields(adding: ["custom_expiration_date: 2026-11-29"]),
                 expected: ("8:29", "custom_expiration_date '2026-11-29' of certificate 'web' is not after the as-of date 2026-11-29")),
        // order_validity.
        RuleCase(label: "order_validity years", fields: orderValidity("{years: 3}"), expected: nil),
        RuleCase(label: "order_validity days", fields: orderValidity("{days: 1095}"), expected: nil),
        RuleCase(label: "order_validity custom_expiration_date", fields: orderValidity("{custom_expiration_date: 2029-11-29}"), expected: nil),
        RuleCase(label: "order_validity in block style", fields: ["product: ssl_dv_geotrust", "common_name: example.com", "dcv_method: dns-txt-token", "order_validity:", "  days: 199"], expected: nil),
        RuleCase(label: "order_validity years 4", fields: orderValidity("{years: 4}"),
                 expected: ("6:29", "order_validity.years of certificate 'web' must be 1, 2 or 3 (an order lasts at most three years), found 4")),
        RuleCase(label: "order_validity days 1096", fields: orderValidity("{days: 1096}"),
                 expected: ("6:28", "order_validity.days of certificate 'web' must be from 1 to 1095 (an order lasts at most three years), found 1096")),
        RuleCase(label: "order_validity date one day more", fields: orderValidity("{custom_expiration_date: 2029-11-30}"),
                 expected: ("6:46", "order_validity.custom_expiration_date '2029-11-30' of certificate 'web' is more than three years after the as-of date 2026-11-29")),
        RuleCase(label: "order_validity date not after as-of", fields: orderValidity("{custom_expiration_date: 2026-11-01}"),
                 expected: ("6:46", "order_validity.custom_expiration_date '2026-11-01' of certificate 'web' is not after the as-of date 2026-11-29")),
        RuleCase(label: "order_validity date must be real", fields: orderValidity("{custom_expiration_date: 2027-02-30}"),
                 expected: ("6:46", "order_validity.custom_expiration_date '2027-02-30' of certificate 'web' is not a real date")),
        RuleCase(label: "order_validity with two keys", fields: orderValidity("{years: 1, days: 30}"),
                 expected: ("6:38", "order_validity of certificate 'web' sets 'years' and 'days'; give exactly one of years, days or custom_expiration_date")),
        RuleCase(label: "order_validity empty", fields: orderValidity("{}"),
                 expected: ("6:21", "order_validity of certificate 'web' needs one of years, days or custom_expiration_date")),
        RuleCase(label: "order_validity with a null inside", fields: orderValidity("{years: ~}"),
                 expected: ("6:21", "order_validity of certificate 'web' needs one of years, days or custom_expiration_date")),
        RuleCase(label: "order_validity with validity_years", fields: Kit.fields(adding: ["order_validity: {days: 199}"]),
                 expected: ("8:21", "certificate 'web' sets both 'order_validity' and 'validity_years'; give the order's term one way")),
        RuleCase(label: "order_validity with custom_expiration_date", fields: orderValidity("{days: 199}", more: ["custom_expiration_date: 2027-06-01"]),
                 expected: ("8:29", "certificate 'web' sets both 'order_validity' and 'custom_expiration_date'")),
        RuleCase(label: "order_validity unknown inner key", fields: orderValidity("{yeras: 1}"),
                 expected: ("6:22", "unknown key 'yeras' in order_validity of certificate 'web'; did you mean 'years'?; allowed: years, days, custom_expiration_date")),
        RuleCase(label: "order_validity must be a mapping", fields: orderValidity("3"),
                 expected: ("6:21", "'order_validity' of certificate 'web' must be a mapping, found '3'")),
        RuleCase(label: "order_validity years must be an integer", fields: orderValidity("{years: three}"),
                 expected: ("6:29", "'order_validity.years' of certificate 'web' must be a decimal integer, found 'three'")),
        // Renewal flags.
        RuleCase(label: "auto_renew 0", fields: Kit.fields(adding: ["auto_renew: 0"]), expected: nil),
        RuleCase(label: "auto_renew 1 is refused with the reason", fields: Kit.fields(adding: ["auto_renew: 1"]),
                 expected: ("8:17", "auto_renew: 1 turns on CertCentral's own renewal, which would place a second paid renewal beside the one certform places; certform renews — use 0 (or leave it out)")),
        RuleCase(label: "auto_renew 2 is refused", fields: Kit.fields(adding: ["auto_renew: 2"]),
                 expected: ("8:17", "auto_renew of certificate 'web' must be 0 (certform renews; CertCentral's own renewal stays off), found 2")),
        RuleCase(label: "auto_reissue 0", fields: Kit.fields(adding: ["auto_reissue: 0"]), expected: nil),
        RuleCase(label: "auto_reissue 1", fields: Kit.fields(replacing: "validity_years", with: "validity_years: 3", adding: ["auto_reissue: 1"]), expected: nil),
        RuleCase(label: "auto_reissue 2 is refused", fields: Kit.fields(adding: ["auto_reissue: 2"]),
                 expected: ("8:19", "auto_reissue of certificate 'web' must be 0 or 1")),
        RuleCase(label: "auto_reissue must be an integer", fields: Kit.fields(adding: ["auto_reissue: true"]),
                 expected: ("8:19", "'auto_reissue' of certificate 'web' must be a decimal integer, found 'true'")),
    ]

    /// The base fields with `order_validity: <value>` in place of validity_years (line 6, the
    /// value at column 21), then `more` from line 8.
    static func orderValidity(_ value: String, more: [String] = []) -> [String] {
        Kit.fields(replacing: "validity_years", with: "order_validity: \(value)", adding: more)
    }

    @Test(arguments: cases)
    func rule(_ rule: RuleCase) {
        let set = Kit.load(Kit.text(rule.fields, csrNames: rule.csrNames))
        let errors = Kit.errors(set)
        if let (position, fragment) = rule.expected {
            #expect(errors.contains { $0.hasPrefix(position + " ") && $0.contains(fragment) },
                    "expected \(position) '\(fragment)', got \(errors)")
            #expect(set.certificates.isEmpty)
        } else {
            #expect(errors.isEmpty, "\(errors)")
            #expect(set.certificates.map(\.name) == ["web"])
        }
    }

    @Test func orderValidityIsReadIntoTheSpecAsWritten() throws {
        let years = try #require(Kit.load(Kit.text(Self.orderValidity("{years: 3}"))).certificates.first)
        #expect(years.orderValidity == OrderValidity(years: 3))
        #expect(years.validityYears == nil && years.validityDays == nil && years.customExpirationDate == nil)
        let days = try #require(Kit.load(Kit.text(Self.orderValidity("{days: 199}"))).certificates.first)
        #expect(days.orderValidity == OrderValidity(days: 199))
        let date = try #require(Kit.load(Kit.text(Self.orderValidity("{custom_expiration_date: 2028-01-31}"))).certificates.first)
        #expect(date.orderValidity == OrderValidity(customExpirationDate: "2028-01-31"))
    }

    @Test func renewalFlagsAreReadIntoTheSpec() throws {
        let spec = try #require(Kit.load(Kit.text(Kit.fields(adding: ["auto_renew: 0", "auto_reissue: 1"]))).certificates.first)
        #expect(spec.autoRenew == 0)
        #expect(spec.autoReissue == 1)
        let plain = try #require(Kit.load(Kit.text(Kit.fields())).certificates.first)
        #expect(plain.autoRenew == nil && plain.autoReissue == nil && plain.orderValidity == nil)
    }

    /// Three calendar years after 29 February is 28 February.
    @Test func threeYearsAfterTheTwentyNinthOfFebruary() {
        let loader = ManifestLoader(directory: ".", asOf: CalendarDate("2028-02-29")!)
        let fine = loader.load(text: Kit.text(Kit.fields(adding: ["custom_expiration_date: 2031-02-28"])), file: "m.yaml")
        #expect(Kit.errors(fine).isEmpty, "\(Kit.errors(fine))")
        let late = loader.load(text: Kit.text(Kit.fields(adding: ["custom_expiration_date: 2031-03-01"])), file: "m.yaml")
        #expect(Kit.errors(late) == ["8:29 custom_expiration_date '2031-03-01' of certificate 'web' is more than three years after the as-of date 2028-02-29; it must be 2031-02-28 or earlier"])
    }

    /// order_validity counts as the required validity, also from defaults.
    @Test func orderValidityFromDefaultsIsTheValidity() throws {
        let csr = TestCSR.indented(Kit.csr(["a.example.com"]), by: 6)
        let text = """
        apiVersion: certform/v1
        defaults: {product: ssl_dv_geotrust, order_validity: {years: 2}, dcv_method: dns-txt-token}
        certificates:
          a:
            common_name: a.example.com
            csr: |
        \(csr)
        """
        let set = Kit.load(text)
        #expect(Kit.errors(set).isEmpty, "\(Kit.errors(set))")
        #expect(set.certificates.first?.orderValidity == OrderValidity(years: 2))
    }

    /// A root validity field from defaults next to a certificate's order_validity: the error says
    /// where the other one comes from and how to unset it; `~` unsets it.
    @Test func bothFormsWhenOneComesFromDefaults() throws {
        let csr = TestCSR.indented(Kit.csr(["a.example.com"]), by: 6)
        func text(_ unset: String) -> String {
            """
            apiVersion: certform/v1
            defaults: {product: ssl_dv_geotrust, validity_years: 1, dcv_method: dns-txt-token}
            certificates:
              a:
                common_name: a.example.com
                order_validity: {days: 199}\(unset)
                csr: |
            \(csr)
            """
        }
        #expect(Kit.errors(Kit.load(text(""))) == [
            "6:21 certificate 'a' sets both 'order_validity' and 'validity_years'; give the order's term one way: the order_validity object, or validity_years, validity_days and custom_expiration_date ('validity_years' comes from defaults: write 'validity_years: ~' in the certificate to unset it)",
        ])
        let unset = Kit.load(text("\n    validity_years: ~"))
        #expect(Kit.errors(unset).isEmpty, "\(Kit.errors(unset))")
        #expect(unset.certificates.first?.orderValidity == OrderValidity(days: 199))
        #expect(unset.certificates.first?.validityYears == nil)
    }

    /// A problem in defaults is reported once, worded for defaults, however many certificates use it.
    @Test func autoRenewOneInDefaultsIsReportedOnce() {
        let text = """
        apiVersion: certform/v1
        defaults: {product: ssl_dv_geotrust, validity_years: 1, dcv_method: email, auto_renew: 1}
        certificates:
          a: {common_name: a.example.com, csr: x}
          b: {common_name: b.example.com, csr: x}
        """
        let errors = Kit.errors(Kit.load(text)).filter { $0.contains("auto_renew") }
        #expect(errors == ["2:88 auto_renew: 1 turns on CertCentral's own renewal, which would place a second paid renewal beside the one certform places; certform renews — use 0 (or leave it out)"])
    }
}
