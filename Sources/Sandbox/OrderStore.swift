import CertCentralAPI
import Dates
import Files
import Foundation
import JSON
import X509


/// The sandbox's account: orders, certificates, the clock, the CA, limits and faults. An actor,
/// so that concurrent requests see one consistent account.
public actor OrderStore {
    let configuration: SandboxConfiguration
    let ca: SandboxCA
    var orders: [Int: SandboxOrder] = [:]
    /// Every certificate id ever issued → its order (for download of replaced certificates too).
    var certificateOwners: [Int: Int] = [:]
    var retiredCertificates: [Int: String] = [:]
    var nextOrderID = 6_484_932
    var nextCertificateID = 6_079_436
    var nextRequestID = 1_000_001
    var clockOffset: TimeInterval = 0
    var stats = SandboxStats()
    public internal(set) var faults: Faults
    var limiter: RollingWindowLimiter
    var random: SeededGenerator
    /// The DNS records and web files published through the admin API, that DCV checks look at.
    var publications = Publications()
    /// The CSR of seeded orders, made once (`POST /_sandbox/orders/seed` without a `csr`).
    var seedCSR: String?

    public init(configuration: SandboxConfiguration) throws {
        self.configuration = configuration
        faults = configuration.faults
        limiter = RollingWindowLimiter(limits: configuration.rateLimits)
        random = SeededGenerator(seed: configuration.seed ?? UInt64.random(in: 0...UInt64.max))
        if let path = configuration.dataPath, let data = FileManager.default.contents(atPath: path) {
            let saved = try JSONParser.parse(Array(data))
            guard let savedCA = try SandboxCA.saved(saved["ca"]) else {
                throw SandboxError("the data file '\(path)' has no CA; remove it to start afresh")
            }
            ca = savedCA
            for item in saved["orders"]?.arrayValue ?? [] {
                guard let order = SandboxOrder(json: item) else { throw SandboxError("the data file '\(path)' holds an order that does not read") }
                orders[order.id] = order
                certificateOwners[order.certificateID] = order.id
                for id in order.previousCertificateIDs { certificateOwners[id] = order.id }
            }
            for (id, pem) in saved["retired_certificates"]?.objectValue ?? [:] {
                if let number = Int(id), let text = pem.stringValue { retiredCertificates[number] = text }
            }
            nextOrderID = saved["next_order_id"]?.intValue ?? 6_484_932
            nextCertificateID = saved["next_certificate_id"]?.intValue ?? 6_079_436
            nextRequestID = saved["next_request_id"]?.intValue ?? 1_000_001
            if case .double(let offset)? = saved["clock_offset_seconds"] { clockOffset = offset } else {
                clockOffset = TimeInterval(saved["clock_offset_seconds"]?.intValue ?? 0)
            }
            publications = Publications(json: saved["publications"])
        } else {
            ca = try SandboxCA()
        }
    }

    /// The sandbox clock: real time moved by `POST /_sandbox/clock`.
    func now() -> Date { Date().addingTimeInterval(clockOffset) }

    /// The sandbox root, PEM (`GET /_sandbox/ca`).
    public var caCertificatePEM: String { ca.certificatePEM }
    /// The intermediate that signs every certificate, PEM.
    public var intermediateCertificatePEM: String { ca.intermediatePEM }

    // MARK: Gate (every API request)

    enum Gate { case pass, fail, unauthorized, limited }

    /// Counts the request, then injects a failure, checks the key, or applies the rate limit, in
    /// that order.
    func gate(keyIsValid: Bool) -> Gate {
        stats.requests += 1
        if faults.failRate > 0, Double.random(in: 0..<1, using: &random) < faults.failRate {
            stats.faultsInjected.fail += 1
            return .fail
        }
        if !keyIsValid { return .unauthorized }
        if configuration.rateLimited && !limiter.admit(at: Date().timeIntervalSinceReferenceDate) {
            stats.rateLimited += 1
            return .limited
        }
        return .pass
    }

    // MARK: Helpers

    /// `2018-10-16T20:05:28+00:00`, as CertCentral writes times.
    static func apiTime(_ date: Date) -> String {
        Timestamp.format(date).replacingOccurrences(of: "Z", with: "+00:00")
    }

    func takeOrderID() -> Int {
        defer { nextOrderID += 1 }
        return nextOrderID
    }

    func takeCertificateID() -> Int {
        defer { nextCertificateID += 1 }
        return nextCertificateID
    }

    func shouldDrop() -> Bool {
        guard faults.dropAfterAcceptRate > 0, Double.random(in: 0..<1, using: &random) < faults.dropAfterAcceptRate else { return false }
        stats.faultsInjected.dropAfterAccept += 1
        return true
    }

    func randomToken() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
    }

    /// Writes the account to `--data` atomically after every change.
    func persist() {
        guard let path = configuration.dataPath else { return }
        var retired: [String: JSONValue] = [:]
        for (id, pem) in retiredCertificates { retired[String(id)] = .string(pem) }
        let document: JSONValue = [
            "ca": ca.json, "publications": publications.json,
            "orders": .array(orders.values.sorted { $0.id < $1.id }.map(\.json)),
            "retired_certificates": .object(retired),
            "next_order_id": .int(nextOrderID), "next_certificate_id": .int(nextCertificateID),
            "next_request_id": .int(nextRequestID), "clock_offset_seconds": .double(clockOffset),
        ]
        do {
            try AtomicFile.write(JSONWriter.pretty(document), to: path)
        } catch {
            FileHandle.standardError.write(Data("certcentral-sandbox: \(error)\n".utf8))
        }
    }
}

/// A sandbox start-up problem.
public struct SandboxError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
