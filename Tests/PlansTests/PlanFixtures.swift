import CertCentralAPI
import Dates
import Foundation
import JSON
import Manifests
@testable import Plans
import States

/// Specs and records built in code, with fixed CSR summaries, so that planner tests need no CSR.
enum Fixture {
    static let asOf = Timestamp.parse("2026-12-01T00:00:00Z")!
    static let today = CalendarDate("2026-12-01")!

    static func spec(_ name: String = "web", commonName: String = "example.com", dnsNames: [String] = ["www.example.com"],
                     product: Product = .sslDVGeoTrust, key: String = "key-1", renewBeforeDays: Int = 30) -> CertificateSpec {
        var spec = CertificateSpec(name: name, product: product, commonName: commonName, dnsNames: dnsNames,
                                   csr: "-----BEGIN CERTIFICATE REQUEST-----\n\(key)\n-----END CERTIFICATE REQUEST-----\n",
                                   dcvMethod: .dnsTXTToken, validityYears: 1, renewBeforeDays: renewBeforeDays)
        spec.skipApproval = true
        spec.csrSummary = CSRSummary(publicKeySHA256: key, names: [commonName], keyDescription: "ECDSA P-256")
        return spec
    }

    /// An issued record that matches `spec` exactly, expiring `days` after as-of, with the order
    /// covering `orderDays` after as-of.
    static func record(for spec: CertificateSpec, status: OrderStatus = .issued, expiresIn days: Int? = 100,
                       orderCoversFor orderDays: Int? = 300, orderID: Int = 1001,
                       thumbprint: String? = "7D236B54D19D5EACF0881FAF24D51DFE5D23E945") -> StateRecord {
        var record = StateRecord(orderID: orderID, product: spec.product, commonName: spec.commonName,
                                 dnsNames: spec.dnsNames ?? [], status: status)
        record.certificateID = orderID + 5000
        record.specDigest = SpecDigest.of(spec)
        record.settingsDigest = SpecDigest.settings(of: spec)
        record.validTill = days.map { today.adding(days: $0) }
        record.orderValidTill = orderDays.map { today.adding(days: $0) }
        record.thumbprint = thumbprint
        return record
    }

    static func state(_ records: [String: StateRecord], intents: [Intent] = []) -> State {
        var state = State()
        state.lineage = "00000000-0000-4000-8000-000000000000"
        state.serial = 7
        state.certificates = records
        state.intents = intents
        return state
    }

    static func plan(_ specs: [CertificateSpec], _ state: State) -> Plan {
        Planner().plan(manifests: specs, state: state, asOf: asOf, manifestsDigest: "sha256:test", fileCount: 1)
    }
}
