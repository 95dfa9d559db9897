import CertCentralAPI
import Foundation
import JSON

/// The decision for one certificate name, with the reasons a reviewer needs.
///
/// What most decisions leave empty (reasons, notes, the request and its digests, …) is held in
/// ``Details`` behind one reference, allocated only when one of them is set: a plan of 100,000
/// unchanged certificates held 200 bytes a change, now some 70. Read and write those fields as
/// the change's own (`change.reasons`, `change.request = …`).
@dynamicMemberLookup
public struct Change: Sendable, Hashable {
    public var name: String
    public var action: Action
    public var product: Product
    public var commonName: String {
        get { names.commonName }
        set { names.commonName = newValue }
    }
    public var dnsNames: [String] {
        get { names.dnsNames }
        set { names.dnsNames = newValue }
    }
    /// Both, as the certificate's spec holds them (``CertificateNames``): a plan's changes share
    /// their specs' names rather than making strings of them, and the few that are shown decode
    /// them.
    public var names: CertificateNames
    /// The order in state this change concerns, when there is one.
    public var orderID: Int?
    /// The DCV method of the request, for the instructions printed after placing it (set on every change).
    public var dcvMethod: DCVMethod?

    public struct Details: Sendable, Hashable {
        /// Why, in words ("certificate expires 2026-12-20, 21 days after as-of; renew_before_days is 30").
        public var reasons: [String] = []
        /// Things worth knowing that cause no request ("comments changed; takes effect at the next order").
        public var notes: [String] = []
        /// For a renewal: the order and certificate thumbprint it renews.
        public var renewalOfOrderID: Int?
        public var renewedThumbprint: String?
        /// The exact body apply sends (order or reissue), for `create`, `renew` and `reissue`.
        public var request: ChangeRequest?
        /// The state record this change adopts from a renamed certificate.
        public var movedFrom: String?
        /// What the new state record will carry once the request succeeds (create, renew, reissue).
        public var specDigest: String?
        public var settingsDigest: String?
        /// The `csr_digest` the new state record will carry (``CSRDigest``): set with every request.
        /// Not part of the printed or saved plan; apply takes it from the plan it recomputes.
        public var csrDigest: String?

        static let empty = Details()
    }

    /// Changed only while this change is its sole holder, so sharing it is as safe as sharing an array.
    private final class Box: @unchecked Sendable, CustomStringConvertible {
        var details: Details
        init(_ details: Details) { self.details = details }
        /// Prints as the details it holds, so that a change prints with them.
        var description: String { String(describing: details) }
    }

    /// nil while every detail is empty.
    private var box: Box?

    public init(name: String, action: Action, reasons: [String], notes: [String] = [], product: Product,
                commonName: String, dnsNames: [String], orderID: Int? = nil) {
        self.init(name: name, action: action, reasons: reasons, notes: notes, product: product,
                  names: CertificateNames(commonName: commonName, dnsNames: dnsNames), orderID: orderID)
    }

    public init(name: String, action: Action, reasons: [String], notes: [String] = [], product: Product,
                names: CertificateNames, orderID: Int? = nil) {
        self.name = name
        self.action = action
        self.product = product
        self.names = names
        self.orderID = orderID
        if !reasons.isEmpty || !notes.isEmpty { box = Box(Details(reasons: reasons, notes: notes)) }
    }

    public var details: Details { box?.details ?? .empty }

    public subscript<Value>(dynamicMember key: WritableKeyPath<Details, Value>) -> Value {
        get { details[keyPath: key] }
        _modify {
            if box == nil {
                box = Box(.empty)
            } else if !isKnownUniquelyReferenced(&box) {
                box = Box(box!.details)
            }
            yield &box!.details[keyPath: key]
            // A detail set back to empty (a plain `none` dropping its digests) holds nothing.
            if box!.details == .empty { box = nil }
        }
    }

    public static func == (lhs: Change, rhs: Change) -> Bool {
        lhs.name == rhs.name && lhs.action == rhs.action && lhs.product == rhs.product && lhs.names == rhs.names
            && lhs.orderID == rhs.orderID && lhs.dcvMethod == rhs.dcvMethod && (lhs.box === rhs.box || lhs.details == rhs.details)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(action)
        hasher.combine(product)
        hasher.combine(names)
        hasher.combine(orderID)
        hasher.combine(dcvMethod)
        hasher.combine(details)
    }

    public var isPaid: Bool { action.isPaid }

    /// Worth showing in a plan: anything but a `none` without notes that adopts no record.
    public var isListed: Bool {
        guard action == .none else { return true }
        guard let details = box?.details else { return false }
        return !details.notes.isEmpty || details.movedFrom != nil
    }
}

/// Counts per action.
public struct PlanSummary: Sendable, Hashable {
    public var counts: [Action: Int]

    public init(_ changes: [Change]) {
        var counts: [Action: Int] = [:]
        for action in Action.allCases { counts[action] = 0 }
        // By position: iterating the changes copied each one.
        for index in changes.indices { counts[changes[index].action, default: 0] += 1 }
        self.counts = counts
    }

    public subscript(action: Action) -> Int { counts[action] ?? 0 }

    public var paidOrders: Int { self[.create] + self[.renew] }
    public var hasChanges: Bool { self[.create] + self[.renew] + self[.reissue] > 0 }

    /// "1 create, 1 renew, 0 reissue, 9 unchanged, 1 orphan, 0 waiting, 0 blocked · 2 paid orders"
    public var line: String {
        "\(self[.create]) create, \(self[.renew]) renew, \(self[.reissue]) reissue, \(self[.none]) unchanged, \(self[.orphan]) orphan, \(self[.wait]) waiting, \(self[.blocked]) blocked · \(paidOrders) paid order\(paidOrders == 1 ? "" : "s")"
    }
}

/// A whole plan: one change per certificate name, sorted by name, and what it was made from.
public struct Plan: Sendable, Hashable {
    public var asOf: Date
    public var manifestsDigest: String
    public var stateLineage: String?
    public var stateSerial: Int
    /// Certificates in the manifests, and manifest files read (for the header).
    public var certificateCount: Int
    public var fileCount: Int
    public var changes: [Change]
    /// What the plan will spend, when a price list was given (set after planning: the planner
    /// itself knows no prices).
    public var spend: SpendEstimate?

    public init(asOf: Date, manifestsDigest: String, stateLineage: String?, stateSerial: Int,
                certificateCount: Int, fileCount: Int, changes: [Change]) {
        self.asOf = asOf
        self.manifestsDigest = manifestsDigest
        self.stateLineage = stateLineage
        self.stateSerial = stateSerial
        self.certificateCount = certificateCount
        self.fileCount = fileCount
        self.changes = changes
    }

    public var summary: PlanSummary { PlanSummary(changes) }

    /// Changes worth showing: everything but a plain `none`. By position: filtering copied each
    /// change, and read its notes through a key path, for 100,000 changes of which a plan shows
    /// a few (two thirds of printing a plan).
    public var listedChanges: [Change] {
        var listed: [Change] = []
        for index in changes.indices where changes[index].isListed { listed.append(changes[index]) }
        return listed
    }
}
