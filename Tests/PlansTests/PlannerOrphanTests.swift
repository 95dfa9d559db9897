import Manifests
@testable import Plans
import States
import Testing

/// The planner builds the set of the manifests' names only when renames, intents, unsorted
/// specs or records no certificate found need it. Whatever path a plan takes, its orphans and its
/// order must be those of the long way: every record whose name is in no manifest and that no
/// rename adopts.
@Suite struct PlannerOrphanTests {
    /// What the plan says beyond the certificates, worked out the long way, with no shortcut: the
    /// records in no spec and not adopted by a spec's `moved_from` (a spec without a record of its
    /// own adopts its old name's) are orphans, or blocked when an intent names them; an intent
    /// for a name with neither a spec nor a record is blocked too.
    static func expectedExtras(_ specs: [CertificateSpec], _ records: [String: StateRecord],
                               intents: Set<String>) -> (orphans: [String], blocked: [String]) {
        let names = Set(specs.map(\.name))
        var adopted: Set<String> = []
        for spec in specs {
            if let old = spec.movedFrom, records[spec.name] == nil, records[old] != nil, !names.contains(old), !adopted.contains(old) {
                adopted.insert(old)
            }
        }
        let unfound = records.keys.filter { !names.contains($0) && !adopted.contains($0) }
        let blocked = unfound.filter(intents.contains) + intents.filter { !names.contains($0) && records[$0] == nil }
        return (unfound.filter { !intents.contains($0) }.sorted(), blocked.sorted())
    }

    /// A record with an order of its own: one order under two names blocks both (SPEC §4), which
    /// is not what these tests are about.
    static func record(for spec: CertificateSpec) -> StateRecord {
        Fixture.record(for: spec, orderID: spec.name.utf8.reduce(1000) { $0 &* 257 &+ Int($1) } & 0xFFFF_FFFF)
    }

    static func intent(_ name: String) -> Intent {
        Intent(id: "i-\(name)", name: name, action: .create, createdAt: "2026-11-30T10:00:00Z",
               requestDigest: "sha256:x", commonName: "\(name).example.com", product: .sslDVGeoTrust)
    }

    static func check(_ specs: [CertificateSpec], _ records: [String: StateRecord], intents: Set<String> = [], _ label: String) {
        let plan = Fixture.plan(specs, Fixture.state(records, intents: intents.sorted().map(Self.intent)))
        let expected = Self.expectedExtras(specs, records, intents: intents)
        let names = Set(specs.map(\.name))
        let orphans = plan.changes.filter { $0.action == .orphan }.map(\.name)
        let blocked = plan.changes.filter { $0.action == .blocked && !names.contains($0.name) }.map(\.name)
        #expect(orphans == expected.orphans, "\(label)")
        #expect(blocked == expected.blocked, "\(label): blocked names in no manifest")
        #expect(plan.changes.count == specs.count + orphans.count + blocked.count, "\(label)")
        #expect(plan.changes.map(\.name) == plan.changes.map(\.name).sorted(), "\(label): changes are in name order")
    }

    @Test func sortedCertificatesAndAnExtraRecord() {
        let specs = ["a", "b", "c"].map { Fixture.spec($0, commonName: "\($0).example.com") }
        var records = Dictionary(uniqueKeysWithValues: specs.map { ($0.name, Self.record(for: $0)) })
        Self.check(specs, records, "every record found")
        records["z"] = Self.record(for: Fixture.spec("z", commonName: "z.example.com"))
        Self.check(specs, records, "one record no certificate finds")
        records["a"] = nil
        Self.check(specs, records, "one certificate new, one record orphaned: as many found as there are certificates minus one")
    }

    /// Two certificates with one name (the loader never gives these, the planner's callers may):
    /// two finds of one record must not hide an orphan.
    @Test func aRepeatedNameDoesNotHideAnOrphan() {
        let a = Fixture.spec("a", commonName: "a.example.com")
        let z = Fixture.spec("z", commonName: "z.example.com")
        let records = ["a": Self.record(for: a), "z": Self.record(for: z)]
        Self.check([a, a], records, "a twice, z orphaned")
    }

    @Test func unsortedCertificates() {
        let specs = ["c", "a", "b"].map { Fixture.spec($0, commonName: "\($0).example.com") }
        var records = Dictionary(uniqueKeysWithValues: specs.map { ($0.name, Self.record(for: $0)) })
        records["m"] = Self.record(for: Fixture.spec("m", commonName: "m.example.com"))
        Self.check(specs, records, "unsorted, m orphaned")
    }

    /// Random small repositories: names from a small alphabet so that renames, adoptions, new
    /// certificates, orphans and intents all meet; now and then a name written twice.
    @Test func randomRepositoriesMatchTheLongWay() {
        var generator = Steps(state: 17)
        let names = ["a", "b", "c", "d", "e", "f"]
        for round in 0..<300 {
            var specs: [CertificateSpec] = []
            for name in names where Bool.random(using: &generator) {
                var spec = Fixture.spec(name, commonName: "\(name).example.com")
                if Int.random(in: 0..<4, using: &generator) == 0 { spec.movedFrom = names.randomElement(using: &generator) }
                specs.append(spec)
            }
            if Int.random(in: 0..<8, using: &generator) == 0, let twice = specs.randomElement(using: &generator) { specs.append(twice) }
            if Bool.random(using: &generator) { specs.shuffle(using: &generator) }
            var records: [String: StateRecord] = [:]
            for name in names where Bool.random(using: &generator) {
                records[name] = Self.record(for: Fixture.spec(name, commonName: "\(name)-\(round).example.com"))
            }
            // An intent now and then, on any name: a certificate's, a record's, or neither's.
            let intents = Set(names.filter { _ in Int.random(in: 0..<6, using: &generator) == 0 })
            Self.check(specs, records, intents: intents,
                       "round \(round): specs \(specs.map { "\($0.name)<-\($0.movedFrom ?? "")" }), records \(records.keys.sorted()), intents \(intents.sorted())")
        }
    }
}

/// Reproducible choices for the random repositories (SplitMix64's steps).
private struct Steps: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        let z = (state ^ (state >> 30)) &* 0xBF58_476D_1CE4_E5B9
        let y = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return y ^ (y >> 31)
    }
}
