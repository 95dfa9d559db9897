import CertCentralAPI
import CertformTestSupport
import Dates
import Foundation
import JSON
import Manifests
@testable import Plans
import Testing

/// The settings digest is built without the generic encoder; it must be the digest of exactly the
/// JSON the order body's `Encodable` conformance writes (less `certificate`), for every field.
@Suite struct SettingsDigestTests {
    /// The settings as they were computed before: the encoded order body without `certificate`.
    static func encoded(_ spec: CertificateSpec) -> JSONValue {
        guard case .object(var object) = RequestBody.settings(of: spec).jsonValue else { return .null }
        object.removeValue(forKey: "certificate")
        return .object(object)
    }

    static func expectSame(_ spec: CertificateSpec) {
        #expect(String(decoding: SettingsWriter.compact(spec.settings), as: UTF8.self) == JSONWriter.compact(encoded(spec)), "\(spec.name)")
        #expect(SpecDigest.settings(of: spec) == RequestBody.digest(encoded(spec)), "\(spec.name)")
    }

    @Test func everyFieldIsWrittenAsTheEncoderWritesIt() {
        var spec = Fixture.spec()
        Self.expectSame(spec)
        spec.validityYears = nil
        spec.validityDays = 397
        spec.customExpirationDate = "2027-10-01"
        spec.comments = "Team \"ops\"\n\u{1B}[31m \u{2014} \u{FC}n\u{EF}c\u{F6}d\u{E9} \u{202E}"
        spec.autoRenew = 0
        spec.autoReissue = 1
        spec.customRenewalMessage = "renew me"
        spec.disableRenewalNotifications = true
        spec.paymentMethod = .card
        spec.dcvMethod = .email
        spec.dcvEmails = [DCVEmail(dnsName: "example.com", emailDomain: "example.com", email: "admin@example.com"),
                          DCVEmail(dnsName: "www.example.com", emailDomain: "example.com")]
        spec.locale = "zh_CN"
        spec.skipApproval = false
        spec.disableCT = true
        spec.containerID = 42
        spec.customFields = [CustomField(metadataID: 12, value: "Invoice #1"), CustomField(metadataID: 13, value: "")]
        spec.technicalContact = TechnicalContact(firstName: "Jim", lastName: "Smith", telephone: "555", jobTitle: "Admin", email: "jim@example.com")
        spec.organizationUnits = ["Ops"]
        spec.serverPlatformID = 45
        Self.expectSame(spec)
        spec.technicalContact?.jobTitle = nil
        spec.orderValidity = OrderValidity(days: 30)
        spec.validityDays = nil
        spec.customExpirationDate = nil
        Self.expectSame(spec)
        spec.orderValidity = OrderValidity(years: 2, customExpirationDate: "2028-01-01")
        Self.expectSame(spec)
    }

    @Test func theShippedManifestsAndTheCorpusGiveTheSameDigests() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        var count = 0
        for directory in ["manifests", "Tests/Corpus/schema"] {
            let set = ManifestLoader(directory: root + "/" + directory, asOf: CalendarDate("2026-12-01")!, checksCSRs: false).load()
            for spec in set.certificates {
                Self.expectSame(spec)
                count += 1
            }
        }
        #expect(count >= 7)
    }

    /// The planner works the digest out once per shared copy of settings, before deciding; a
    /// certificate whose settings were changed after loading has a copy of its own, worked out
    /// when it is decided (not held for the whole plan), and its own answer.
    @Test func aDigestWorkedOutOncePerSharedCopyIsEachCertificatesOwn() {
        let a = Fixture.spec("a")
        var b = a
        b.name = "b"  // a copy: the same settings, shared
        var c = a
        c.name = "c"
        c.comments = "changed after loading"
        #expect(a.settingsIdentity == b.settingsIdentity && a.settingsIdentity != c.settingsIdentity)

        let (digests, parts) = Planner.settingsDigests([a, b, c])
        #expect(digests.count == 1 && parts.isEmpty)
        #expect(digests[a.settingsIdentity]?.text == SpecDigest.settings(of: a))
        #expect(digests[c.settingsIdentity] == nil)

        let recorded = { (orderID: Int) in Fixture.record(for: a, orderID: orderID) }
        let plan = Fixture.plan([a, b, c], Fixture.state(["a": recorded(1), "b": recorded(2), "c": recorded(3)]))
        let notes = Dictionary(uniqueKeysWithValues: plan.changes.map { ($0.name, $0.notes) })
        #expect(notes["a"] == [] && notes["b"] == [])
        #expect(notes["c"] == ["order settings changed (validity, comments, contacts, custom fields, payment, DCV…); they take effect at the next order"])
        #expect(plan.changes.allSatisfy { $0.action == .none })
        // Nothing downstream reads the digests of a change that sends nothing.
        #expect(plan.changes.allSatisfy { $0.specDigest == nil && $0.settingsDigest == nil })
    }

    /// A change that sends a request keeps both digests: the plan file carries them and the new
    /// state record takes them.
    @Test func aChangeThatSendsARequestKeepsItsDigests() throws {
        let a = Fixture.spec("a")
        var b = a
        b.name = "b"
        let plan = Fixture.plan([a, b], Fixture.state([:]))
        #expect(plan.changes.map(\.action) == [.create, .create])
        for change in plan.changes {
            #expect(change.specDigest?.hasPrefix("sha256:") == true)
            #expect(change.settingsDigest == SpecDigest.settings(of: a))
        }
    }

    /// Certificates with their own `comments` and `custom_fields` over a shared copy of the rest
    /// (``CertificateSpec/ownNotes``): the rest is written once per shared copy
    /// (``SettingsWriter/Parts``), and each certificate's settings must still be written, and
    /// digested, exactly as its whole settings are — with members on both sides of each note.
    static let notesManifest = """
        apiVersion: certform/v1
        x-contacts:
          ops: &ops {first_name: Ana, last_name: Garcia, telephone: 555-0100, email: ops@example.com}
          dev: &dev {first_name: Lee, last_name: Chen, telephone: 555-0101, email: dev@example.com}
        defaults:
          product: ssl_dv_geotrust
          validity_years: 1
          dcv_method: dns-txt-token
          auto_renew: 0
          auto_reissue: 0
          container: {id: 42}
          locale: de
          skip_approval: true
          comments: Managed by certform
          technical_contact: *ops
        certificates:
          plain:
            common_name: a.example.com
            csr: x
          own-comment:
            common_name: b.example.com
            csr: x
            comments: "Team \\"B\\" \\u00FC"
          other-comment:
            common_name: c.example.com
            csr: x
            comments: Team C
          own-fields:
            common_name: d.example.com
            csr: x
            custom_fields: [{metadata_id: 12, value: "Invoice 1"}, {metadata_id: 13, value: ""}]
          both:
            common_name: e.example.com
            csr: x
            comments: Team E
            custom_fields: [{metadata_id: 12, value: "Invoice 2"}]
          no-comment:
            common_name: f.example.com
            csr: x
            comments: ~
          other-contact:
            common_name: g.example.com
            csr: x
            technical_contact: *dev
            comments: Team G
          other-contact-too:
            common_name: h.example.com
            csr: x
            technical_contact: *dev
            comments: Team H

        """

    @Test func settingsWrittenInPartsAreTheWholeSettingsWritten() throws {
        let set = ManifestLoader(directory: ".", asOf: Fixture.today, checksCSRs: false).load(text: Self.notesManifest, file: "m.yaml")
        #expect(set.diagnostics.isEmpty, "\(set.diagnostics)")
        #expect(set.certificates.count == 8)
        let (_, parts) = Planner.settingsDigests(set.certificates)
        var withNotes = Set<String>()
        for spec in set.certificates {
            guard let notes = spec.ownNotes else { continue }
            let shared = try #require(parts[notes.sharedIdentity], "\(spec.name)")
            let written = shared.compact(comments: notes.comments, customFields: notes.customFields)
            #expect(String(decoding: written, as: UTF8.self) == String(decoding: SettingsWriter.compact(spec.settings), as: UTF8.self), "\(spec.name)")
            #expect(written == SettingsWriter.compact(spec.settings), "\(spec.name)")
            withNotes.insert(spec.name)
        }
        // Two shared copies (one per contact), each under certificates with notes of their own.
        #expect(withNotes.isSuperset(of: ["other-comment", "own-fields", "both", "other-contact-too"]), "\(withNotes)")
        #expect(parts.count == 2)

        // The planner's digests: a record made with the whole settings' digest finds them
        // unchanged; one made with another certificate's settings finds them changed.
        let specs = set.certificates.map { spec in
            var spec = spec
            spec.csrSummary = CSRSummary(publicKeySHA256: "key-1", names: [spec.commonName], keyDescription: "ECDSA P-256")
            return spec
        }
        #expect(specs.filter { $0.ownNotes != nil }.count == withNotes.count, "a summary set leaves the settings shared")
        var records = Dictionary(uniqueKeysWithValues: specs.enumerated().map { ($1.name, Fixture.record(for: $1, orderID: 1001 + $0)) })
        let plan = Fixture.plan(specs, Fixture.state(records))
        #expect(plan.changes.allSatisfy { $0.action == .none && $0.notes.isEmpty }, "\(plan.changes.filter { !$0.notes.isEmpty }.map(\.name))")
        for (name, other) in [("both", "own-fields"), ("own-fields", "both"), ("other-contact-too", "other-contact")] {
            records[name]?.settingsDigest = SpecDigest.settings(of: try #require(specs.first { $0.name == other }))
        }
        let changed = Fixture.plan(specs, Fixture.state(records)).changes.filter { !$0.notes.isEmpty }.map(\.name)
        #expect(changed == ["both", "other-contact-too", "own-fields"])
    }

    /// The parts with every optional member around the notes there or not (an empty part before
    /// either note, where the commas matter): each of the 2^8 settings is written in parts as it
    /// is written whole.
    @Test func everyMixOfMembersAroundTheNotesIsWrittenWhole() {
        for mask in 0..<256 {
            var settings = OrderSettings(dcvMethod: .dnsTXTToken, validityYears: mask & 1 != 0 ? 1 : nil)
            if mask & 2 != 0 { settings.autoReissue = 0 }
            if mask & 4 != 0 { settings.autoRenew = 0 }
            if mask & 8 != 0 { settings.comments = "Team \"A\"" }
            if mask & 16 != 0 { settings.containerID = 7 }
            if mask & 32 != 0 { settings.customExpirationDate = "2027-10-01" }
            if mask & 64 != 0 { settings.customFields = [CustomField(metadataID: 12, value: "x"), CustomField(metadataID: 13, value: "")] }
            if mask & 128 != 0 { settings.technicalContact = TechnicalContact(firstName: "Jim", lastName: "Smith", telephone: "555", email: "j@example.com") }
            let parts = SettingsWriter.Parts(settings)
            let written = parts.compact(comments: settings.comments, customFields: settings.customFields)
            #expect(String(decoding: written, as: UTF8.self) == String(decoding: SettingsWriter.compact(settings), as: UTF8.self), "\(mask)")
        }
    }

    /// The planner compares a record's settings digest as held (32 bytes) with the one it works
    /// out: the same answer as comparing their text — equal only to the lowercase digest itself;
    /// a digest written another way (upper case, another length, another algorithm) is changed
    /// settings, and a record without one has nothing to compare.
    @Test func aRecordedSettingsDigestMatchesOnlyItsOwnText() {
        let spec = Fixture.spec("a")
        let digest = SpecDigest.settings(of: spec)
        let note = "order settings changed (validity, comments, contacts, custom fields, payment, DCV…); they take effect at the next order"
        for (recorded, changed) in [(digest, false), ("sha256:" + digest.dropFirst(7).uppercased(), true), (String(digest.dropLast()), true),
                                    ("sha1:" + digest.dropFirst(7), true), (digest + " ", true), (nil, false)] as [(String?, Bool)] {
            var record = Fixture.record(for: spec)
            record.settingsDigest = recorded
            let change = Fixture.plan([spec], Fixture.state(["a": record])).changes[0]
            #expect(change.notes == (changed ? [note] : []), "\(String(describing: recorded))")
        }
    }
}
