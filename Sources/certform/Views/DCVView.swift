import ArgumentParser
import CertCentralAPI
import CertificateFiles
import DomainValidation
import Escaping
import JSON

/// What `certform dcv` prints, and the DCV part of apply and refresh: for each order, what to
/// publish where, the hook's runs (with their output when they failed), and CertCentral's check.
enum DCVView {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    /// The version of the JSON document; a change that breaks a reader raises it.
    static let formatVersion = 1

    static func show(_ reports: [DCVReport], format: Format) {
        switch format {
        case .text:
            for report in reports { lines(report).forEach { Console.out($0) } }
            Console.out(summary(reports))
        case .json:
            Console.out(rendered: JSONWriter.pretty(json(reports)))
        }
    }

    /// The DCV part of apply and refresh's output: nothing when there is nothing to say.
    static func section(_ reports: [DCVReport]) {
        guard !reports.isEmpty else { return }
        Console.out("\nDomain control validation:")
        for report in reports { lines(report).forEach { Console.out("  " + $0) } }
    }

    static func summary(_ reports: [DCVReport]) -> TerminalText {
        let waiting = reports.filter(\.awaitingValidation).count
        let failed = reports.filter(\.failed).count
        guard !reports.isEmpty else { return "No order awaits domain control validation." }
        var text: TerminalText = "\(waiting) order\(waiting == 1 ? "" : "s") await\(waiting == 1 ? "s" : "") domain control validation"
        if failed > 0 { text = text + " · \(failed) with a problem" }
        return text
    }

    static func lines(_ report: DCVReport) -> [TerminalText] {
        var expiry: TerminalText = ""
        if report.awaitingValidation, let expires = report.expiresAt {
            let estimated = report.expiryIsEstimated ? " (estimated)" : ""
            expiry = "  value valid until \(expires)\(estimated)"
        }
        var lines: [TerminalText] = ["\(report.name)  order \(report.orderID)  \(report.status.rawValue)  \(report.method?.rawValue ?? "no DCV method")" + expiry]
        if report.valueReplaced { lines.append("  the random value had expired; CertCentral issued a new one") }
        if report.awaitingValidation {
            lines += publications(report)
            if !report.tasks.isEmpty && !report.confirmed {
                // With a problem, it says why CertCentral did not confirm them; without one, no key was given.
                lines.append(report.problems.isEmpty
                    ? "  not confirmed: names and value are the state file's; run with the API key to show what CertCentral holds"
                    : "  not confirmed: names and value are the state file's (see the problem below)")
            }
        }
        for run in report.hookRuns { lines += hookLines(run) }
        if let check = report.check { lines.append("  check: " + words(check, report: report)) }
        if report.cleanedUp { lines.append("  cleanup done: the published token was removed") }
        lines += report.problems.map { "  problem: \($0)" }
        lines += report.notices.map { "  note: \($0)" }
        return lines
    }

    static func publications(_ report: DCVReport) -> [TerminalText] {
        if !report.emails.isEmpty { return [emailLine(report)] }
        return report.tasks.map { task in
            switch task.kind {
            case .txt: return "  publish TXT    \(task.record)  \"\(task.value)\"  (or at _dnsauth.\(task.record))"
            case .cname: return "  publish CNAME  \(task.record) → \(task.value)"
            case .http: return "  publish file   \(task.url ?? task.record)  containing \"\(task.value)\""
            }
        }
    }

    /// The addresses dcv_emails set, then the constructed ones, said once for their domains.
    static func emailLine(_ report: DCVReport) -> TerminalText {
        let constructed = Set(report.emailDomains.flatMap { domain in DCVTask.constructedMailboxes.map { $0 + "@" + domain } })
        var parts = report.emails.filter { !constructed.contains($0.lowercased()) }
        if !report.emailDomains.isEmpty {
            let mailboxes = DCVTask.constructedMailboxes.map { $0 + "@" }.joined(separator: ", ")
            parts.append(mailboxes + " each of " + report.emailDomains.joined(separator: ", ") + " (and the WHOIS contacts)")
        }
        // Each part escaped on its own, so that many addresses are not cut at one string's limit.
        let addresses = parts.enumerated().reduce(TerminalText("")) { line, part in line + (part.offset == 0 ? "" : "; ") + "\(part.element)" }
        return "  email: DigiCert writes to " + addresses + "; follow the link in that email"
    }

    static func hookLines(_ run: DCVHook.Run) -> [TerminalText] {
        guard !run.succeeded else { return ["  hook \(run.action.rawValue) \(run.domain): ok"] }
        let why = run.problem ?? "exit status \(run.exitStatus.map(String.init) ?? "?")"
        var lines: [TerminalText] = ["  hook \(run.action.rawValue) \(run.domain): FAILED (\(why))"]
        let output = run.output.split(separator: "\n", omittingEmptySubsequences: false).suffix(20)
        lines += output.filter { !$0.isEmpty }.map { "    | \(String($0))" }
        return lines
    }

    static func words(_ check: DCVReport.Check, report: DCVReport) -> TerminalText {
        switch check {
        case .issued:
            return "validated; the certificate is issued"
        case .validated(let status):
            return "validated; the order is \(status.rawValue)"
        case .notFound(let code, let message):
            return "not validated yet — \(notFoundWords(code, report: report)) (\(code): \(message))"
        case .failed(let reason):
            return "FAILED: \(reason)"
        }
    }

    static func notFoundWords(_ code: String, report: DCVReport) -> String {
        let places = report.tasks.map { $0.url ?? $0.record }.joined(separator: ", ")
        switch report.method {
        case .email?: return "this order validates by email; there is nothing to check"
        case .httpToken?: return "CertCentral could not read the value at \(places)"
        case .dnsCNAMEToken?: return "CertCentral found no CNAME to \(report.tasks.first?.value ?? "dcv.digicert.com") at \(places)"
        default: return "CertCentral found no TXT record holding the value at \(places)"
        }
    }
}

extension DCVView {
    static func json(_ reports: [DCVReport]) -> JSONValue {
        ["format_version": .int(formatVersion), "orders": .array(reports.map(json))]
    }

    static func json(_ report: DCVReport) -> JSONValue {
        [
            "name": .string(report.name), "order_id": .int(report.orderID), "status": .string(report.status.rawValue),
            "dcv_method": JSONValue(report.method?.rawValue), "dcv_random_value": JSONValue(report.randomValue),
            "expires_at": JSONValue(report.expiresAt), "expires_at_estimated": .bool(report.expiryIsEstimated),
            "value_fetched": .bool(report.valueFetched),
            "publish": .array(report.awaitingValidation ? report.tasks.map(json) : []),
            "confirmed": .bool(report.confirmed),
            "emails": .array(report.awaitingValidation ? report.emails.map(JSONValue.string) : []),
            "hook": .array(report.hookRuns.map(json)),
            "check": report.check.map { json($0, report: report) } ?? .null,
            "cleaned_up": .bool(report.cleanedUp),
            "problems": .array(report.problems.map(JSONValue.string)),
            "notices": .array(report.notices.map(JSONValue.string)),
        ]
    }

    static func json(_ task: DCVTask) -> JSONValue {
        ["type": .string(task.kind.rawValue), "domain": .string(task.domain), "record": .string(task.record),
         "value": .string(task.value), "url": JSONValue(task.url)]
    }

    static func json(_ run: DCVHook.Run) -> JSONValue {
        ["action": .string(run.action.rawValue), "domain": .string(run.domain), "exit_status": JSONValue(run.exitStatus.map(Int.init)),
         "succeeded": .bool(run.succeeded), "problem": JSONValue(run.problem), "output": .string(run.succeeded ? "" : run.output)]
    }

    static func json(_ check: DCVReport.Check, report: DCVReport) -> JSONValue {
        switch check {
        case .issued: return ["result": .string(OrderStatus.issued.rawValue)]
        case .validated(let status): return ["result": "validated", "status": .string(status.rawValue)]
        case .notFound(let code, let message):
            return ["result": "not_found", "code": .string(code), "message": .string(message), "words": .string(notFoundWords(code, report: report))]
        case .failed(let reason): return ["result": "failed", "message": .string(reason)]
        }
    }
}

/// What `refresh --certs-dir` did to each file.
enum CertificateFilesView {
    static func report(_ reports: [CertificateFiles.Report], directory: String) {
        var written = 0, current = 0, failed = 0
        for report in reports {
            switch report.outcome {
            case .written(let path, let replaced):
                written += 1
                Console.out("\(report.name): \(replaced ? "replaced" : "wrote") \(path)")
            case .upToDate:
                current += 1
            case .skipped(let reason):
                Console.out("\(report.name): certificate file not written: \(reason)")
            case .failed(let reason):
                failed += 1
                Console.error("\(report.name): certificate file FAILED: \(reason)")
            }
        }
        Console.out("Certificate files in \(directory): \(written) written, \(current) up to date\(failed > 0 ? ", \(failed) failed" : "")")
    }
}
