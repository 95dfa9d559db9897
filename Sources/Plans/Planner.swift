import CertCentralAPI
import Dates
import Digests
import Foundation
import JSON
import Manifests
import Parallel
import States

/// Decides one action per certificate name from manifests, state and an as-of time (SPEC §4).
///
/// A pure function: no clock, no network, no file system. The same inputs always give the same
/// plan. It runs in time linear in the number of certificates.
public struct Planner: Sendable {
    /// The settings digest of each distinct copy of order settings being planned (see
    /// ``settingsDigests(_:)``); the specs that hold them outlive the plan, so the keys stay theirs.
    private var settingsDigests: [ObjectIdentifier: RecordDigest] = [:]
    /// The parts of the settings that certificates with their own notes share
    /// (``CertificateSpec/ownNotes``), by the shared copy's identity.
    private var sharedParts: [ObjectIdentifier: SettingsWriter.Parts] = [:]

    public init() {}

    /// Reads a certificate's CSR again for a request (``ManifestSet/resolveCSR(_:)``): specs
    /// loaded without their CSR text, or with a CSR a state record vouched for, get it this way
    /// when — and only when — their decision sends it.
    public typealias CSRResolver = @Sendable (CertificateSpec) -> Result<CertificateSpec, CSRFileError>

    public func plan(
        manifests specs: [CertificateSpec], state: State, asOf: Date,
        manifestsDigest: String = "", fileCount: Int = 0, resolveCSR: CSRResolver? = nil
    ) -> Plan {
        let asOfDay = CalendarDate(asOf)
        var intentsByName: [String: [Intent]] = [:]
        for intent in state.intents { intentsByName[intent.name, default: []].append(intent) }
        // Specs come sorted by name from the loader, so their names are unique. Then the set of
        // names is needed only for renames, intents and orphans, which most plans do not have
        // (building it for 100,000 certificates took 35–40 ms, on one core).
        let sortedUnique = specs.indices.dropFirst().allSatisfy { specs[$0 - 1].name < specs[$0].name }
        let hasRenames = specs.contains { $0.movedFrom != nil }
        var specNames = hasRenames || !intentsByName.isEmpty || !sortedUnique ? Set(specs.map(\.name)) : nil
        let (adopted, adoptedOld) = hasRenames ? Self.adoptions(specs, specNames: specNames!, state: state) : ([:], [])
        // With unique names, each certificate finds its own record or the one it adopts, never
        // another's: if they find as many records as the state holds, none is an orphan.
        let records = Self.records(of: specs, state: state, adopted: adopted)
        let found = records.reduce(0) { $1 == nil ? $0 : $0 + 1 }
        // Needed only for a certificate without a record (a create, unless the names are ordered elsewhere).
        let activeByNames = found < specs.count ? Self.activeOrdersByNames(state, except: adoptedOld) : [:]

        var planner = self
        (planner.settingsDigests, planner.sharedParts) = Self.settingsDigests(specs)
        var changes = planner.decideEach(specs, records: records, asOf: asOfDay, activeByNames: activeByNames,
                                         intentsByName: intentsByName, resolveCSR: resolveCSR)
        // Only a certificate with moved_from has more to say; the rest stay where they are.
        for index in specs.indices where specs[index].movedFrom != nil {
            changes[index] = Self.withRename(changes[index], spec: specs[index], adoptedFrom: adopted[specs[index].name], state: state)
        }
        var orphans: [Change] = []
        if specNames != nil || found < state.certificates.count {
            if specNames == nil { specNames = Set(specs.map(\.name)) }
            orphans = Self.orphans(state, specNames: specNames!, adoptedOld: adoptedOld, intentsByName: intentsByName)
        }
        changes += orphans
        Self.blockSharedOrders(&changes, state: state)
        // The changes are in the specs' order: sorting 100,000 large changes again is not free.
        if !orphans.isEmpty || !sortedUnique {
            changes.sort { $0.name < $1.name }
        }
        return Plan(asOf: asOf, manifestsDigest: manifestsDigest, stateLineage: state.lineage, stateSerial: state.serial,
                    certificateCount: specs.count, fileCount: fileCount, changes: changes)
    }

    /// Each certificate's change, in the specs' order, `records[i]` being the record `specs[i]`
    /// finds. A decision is independent of the others' (and most of the work is its digests), so
    /// they are made on every core; both arrays are read in place, no spec or record copied.
    func decideEach(_ specs: [CertificateSpec], records: [StateRecord?], asOf: CalendarDate, activeByNames: [String: [String]],
                    intentsByName: [String: [Intent]], resolveCSR: CSRResolver?) -> [Change] {
        specs.withUnsafeBufferPointer { specs in
            records.withUnsafeBufferPointer { records in
                nonisolated(unsafe) let (specs, records) = (specs, records)
                return ConcurrentMap.map(indices: specs.count) { index in
                    var change = decide(spec: specs[index], record: records[index], asOf: asOf, activeByNames: activeByNames,
                                        intents: intentsByName[specs[index].name] ?? [], resolveCSR: resolveCSR)
                    // Only a change that sends a request carries its digests on (into the plan
                    // file and the new record); the rest dropped them once decided (22 MB at 100,000).
                    if !change.action.isChange { (change.specDigest, change.settingsDigest) = (nil, nil) }
                    return change
                }
            }
        }
    }

    /// The record each of `specs` finds (its own, or the one it adopts), in their order: looked
    /// up once, on every core (a look-up per certificate is 25 ms of a plan of 100,000 on one),
    /// for counting the records found and for deciding.
    static func records(of specs: [CertificateSpec], state: State, adopted: [String: String]) -> [StateRecord?] {
        specs.withUnsafeBufferPointer { specs in
            nonisolated(unsafe) let specs = specs
            return ConcurrentMap.map(indices: specs.count, serialBelow: 4096) { index in
                let name = specs[index].name
                return state.certificates[adopted.isEmpty ? name : adopted[name] ?? name]
            }
        }
    }

    /// The settings digest of each copy of order settings that several of `specs` share, by its
    /// identity: most settings come from `defaults`, so the loader shares one copy among many
    /// certificates, and its digest is worked out once rather than once per certificate. A copy
    /// of a certificate's own is worked out when it is decided, and not held beyond. And for
    /// certificates whose own settings are only `comments` and `custom_fields` over a shared copy
    /// of the rest (``CertificateSpec/ownNotes``; on lean manifests, those with a comment of their
    /// own), that copy's parts, written once (``SettingsWriter/Parts``).
    static func settingsDigests(_ specs: [CertificateSpec]) -> ([ObjectIdentifier: RecordDigest], [ObjectIdentifier: SettingsWriter.Parts]) {
        // Positions, not copies of the specs: on lean manifests most certificates have settings
        // of their own, and a copy of each spec was the plan's largest allocation (53 MB).
        // The identities are read on every core (each is behind its spec's reference); the
        // table is made at its full size at once.
        let identities = ConcurrentMap.map(specs, serialBelow: 4096) { ($0.settingsIdentity, $0.ownNotes?.sharedIdentity) }
        var first: [ObjectIdentifier: Int] = [:]
        first.reserveCapacity(specs.count)
        var distinct: [Int] = []
        var firstWithNotes: [ObjectIdentifier: Int] = [:]
        for index in specs.indices {
            let (identity, shared) = identities[index]
            if let shared, firstWithNotes[shared] == nil { firstWithNotes[shared] = index }
            guard let seen = first[identity] else {
                first[identity] = index
                continue
            }
            if seen >= 0 {
                distinct.append(seen)
                first[identity] = -1
            }
        }
        let digests = ConcurrentMap.map(distinct) { SpecDigest.settingsDigest(of: specs[$0]) }
        return (Dictionary(uniqueKeysWithValues: zip(distinct.lazy.map { specs[$0].settingsIdentity }, digests)),
                firstWithNotes.mapValues { SettingsWriter.Parts(specs[$0].settings) })
    }

    /// moved_from: a renamed certificate adopts its old record when it has none of its own.
    /// Returns new name → old name, and the old names adopted.
    static func adoptions(_ specs: [CertificateSpec], specNames: Set<String>, state: State) -> ([String: String], Set<String>) {
        var adopted: [String: String] = [:]
        var adoptedOld: Set<String> = []
        // Only a spec with moved_from is looked at, and by position: a copy of each spec was not free.
        for index in specs.indices where specs[index].movedFrom != nil {
            let spec = specs[index]
            guard let old = spec.movedFrom, state.certificates[spec.name] == nil, state.certificates[old] != nil,
                  !specNames.contains(old), !adoptedOld.contains(old) else { continue }
            adopted[spec.name] = old
            adoptedOld.insert(old)
        }
        return (adopted, adoptedOld)
    }

    /// Active orders by their names, to tell a rename from a new certificate.
    static func activeOrdersByNames(_ state: State, except adoptedOld: Set<String>) -> [String: [String]] {
        var activeByNames: [String: [String]] = [:]
        for (name, record) in state.certificates where record.status.isActive && !adoptedOld.contains(name) {
            activeByNames[nameKey(record.commonName, record.dnsNames), default: []].append(name)
        }
        return activeByNames
    }

    /// The decision with what `moved_from` did or could not do.
    static func withRename(_ decision: Change, spec: CertificateSpec, adoptedFrom: String?, state: State) -> Change {
        var change = decision
        if let old = adoptedFrom {
            change.movedFrom = old
            change.reasons.append("adopts the state record of '\(old)' (moved_from)")
        } else if let old = spec.movedFrom {
            let hasOwn = state.certificates[spec.name] != nil, hasOld = state.certificates[old] != nil
            if hasOwn && hasOld {
                change.notes.append("moved_from '\(old)' is ignored: '\(spec.name)' already has a state record")
            } else if !hasOwn && !hasOld {
                change.notes.append("moved_from '\(old)' has no state record")
            }
            // Own record and no old one: the rename is done; nothing to say.
        }
        return change
    }

    /// Records in no manifest (orphans, or blocked by an intent), and intents for names that are
    /// nowhere else, which still block.
    static func orphans(_ state: State, specNames: Set<String>, adoptedOld: Set<String>, intentsByName: [String: [Intent]]) -> [Change] {
        var changes: [Change] = []
        for (name, record) in state.certificates where !specNames.contains(name) && !adoptedOld.contains(name) {
            var change = Change(name: name, action: .orphan,
                                reasons: ["order \(record.orderID) is in state but in no manifest; nothing will be done"],
                                product: record.product, names: record.names, orderID: record.orderID)
            if let intents = intentsByName[name], !intents.isEmpty {
                change.action = .blocked
                change.reasons = intents.map(intentReason)
            }
            changes.append(change)
        }
        for (name, intents) in intentsByName where !specNames.contains(name) && state.certificates[name] == nil {
            let first = intents[0]
            changes.append(Change(name: name, action: .blocked, reasons: intents.map(intentReason),
                                  product: first.product, commonName: first.commonName, dnsNames: []))
        }
        return changes
    }

    /// Blocks every certificate whose order is recorded under another name too — as that name's
    /// order, or in its history. One order is one certificate: two names holding it would renew
    /// or reissue it twice (a state edited by hand or in a pull request can say so; certform
    /// never records an order twice). An orphan stays an orphan: it sends nothing anyway.
    static func blockSharedOrders(_ changes: inout [Change], state: State) {
        let shared = sharedOrders(state)
        guard !shared.isEmpty else { return }
        for index in changes.indices where changes[index].action != .orphan {
            guard let orderID = changes[index].orderID, let names = shared[orderID] else { continue }
            let own = changes[index].movedFrom ?? changes[index].name
            let others = names.filter { $0 != own }.sorted().map { "'\($0)'" }.joined(separator: ", ")
            changes[index].action = .blocked
            changes[index].reasons = ["order \(orderID) is recorded under \(others) too, and one order is one certificate; run 'certform state forget' for the name it does not belong to"]
            (changes[index].request, changes[index].renewalOfOrderID, changes[index].renewedThumbprint) = (nil, nil, nil)
            (changes[index].specDigest, changes[index].settingsDigest, changes[index].csrDigest) = (nil, nil, nil)
        }
    }

    /// The orders state records under more than one name (as a name's order, or in another
    /// name's history), with those names; usually none. The order ids sorted first (800 KB at
    /// 100,000, where a hashed set took 2 MB of a tight memory target), the names only when an
    /// order turns up twice.
    static func sharedOrders(_ state: State) -> [Int: Set<String>] {
        var current = state.certificates.values.map(\.orderID)
        current.sort()
        var twice: Set<Int> = []
        for index in current.indices.dropFirst() where current[index] == current[index - 1] {
            twice.insert(current[index])
        }
        for record in state.certificates.values where !record.history.isEmpty {
            for entry in record.history {
                if let id = entry["order_id"]?.intValue, id != record.orderID, Self.contains(current, id) { twice.insert(id) }
            }
        }
        guard !twice.isEmpty else { return [:] }
        var names: [Int: Set<String>] = [:]
        for (name, record) in state.certificates {
            if twice.contains(record.orderID) { names[record.orderID, default: []].insert(name) }
            for entry in record.history {
                if let id = entry["order_id"]?.intValue, id != record.orderID, twice.contains(id) { names[id, default: []].insert(name) }
            }
        }
        return names
    }

    /// Whether the sorted `ids` hold `id` (a binary search).
    static func contains(_ ids: [Int], _ id: Int) -> Bool {
        var (low, high) = (0, ids.count)
        while low < high {
            let middle = (low + high) / 2
            if ids[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low < ids.count && ids[low] == id
    }

    /// The decision for `spec`; when it sends the CSR and the spec does not hold it verified, the
    /// CSR is read again (and verified, if a record only vouched for it) and the decision made
    /// with it — or the certificate is blocked when that fails.
    func decide(spec: CertificateSpec, record: StateRecord?, asOf: CalendarDate, activeByNames: [String: [String]],
                intents: [Intent], resolveCSR: CSRResolver?) -> Change {
        let change = decide(spec: spec, record: record, asOf: asOf, activeByNames: activeByNames, intents: intents)
        guard change.action.isChange, spec.needsCSRResolution else { return change }
        switch resolveCSR?(spec) ?? .failure(CSRFileError(reason: "the CSR of certificate '\(spec.name)' was not read")) {
        case .success(let resolved):
            return decide(spec: resolved, record: record, asOf: asOf, activeByNames: activeByNames, intents: intents)
        case .failure(let failure):
            var blocked = change
            (blocked.action, blocked.reasons, blocked.request) = (.blocked, [failure.reason], nil)
            return blocked
        }
    }

    /// Why a name is blocked whose order CertCentral reports renewed (`is_renewed`) without
    /// naming the renewal: `renewed_order_id` is undocumented (reference §1), so it may be 0 or
    /// missing, and a renewal is never bought on top of one CertCentral already holds.
    public static func unnamedRenewal(of orderID: Int, name: String) -> String {
        "CertCentral reports order \(orderID) as renewed already, without naming the renewal order (no renewed_order_id), so certform buys nothing; find the renewal in CertCentral, then run 'certform state forget \(name)' and 'certform import \(name) ORDER_ID'"
    }

    /// One certificate's action: blocked, create, wait, or what its issued order needs.
    func decide(spec: CertificateSpec, record: StateRecord?, asOf: CalendarDate,
                activeByNames: [String: [String]], intents: [Intent]) -> Change {
        var change = Change(name: spec.name, action: .none, reasons: [], product: spec.product,
                            names: spec.names, orderID: record?.orderID)
        // Both digests are compared with the record's as held, and their text made only for a
        // change that sends a request (``withRecordDigests(_:spec:)``).
        change.dcvMethod = spec.dcvMethod
        if !intents.isEmpty {
            change.action = .blocked
            change.reasons = intents.map(Self.intentReason)
            return change
        }
        guard let record else { return decideNew(spec, change, activeByNames: activeByNames) }
        if let renewal = record.renewedElsewhereBy {
            change.action = .blocked
            change.reasons = [renewal > 0
                ? "order \(record.orderID) was renewed outside certform as order \(renewal), with other names or product; run 'certform state forget \(spec.name)' and 'certform import \(spec.name) \(renewal)' if that order is this certificate's"
                : Self.unnamedRenewal(of: record.orderID, name: spec.name)]
            return change
        }
        let status = record.status
        if status.isFailed {
            return create(spec, change, reason: "order \(record.orderID) was \(status); a new order replaces it")
        }
        if status.isInProgress {
            change.action = .wait
            change.reasons = ["order \(record.orderID) is \(status) in CertCentral; nothing to do until it completes"]
            return change
        }
        guard status == .issued || status == .expired else {
            change.action = .wait
            change.reasons = ["order \(record.orderID) has the status '\(status)', which certform does not know; run 'certform refresh'"]
            return change
        }
        return decideIssued(spec, record, change, asOf: asOf)
    }

    /// No record: a create, unless an active order with the same names is recorded elsewhere.
    func decideNew(_ spec: CertificateSpec, _ change: Change, activeByNames: [String: [String]]) -> Change {
        let others = (activeByNames[Self.nameKey(spec.commonName, spec.dnsNames ?? [])] ?? []).filter { $0 != spec.name }.sorted()
        guard let other = others.first else { return create(spec, change, reason: "no order in state") }
        var change = change
        change.action = .blocked
        change.reasons = ["'\(spec.commonName)' with the same names is already ordered under '\(other)'; add 'moved_from: \(other)' if this is a rename, or run 'certform state forget \(other)'"]
        return change
    }

    /// An issued or expired order: renew, reissue or nothing, by expiry, coverage and what changed.
    func decideIssued(_ spec: CertificateSpec, _ record: StateRecord, _ change: Change, asOf: CalendarDate) -> Change {
        var change = change
        let (shapeChanges, productChanged) = Self.shapeChanges(spec, record)
        if let settings = record.recordedSettingsDigest {
            if settings != settingsDigest(of: spec) {
                change.notes.append("order settings changed (validity, comments, contacts, custom fields, payment, DCV…); they take effect at the next order")
            }
        }
        let window = spec.renewBeforeDays
        let coversBeyondWindow = Self.covers(record, window: window, asOf: asOf)
        // Worded only for a decision that gives it as a reason (most certificates need nothing).
        var coverageReason: String { Self.coverage(record, window: window, asOf: asOf).1 }
        if record.status == .expired {
            return renew(spec, record, change, reasons: ["order \(record.orderID) is expired"] + shapeChanges)
        }
        guard let validTill = record.validTill else {
            if !shapeChanges.isEmpty {
                if productChanged || !coversBeyondWindow { return renew(spec, record, change, reasons: shapeChanges + [coverageReason]) }
                return reissue(spec, record, change, reasons: shapeChanges + [coverageReason])
            }
            change.notes.append("the certificate's expiry is not known; run 'certform refresh'")
            return change
        }
        let daysLeft = asOf.days(until: validTill)
        if daysLeft < 0 {
            return renew(spec, record, change, reasons: ["certificate expired \(validTill), \(-daysLeft) day\(daysLeft == -1 ? "" : "s") before as-of"] + shapeChanges)
        }
        if productChanged { return Self.notingEarlyRenewal(renew(spec, record, change, reasons: shapeChanges), daysLeft: daysLeft) }
        let expiring = daysLeft <= window
        guard expiring || !shapeChanges.isEmpty else { return change }
        if shapeChanges.isEmpty && coversBeyondWindow && record.autoReissue == true {
            change.notes.append("certificate expires \(validTill), \(daysLeft) day\(daysLeft == 1 ? "" : "s") after as-of; CertCentral reissues it by itself (auto_reissue) 30 days before it expires, and 'certform refresh' picks up the new certificate")
            return change
        }
        var reasons = shapeChanges
        if expiring {
            reasons.insert("certificate expires \(validTill), \(daysLeft) day\(daysLeft == 1 ? "" : "s") after as-of; renew_before_days is \(window)", at: 0)
        }
        reasons.append(coverageReason)
        return coversBeyondWindow ? reissue(spec, record, change, reasons: reasons)
            : Self.notingEarlyRenewal(renew(spec, record, change, reasons: reasons), daysLeft: daysLeft)
    }

    /// DigiCert documents renewing "as early as 90 days to 1 day before it expires" (reference
    /// §6), not what the API does earlier; a renewal planned earlier says so, for the reviewer.
    static let documentedRenewalDays = 90

    static func notingEarlyRenewal(_ change: Change, daysLeft: Int) -> Change {
        guard change.action == .renew, daysLeft > documentedRenewalDays else { return change }
        var change = change
        change.notes.append("this renewal comes \(daysLeft) days before the certificate expires; DigiCert documents renewals from \(documentedRenewalDays) days before, not whether an earlier one carries the unused days over or is a plain new order")
        return change
    }

    /// What changed in the manifest since the order, in words, and whether the product did.
    static func shapeChanges(_ spec: CertificateSpec, _ record: StateRecord) -> ([String], Bool) {
        var changes: [String] = []
        let productChanged = record.product != spec.product
        if productChanged {
            changes.append("product changed from \(record.product) to \(spec.product); a product change needs a new order")
        }
        // The same bytes (the usual case) are the same names, without a string made.
        let sameNames = record.names.hasSameBytes(as: spec.names)
        if !sameNames && !record.hasCommonName(spec.commonName) {
            changes.append("common_name changed from '\(record.commonName)' to '\(spec.commonName)'")
        }
        // The same list in the same order (the usual case) is the same set, without building one
        // (or decoding the record's names).
        let sameList = sameNames || record.hasDNSNames(spec.dnsNames ?? [])
        let before = sameList ? [] : Set(record.dnsNames), after = sameList ? [] : Set(spec.dnsNames ?? [])
        if before != after {
            let added = after.subtracting(before).sorted().map { "+\($0)" }
            let removed = before.subtracting(after).sorted().map { "-\($0)" }
            changes.append("dns_names changed: \((added + removed).joined(separator: ", "))")
        }
        // Compared as held (32 bytes a side): equal exactly when their text is.
        if changes.isEmpty, let digest = record.recordedSpecDigest, digest != SpecDigest.digest(of: spec) {
            changes.append("the CSR changed (a new key or new names)")
        }
        return (changes, productChanged)
    }

    /// Whether the order covers beyond the renewal window: ``coverage(_:window:asOf:)`` without its words.
    static func covers(_ record: StateRecord, window: Int, asOf: CalendarDate) -> Bool {
        guard let orderEnd = record.orderValidTill else { return false }
        return asOf.days(until: orderEnd) > window
    }

    /// Whether the order covers beyond the renewal window (a free reissue) or not (a renewal), and why.
    static func coverage(_ record: StateRecord, window: Int, asOf: CalendarDate) -> (Bool, String) {
        guard let orderEnd = record.orderValidTill else {
            return (false, "order \(record.orderID) has no known order_valid_till: a renewal")
        }
        let orderDays = asOf.days(until: orderEnd)
        if orderDays > window {
            return (true, "order \(record.orderID) covers until \(orderEnd), \(orderDays) days after as-of, beyond the \(window)-day window: a free reissue")
        }
        return (false, "order \(record.orderID) covers only until \(orderEnd), \(orderDays) days after as-of, not beyond the \(window)-day window: a renewal")
    }

    /// The spec's settings digest: worked out once per shared copy of settings before planning,
    /// or now for a spec whose settings are a copy of its own.
    func settingsDigest(of spec: CertificateSpec) -> RecordDigest {
        if let digest = settingsDigests[spec.settingsIdentity] { return digest }
        if let notes = spec.ownNotes, let parts = sharedParts[notes.sharedIdentity] {
            return SpecDigest.settings(compact: parts.compact(comments: notes.comments, customFields: notes.customFields))
        }
        return SpecDigest.settingsDigest(of: spec)
    }

    /// A change that sends a request: the digests that the new state record will carry.
    func withRecordDigests(_ change: Change, spec: CertificateSpec) -> Change {
        var change = change
        if change.specDigest == nil { change.specDigest = SpecDigest.of(spec) }
        if change.settingsDigest == nil { change.settingsDigest = settingsDigest(of: spec).text }
        change.csrDigest = change.specDigest.flatMap { CSRDigest.of(spec, specDigest: $0) }
        return change
    }

    func create(_ spec: CertificateSpec, _ change: Change, reason: String) -> Change {
        var change = withRecordDigests(change, spec: spec)
        change.action = .create
        change.reasons = [reason]
        change.request = .order(RequestBody.order(for: spec))
        return change
    }

    func renew(_ spec: CertificateSpec, _ record: StateRecord, _ change: Change, reasons: [String]) -> Change {
        var change = withRecordDigests(change, spec: spec)
        change.action = .renew
        change.reasons = reasons
        change.renewalOfOrderID = record.orderID
        change.renewedThumbprint = record.thumbprint
        change.request = .order(RequestBody.order(for: spec, renewalOfOrderID: record.orderID, renewedThumbprint: record.thumbprint))
        return change
    }

    func reissue(_ spec: CertificateSpec, _ record: StateRecord, _ change: Change, reasons: [String]) -> Change {
        var change = withRecordDigests(change, spec: spec)
        change.action = .reissue
        change.reasons = reasons
        change.request = .reissue(RequestBody.reissue(for: spec))
        return change
    }

    static func intentReason(_ intent: Intent) -> String {
        "an unresolved intent \(intent.id) (\(intent.action) at \(intent.createdAt)) may have placed an order; run 'certform apply' or 'certform refresh' to look it up, or 'certform state resolve \(intent.id) --order ID' / '--not-placed'"
    }

    /// The identity of a set of names: common name and the sorted DNS names.
    static func nameKey(_ commonName: String, _ dnsNames: [String]) -> String {
        commonName + "|" + Set(dnsNames).subtracting([commonName]).sorted().joined(separator: ",")
    }
}
