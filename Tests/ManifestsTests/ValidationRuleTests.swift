import Foundation
import Manifests
import Testing

/// One rule of SPEC §2.2: a manifest, and the error it must produce (nil: it must be valid).
struct RuleCase: CustomTestStringConvertible, Sendable {
    var label: String
    var fields: [String]
    var csrNames: [String]? = nil
    /// `line:column` and a fragment of the message; nil when the manifest is valid.
    var expected: (String, String)?

    var testDescription: String { label }
}

@Suite struct ValidationRuleTests {
    static let cases: [RuleCase] = [
        RuleCase(label: "the base manifest is valid", fields: Kit.fields(), expected: nil),
        // Keys and types.
        RuleCase(label: "unknown key with suggestion", fields: Kit.fields(adding: ["dns_name: [a.example.com]"]),
                 expected: ("8:5", "unknown key 'dns_name' in certificate 'web'; did you mean 'dns_names'?")),
        RuleCase(label: "unknown key without close match", fields: Kit.fields(adding: ["colour: blue"]),
                 expected: ("8:5", "unknown key 'colour' in certificate 'web'")),
        RuleCase(label: "renewal_of_order_id is certform's", fields: Kit.fields(adding: ["renewal_of_order_id: 12"]),
                 expected: ("8:5", "certform sets 'renewal_of_order_id' from state")),
        RuleCase(label: "renewed_thumbprint is certform's", fields: Kit.fields(adding: ["renewed_thumbprint: AB"]),
                 expected: ("8:5", "certform sets 'renewed_thumbprint' from state")),
        RuleCase(label: "boolean true/false only", fields: Kit.fields(adding: ["skip_approval: yes"]),
                 expected: ("8:20", "'skip_approval' of certificate 'web' must be true or false, found 'yes'")),
        RuleCase(label: "boolean accepts false", fields: Kit.fields(adding: ["skip_approval: false"]), expected: nil),
        RuleCase(label: "quoted boolean is a string", fields: Kit.fields(adding: ["disable_ct: \"true\""]),
                 expected: ("8:17", "must be true or false")),
        RuleCase(label: "integer must be decimal", fields: Kit.fields(replacing: "validity_years", with: "validity_years: 0x1"),
                 expected: ("6:21", "'validity_years' of certificate 'web' must be a decimal integer, found '0x1'")),
        RuleCase(label: "integer must not be quoted", fields: Kit.fields(replacing: "validity_years", with: "validity_years: '1'"),
                 expected: ("6:21", "must be a decimal integer")),
        RuleCase(label: "validity_days at least 1", fields: Kit.fields(replacing: "validity_years", with: "validity_days: 0"),
                 expected: ("6:20", "validity_days of certificate 'web' must be from 1 to 1095 (an order lasts at most three years), found 0")),
        RuleCase(label: "validity required", fields: Kit.fields(replacing: "validity_years", with: nil),
                 expected: ("3:3", "certificate 'web' has no validity: one of validity_years, validity_days, custom_expiration_date or order_validity is required, after defaults")),
        RuleCase(label: "list expected", fields: Kit.fields(adding: ["dns_names: a.example.com"]),
                 expected: ("8:16", "'dns_names' of certificate 'web' must be a list, found 'a.example.com'")),
        RuleCase(label: "mapping expected", fields: Kit.fields(adding: ["server_platform: [2]"]),
                 expected: ("8:22", "'server_platform' of certificate 'web' must be a mapping, found a list")),
        RuleCase(label: "nested unknown key", fields: Kit.fields(adding: ["server_platform: {idd: 2}"]),
                 expected: ("8:23", "unknown key 'idd' in server_platform of certificate 'web'; did you mean 'id'?")),
        RuleCase(label: "product must be known", fields: Kit.fields(replacing: "product", with: "product: ssl_dv_geotrus"),
                 expected: ("4:14", "did you mean 'ssl_dv_geotrust'?")),
        RuleCase(label: "product required", fields: Kit.fields(replacing: "product", with: nil),
                 expected: ("3:3", "certificate 'web' is missing 'product'")),
        RuleCase(label: "dcv_method must be known", fields: Kit.fields(replacing: "dcv_method", with: "dcv_method: dns"),
                 expected: ("7:17", "'dcv_method' of certificate 'web' must be one of")),
        RuleCase(label: "payment_method must be known", fields: Kit.fields(adding: ["payment_method: cash"]),
                 expected: ("8:21", "'payment_method' of certificate 'web' must be one of balance, card, profile")),
        RuleCase(label: "renew_before_days 1 to 365", fields: Kit.fields(adding: ["renew_before_days: 400"]),
                 expected: ("8:24", "renew_before_days of certificate 'web' must be from 1 to 365")),
        RuleCase(label: "locale code", fields: Kit.fields(adding: ["locale: english"]),
                 expected: ("8:13", "locale 'english' of certificate 'web' is not a locale code")),
        RuleCase(label: "locale zh_CN", fields: Kit.fields(adding: ["locale: zh_CN"]), expected: nil),
        RuleCase(label: "technical contact needs its four fields", fields: Kit.fields(adding: ["technical_contact: {first_name: Jim, last_name: Smith, email: jim@example.com}"]),
                 expected: ("8:24", "technical_contact of certificate 'web' needs 'telephone'")),
        RuleCase(label: "custom field needs value", fields: Kit.fields(adding: ["custom_fields: [{metadata_id: 12}]"]),
                 expected: ("8:21", "a custom_fields entry of certificate 'web' needs 'value'")),
        RuleCase(label: "csr and csr_file both", fields: Kit.fields(adding: ["csr_file: a.csr", "csr: x"]),
                 expected: ("9:10", "sets both 'csr' and 'csr_file'")),
        RuleCase(label: "moved_from must be a name", fields: Kit.fields(adding: ["moved_from: Old Name"]),
                 expected: ("8:17", "moved_from 'Old Name' of certificate 'web' is not a valid certificate name")),
        // DNS names.
        RuleCase(label: "uppercase suggests lowercase", fields: Kit.fields(replacing: "common_name", with: "common_name: Example.COM"),
                 csrNames: ["example.com"], expected: ("5:18", "'Example.COM' has uppercase letters; write 'example.com'")),
        RuleCase(label: "one label is not enough", fields: Kit.fields(replacing: "common_name", with: "common_name: localhost"),
                 expected: ("5:18", "'localhost' needs at least two labels")),
        RuleCase(label: "label cannot start with hyphen", fields: Kit.fields(adding: ["dns_names: [-a.example.com]"]),
                 expected: ("8:17", "'-a.example.com' has a label that starts or ends with '-'")),
        RuleCase(label: "label at most 63", fields: Kit.fields(adding: ["dns_names: [\(String(repeating: "a", count: 64)).example.com]"]),
                 expected: ("8:17", "has a label longer than 63 characters")),
        RuleCase(label: "label of 63 is fine", fields: Kit.fields(adding: ["dns_names: [\(String(repeating: "a", count: 63)).example.com]"]), expected: nil),
        RuleCase(label: "name at most 253", fields: Kit.fields(adding: ["dns_names: [\(Array(repeating: String(repeating: "a", count: 60), count: 5).joined(separator: ".")).com]"]),
                 expected: ("8:17", "is longer than 253 characters")),
        RuleCase(label: "underscore is not allowed", fields: Kit.fields(adding: ["dns_names: [a_b.example.com]"]),
                 expected: ("8:17", "has the character '_'")),
        RuleCase(label: "internationalized names in punycode", fields: Kit.fields(adding: ["dns_names: [bücher.example.com]"]),
                 expected: ("8:17", "give internationalized names in punycode")),
        RuleCase(label: "punycode is accepted", fields: Kit.fields(adding: ["dns_names: [xn--bcher-kva.example.com]"]), expected: nil),
        RuleCase(label: "dns_names without duplicates", fields: Kit.fields(adding: ["dns_names: [a.example.com, a.example.com]"]),
                 expected: ("8:32", "duplicate name 'a.example.com' in dns_names (first at line 8)")),
        RuleCase(label: "dns_names must not repeat common_name", fields: Kit.fields(adding: ["dns_names: [example.com]"]),
                 expected: ("8:17", "dns_names repeats the common_name 'example.com'")),
        // Wildcards.
        RuleCase(label: "wildcard needs a wildcard product", fields: Kit.fields(replacing: "common_name", with: "common_name: '*.example.com'"),
                 expected: ("5:18", "is a wildcard, which product 'ssl_dv_geotrust' cannot secure")),
        RuleCase(label: "wildcard product needs wildcard common_name", fields: Kit.fields(replacing: "product", with: "product: wildcard_dv_geotrust"),
                 expected: ("5:18", "product 'wildcard_dv_geotrust' needs a wildcard common_name such as '*.example.com'")),
        RuleCase(label: "wildcard product with wildcard name", fields: ["product: wildcard_dv_rapidssl", "common_name: '*.example.com'", "validity_years: 1", "dcv_method: dns-txt-token"], expected: nil),
        RuleCase(label: "wildcard only as first label", fields: ["product: wildcard_dv_rapidssl", "common_name: '*.example.com'", "validity_years: 1", "dcv_method: dns-txt-token", "dns_names: [a.*.example.com]"],
                 expected: ("8:17", "has a wildcard that is not the first label")),
        RuleCase(label: "http-token cannot validate a wildcard", fields: ["product: wildcard_dv_rapidssl", "common_name: '*.example.com'", "validity_years: 1", "dcv_method: http-token"],
                 expected: ("7:17", "dcv_method 'http-token' cannot validate a wildcard name")),
        // DCV e-mails.
        RuleCase(label: "dcv_emails valid", fields: Kit.fields(replacing: "dcv_method", with: "dcv_method: email", adding: ["dns_names: [a.b.example.com]", "dcv_emails: [{dns_name: a.b.example.com, email_domain: example.com, email: admin@b.example.com}]"]), expected: nil),
        RuleCase(label: "dcv_emails only with email", fields: Kit.fields(adding: ["dcv_emails: [{dns_name: example.com, email_domain: example.com}]"]),
                 expected: ("8:17", "dcv_emails of certificate 'web' is only used with dcv_method 'email'")),
        RuleCase(label: "dcv_emails dns_name must be on the certificate", fields: Kit.fields(replacing: "dcv_method", with: "dcv_method: email", adding: ["dcv_emails: [{dns_name: other.com, email_domain: other.com}]"]),
                 expected: ("8:29", "dcv_emails dns_name 'other.com' of certificate 'web' is neither the common_name nor one of dns_names")),
        RuleCase(label: "dcv_emails email_domain must be a parent", fields: Kit.fields(replacing: "dcv_method", with: "dcv_method: email", adding: ["dcv_emails: [{dns_name: example.com, email_domain: sub.example.com}]"]),
                 expected: ("8:56", "dcv_emails email_domain 'sub.example.com' is not 'example.com' or a parent domain of it")),
        RuleCase(label: "dcv_emails email_domain not a top-level domain", fields: Kit.fields(replacing: "dcv_method", with: "dcv_method: email", adding: ["dcv_emails: [{dns_name: example.com, email_domain: com}]"]),
                 expected: ("8:56", "dcv_emails email_domain 'com' is not 'example.com' or a parent domain of it (a top-level domain alone is not one)")),
        RuleCase(label: "dcv_emails names a name once", fields: Kit.fields(replacing: "dcv_method", with: "dcv_method: email", adding: ["dcv_emails: [{dns_name: example.com, email_domain: example.com}, {dns_name: example.com, email_domain: example.com, email: it@example.com}]"]),
                 expected: ("8:70", "dcv_emails of certificate 'web' names 'example.com' twice; give each name one entry")),
        RuleCase(label: "dcv_emails email in the domain", fields: Kit.fields(replacing: "dcv_method", with: "dcv_method: email", adding: ["dcv_emails: [{dns_name: example.com, email_domain: example.com, email: admin@example.org}]"]),
                 expected: ("8:76", "dcv_emails email 'admin@example.org' is not an address in 'example.com'")),
        RuleCase(label: "dcv_emails entry needs email_domain", fields: Kit.fields(replacing: "dcv_method", with: "dcv_method: email", adding: ["dcv_emails: [{dns_name: example.com}]"]),
                 expected: ("8:18", "a dcv_emails entry of certificate 'web' needs 'email_domain'")),
        // Dates.
        RuleCase(label: "custom_expiration_date valid", fields: Kit.fields(adding: ["custom_expiration_date: 2027-06-01"]), expected: nil),
        RuleCase(label: "custom_expiration_date must be real", fields: Kit.fields(adding: ["custom_expiration_date: 2027-02-30"]),
                 expected: ("8:29", "custom_expiration_date '2027-02-30' of certificate 'web' is not a real date")),
        RuleCase(label: "custom_expiration_date in the future", fields: Kit.fields(adding: ["custom_expiration_date: 2026-11-29"]),
                 expected: ("8:29", "is not after the as-of date 2026-11-29")),
        // CSR names.
        RuleCase(label: "CSR names must be declared", fields: Kit.fields(), csrNames: ["example.com", "evil.example.net"],
                 expected: ("8:10", "the CSR carries 'evil.example.net', which is not the common_name or in dns_names")),
        RuleCase(label: "CSR may carry a subset", fields: Kit.fields(adding: ["dns_names: [www.example.com]"]), csrNames: ["example.com"], expected: nil),
    ]

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
}
