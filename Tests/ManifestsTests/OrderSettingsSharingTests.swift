import CertCentralAPI
import CertformTestSupport
@testable import Manifests
import Testing
import YAML

/// Certificates with equal order settings share one copy of them (most come from `defaults`);
/// sharing must never let one certificate's settings show in another's.
@Suite struct OrderSettingsSharingTests {
    static let manifest = """
        apiVersion: certform/v1
        x-contacts:
          ops: &ops {first_name: Ana, last_name: Garcia, telephone: 555-0100, email: ops@example.com}
        x-notes:
          one: &note-one Note one
          two: &note-two Note two
        defaults:
          product: ssl_dv_geotrust
          validity_years: 1
          dcv_method: dns-txt-token
          comments: Managed by certform
          technical_contact: *ops
        certificates:
          a:
            common_name: a.example.com
            csr_file: a.csr
          b:
            common_name: b.example.com
            csr_file: b.csr
          own-comment:
            common_name: c.example.com
            csr_file: c.csr
            comments: Team C
          same-comment:
            common_name: d.example.com
            csr_file: d.csr
            comments: Team C
          inline-contact:
            common_name: e.example.com
            csr_file: e.csr
            technical_contact: {first_name: Ana, last_name: Garcia, telephone: 555-0100, email: ops@example.com}
          other-contact:
            common_name: f.example.com
            csr_file: f.csr
            technical_contact: {first_name: Lee, last_name: Chen, telephone: 555-0101, email: lee@example.com}
          alias-contact:
            common_name: g.example.com
            csr_file: g.csr
            technical_contact: *ops
          unset-comment:
            common_name: h.example.com
            csr_file: h.csr
            comments: ~
          note-one:
            common_name: i.example.com
            csr_file: i.csr
            comments: *note-one
          note-one-again:
            common_name: j.example.com
            csr_file: j.csr
            comments: *note-one
          note-two:
            common_name: k.example.com
            csr_file: k.csr
            comments: *note-two
          own-fields:
            common_name: l.example.com
            csr_file: l.csr
            custom_fields: [{metadata_id: 12, value: "Invoice 1"}]
          own-fields-and-comment:
            common_name: m.example.com
            csr_file: m.csr
            comments: Team M
            custom_fields: [{metadata_id: 12, value: "Invoice 2"}]
          own-comment-and-validity:
            common_name: n.example.com
            csr_file: n.csr
            comments: Team N
            validity_years: 2

        """

    static func specs() -> [String: CertificateSpec] {
        let result = ManifestLoader.read(bytes: Array(manifest.utf8), file: "m.yaml", asOf: Kit.asOf)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.certificates.allSatisfy { $0.isValid })
        return Dictionary(uniqueKeysWithValues: result.certificates.map { ($0.name, $0) })
    }

    @Test func settingsWrittenInTheSamePlacesAreOneCopy() throws {
        let specs = Self.specs()
        let a = try #require(specs["a"]), b = try #require(specs["b"])
        #expect(a.settingsIdentity == b.settingsIdentity)
        #expect(a.comments == "Managed by certform" && a.technicalContact?.email == "ops@example.com" && a.validityYears == 1)
        // An alias in the entry is the anchored node itself: the same places, the same copy.
        let alias = try #require(specs["alias-contact"])
        #expect(alias.settingsIdentity == a.settingsIdentity)
    }

    @Test func aCertificateWithASettingOfItsOwnHasItsOwnCopy() throws {
        let specs = Self.specs()
        let a = try #require(specs["a"])
        let own = try #require(specs["own-comment"]), same = try #require(specs["same-comment"])
        #expect(own.comments == "Team C" && same.comments == "Team C")
        #expect(own.settingsIdentity != a.settingsIdentity && same.settingsIdentity != a.settingsIdentity)
        #expect(own.technicalContact == a.technicalContact, "the rest still from defaults")

        // Written in the entry, even when equal to the anchored contact: its own copy, equal settings.
        let inline = try #require(specs["inline-contact"]), other = try #require(specs["other-contact"])
        #expect(inline.settings == a.settings && inline.settingsIdentity != a.settingsIdentity)
        #expect(other.technicalContact?.email == "lee@example.com" && other.settingsIdentity != a.settingsIdentity)

        // `~` unsets the default in this entry only.
        let unset = try #require(specs["unset-comment"])
        #expect(unset.comments == nil && unset.settingsIdentity != a.settingsIdentity)
        #expect(try #require(specs["b"]).comments == "Managed by certform")
    }

    @Test func changingOneCertificatesSettingsLeavesTheOthersAlone() throws {
        let specs = Self.specs()
        var a = try #require(specs["a"])
        let b = try #require(specs["b"])
        #expect(a.settingsIdentity == b.settingsIdentity)

        a.comments = "changed"
        #expect(a.comments == "changed")
        #expect(b.comments == "Managed by certform")
        #expect(a.settingsIdentity != b.settingsIdentity)

        var whole = b.settings
        whole.locale = "de"
        var c = b
        c.settings = whole
        #expect(c.locale == "de" && b.locale == nil)
        #expect(c.settingsIdentity != b.settingsIdentity)
    }

    /// Each settings key's place counts: two anchors for one key are two sets of settings.
    @Test func settingsFromDifferentAnchorsKeepTheirOwnValues() throws {
        let specs = Self.specs()
        let one = try #require(specs["note-one"]), again = try #require(specs["note-one-again"]), two = try #require(specs["note-two"])
        #expect(one.comments == "Note one" && again.comments == "Note one" && two.comments == "Note two")
        #expect(one.settingsIdentity == again.settingsIdentity && one.settingsIdentity != two.settingsIdentity)
        #expect(one.technicalContact?.email == "ops@example.com")
    }

    /// A certificate whose own settings are only `comments` and `custom_fields` holds those two
    /// over a copy of the rest (``OwnNotesOrderSettings``), and reads them as whole settings.
    @Test func ownCommentsAndCustomFieldsAreHeldOverTheRest() throws {
        let specs = Self.specs()
        let a = try #require(specs["a"])
        let own = try #require(specs["own-comment"]), same = try #require(specs["same-comment"])
        let fields = try #require(specs["own-fields"]), both = try #require(specs["own-fields-and-comment"])
        // The first such certificate holds the whole copy, and one whose notes are the same
        // shares it; the others hold their notes over it.
        #expect(own.sharedSettings is WholeOrderSettings && same.sharedSettings === own.sharedSettings)
        for spec in [fields, both] {
            let notes = try #require(spec.sharedSettings as? OwnNotesOrderSettings, "\(spec.name)")
            #expect(notes.base === own.sharedSettings)
            #expect(spec.technicalContact == a.technicalContact && spec.validityYears == 1 && spec.dcvMethod == .dnsTXTToken)
        }
        #expect(same.comments == "Team C" && same.customFields == nil)
        #expect(fields.comments == "Managed by certform" && fields.customFields == [CustomField(metadataID: 12, value: "Invoice 1")])
        #expect(both.comments == "Team M" && both.customFields == [CustomField(metadataID: 12, value: "Invoice 2")])
        var expected = a.settings
        expected.comments = "Team M"
        expected.customFields = [CustomField(metadataID: 12, value: "Invoice 2")]
        #expect(both.settings == expected)
        #expect(Set([own, same, fields, both].map(\.settingsIdentity)).count == 3)
        // Another setting of its own: a whole copy.
        let validity = try #require(specs["own-comment-and-validity"])
        #expect(validity.sharedSettings is WholeOrderSettings && validity.validityYears == 2 && validity.comments == "Team N")
        // Changed, a spec gets whole settings of its own, and the one it shared keeps its notes.
        var changed = same
        changed.comments = "changed"
        #expect(changed.sharedSettings is WholeOrderSettings && changed.comments == "changed" && changed.technicalContact == a.technicalContact)
        #expect(same.comments == "Team C" && own.comments == "Team C")
    }

    /// The fields few certificates write are held behind one reference, shared by the
    /// certificates read one after another that write the same (a `server_platform` in
    /// `defaults`), and each keeps its own.
    @Test func rareFieldsWrittenAlikeAreOneCopy() throws {
        let text = """
            apiVersion: certform/v1
            defaults: {product: ssl_dv_geotrust, validity_years: 1, dcv_method: dns-txt-token, server_platform: {id: 45}}
            certificates:
              a: {common_name: a.example.com, csr_file: a.csr}
              b: {common_name: b.example.com, csr_file: b.csr}
              c: {common_name: c.example.com, csr_file: c.csr, moved_from: old-c}
              d: {common_name: d.example.com, csr_file: d.csr, server_platform: {id: 2}}
              e: {common_name: e.example.com, csr_file: e.csr}

            """
        let result = ManifestLoader.read(bytes: Array(text.utf8), file: "m.yaml", asOf: Kit.asOf)
        let specs = Dictionary(uniqueKeysWithValues: result.certificates.map { ($0.name, $0) })
        let a = try #require(specs["a"]), b = try #require(specs["b"]), c = try #require(specs["c"])
        let d = try #require(specs["d"]), e = try #require(specs["e"])
        #expect([a, b, c, e].allSatisfy { $0.serverPlatformID == 45 } && d.serverPlatformID == 2)
        #expect(c.movedFrom == "old-c" && [a, b, d, e].allSatisfy { $0.movedFrom == nil })
        #expect(a.storage.fields.rare === b.storage.fields.rare && a.storage.fields.rare != nil)
        #expect(c.storage.fields.rare !== a.storage.fields.rare && d.storage.fields.rare !== a.storage.fields.rare)
        var changed = b
        changed.serverPlatformID = 7
        #expect(changed.serverPlatformID == 7 && a.serverPlatformID == 45 && b.serverPlatformID == 45)
    }

    /// The pool shares by places, but never hands out settings that differ from those asked for.
    @Test func thePoolNeverHandsOutOtherSettingsForTheSamePlaces() {
        var pool = OrderSettingsPool()
        let places: SettingsPlaces = [YAML.SourceLocation(line: 3, column: 5), nil]
        var first = OrderSettings(dcvMethod: .dnsTXTToken, validityYears: 1)
        first.comments = "first"
        var second = first
        second.comments = "second"
        let a = pool.share(first, writtenAt: places), b = pool.share(second, writtenAt: places)
        #expect(a.value == first && b.value == second && a !== b)
        #expect(pool.share(first, writtenAt: nil) !== a, "a certificate's own settings are never pooled")
        // Own notes over a copy whose other settings differ: never; a whole copy instead.
        let own: SettingsPlaces = [YAML.SourceLocation(line: 3, column: 5), EffectiveKeys.ownPlace]
        let base = pool.share(first, writtenAt: own)
        var other = second
        other.validityYears = 3
        let c = pool.share(other, writtenAt: own), d = pool.share(second, writtenAt: own)
        #expect(c is WholeOrderSettings && c.value == other)
        #expect((d as? OwnNotesOrderSettings)?.base === base && d.value == second)
    }

    /// The settings few certificates write read and write as the others do, and settings whose
    /// rare fields were set and cleared again equal settings that never had them.
    @Test func rareSettingsSetAndClearedLeaveEqualSettings() {
        let plain = OrderSettings(dcvMethod: .dnsTXTToken, validityYears: 1)
        var changed = plain
        changed.validityDays = 90
        changed.customExpirationDate = "2027-01-01"
        changed.orderValidity = OrderValidity(years: 2)
        changed.autoReissue = 1
        changed.customRenewalMessage = "m"
        changed.disableRenewalNotifications = true
        changed.paymentMethod = .card
        changed.dcvEmails = [DCVEmail(dnsName: "a.example.com", emailDomain: "example.com")]
        changed.locale = "de"
        changed.disableCT = false
        changed.containerID = 7
        #expect(changed != plain)
        #expect(changed.validityDays == 90 && changed.customExpirationDate == "2027-01-01" && changed.orderValidity == OrderValidity(years: 2))
        #expect(changed.autoReissue == 1 && changed.customRenewalMessage == "m" && changed.disableRenewalNotifications == true)
        #expect(changed.paymentMethod == .card && changed.dcvEmails?.count == 1 && changed.locale == "de")
        #expect(changed.disableCT == false && changed.containerID == 7 && plain.locale == nil)
        (changed.validityDays, changed.customExpirationDate, changed.orderValidity, changed.autoReissue) = (nil, nil, nil, nil)
        (changed.customRenewalMessage, changed.disableRenewalNotifications, changed.paymentMethod) = (nil, nil, nil)
        (changed.dcvEmails, changed.locale, changed.disableCT, changed.containerID) = (nil, nil, nil, nil)
        #expect(changed == plain && changed.hashValue == plain.hashValue)
    }
}
