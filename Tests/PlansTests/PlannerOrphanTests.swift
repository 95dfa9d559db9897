import Manifests
@testable import Plans
import States
import Testing

/// The planner builds the set of the manifests' names only when renames, intents, unsorted
/// specs or records no certificate found need it. Whatever path a plan takes, its orphans and its
/// order must be those of the long way: every record whose name is in no manifest and that no
/// rename adopts.
@Suite struct PlannerOrphanTests {
    /// Orphans worked out the long way, with no shortcut: the names of records in no spec and not
    /// adopted by a spec's `moved_from` (a spec without a record of its own adopts its old name's).
    static func expectedOrphans(_ specs: [CertificateSpec], _ records: [String: StateRecord]) -> [String] {
        let names = Set(specs.map(\.name))
        var adopted: Set<String> = []
        for spec in specs {
            if let old = spec.movedFrom, records[spec.name] == nil, records[old] != nil, !names.contains(old), !adopted.contains(old) {
                adopted.insert(old)
            }
        }
        return records.keys.filter { !names.contains($0) && !adopted.contains($0) }.sorted()
    }

    static func check(_ specs: [CertificateSpec], _ records: [String: StateRecord], _ label: String) {
        let plan = Fixture.plan(specs, Fixture.state(records))
        let orphans = plan.changes.filter { $0.action == .orphan }.map(\.name)
        #expect(orphans == Self.expectedOrphans(specs, records), "\(label)")
        #expect(plan.changes.count == specs.count + orphans.count, "\(label)")
        #expect(plan.changes.map(\.name) == plan.changes.map(\.name).sorted(), "\(label): changes are in name order")
    }

    @Test func sortedCertificatesAndAnExtraRecord() {
        let specs = ["a", "b", "c"].map { Fixture.spec($0, commonName: "\($0).example.com") }
        var records = Dictionary(uniqueKeysWithValues: specs.map { ($0.name, Fixture.record(for: $0)) })
        Self.check(specs, records, "every record found")
        records["z"] = Fixture.record(for: Fixture.spec("z", commonName: "z.example.com"))
        Self.check(specs, records, "one record no certificate finds")
        records["a"] = nil
        Self.check(specs, records, "one certificate new, one record orphaned: as many found as there are certificates minus one")
    }

    /// Two certificates with one name (the loader never gives these, the planner's callers may):
    /// two finds of one record must not hide an orphan.
    @Test func aRepeatedNameDoesNotHideAnOrphan() {
        let a = Fixture.spec("a", commonName: "a.example.com")
        let z = Fixture.spec("z", commonName: "z.example.com")
        let records = ["a": Fixture.record(for: a), "z": Fixture.record(for: z)]
        Self.check([a, a], records, "a twice, z orphaned")
    }

    @Test func unsortedCertificates() {
        let specs = ["c", "a", "b"].map { Fixture.spec($0, commonName: "\($0).example.com") }
        var records = Dictionary(uniqueKeysWithValues: specs.map { ($0.name, Fixture.record(for: $0)) })
        records["m"] = Fixture.record(for: Fixture.spec("m", commonName: "m.example.com"))
        Self.check(specs, records, "unsorted, m orphaned")
    }

    /// Random small repositories: names from a small alphabet so that renames, adoptions, new
    /// certificates and orphans all meet.
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
            if Bool.random(using: &generator) { specs.shuffle(using: &generator) }
            var records: [String: StateRecord] = [:]
            for name in names where Bool.random(using: &generator) {
                records[name] = Fixture.record(for: Fixture.spec(name, commonName: "\(name)-\(round).example.com"))
            }
            Self.check(specs, records, "round \(round): specs \(specs.map { "\($0.name)<-\($0.movedFrom ?? "")" }), records \(records.keys.sorted())")
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
