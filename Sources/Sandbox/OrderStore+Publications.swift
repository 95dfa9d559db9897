import CertCentralAPI
import Foundation
import JSON

/// The admin API's DNS zone and web server (`/_sandbox/dns`, `/_sandbox/http`): what tests and
/// demos publish for DCV, as a DNS provider or a web server would hold it.
extension OrderStore {
    func dnsRecords() -> DNSRecords { DNSRecords(records: publications.records) }

    /// Adds the record (`201`; `200` when the zone already held it); answers every record.
    func publish(_ record: DNSRecord) -> SandboxReply {
        let added = publications.add(record)
        if added { persist() }
        return .json(added ? 201 : 200, dnsRecords())
    }

    /// Removes the record. Idempotent, as a hook's cleanup wants it: `200` either way, with
    /// `removed` saying whether the zone held it.
    func unpublish(_ record: DNSRecord) -> SandboxReply {
        var answer = dnsRecords()
        answer.removed = publications.remove(record)
        if answer.removed == true {
            persist()
            answer.records = publications.records
        }
        return .json(200, answer)
    }

    func httpFiles() -> HTTPFiles { HTTPFiles(files: publications.fileList) }

    /// Puts the file at its URL (replacing what was there); answers every file.
    func publish(_ file: HTTPFile) -> SandboxReply {
        let added = publications.files.updateValue(file.content, forKey: file.url) == nil
        persist()
        return .json(added ? 201 : 200, httpFiles())
    }

    /// Removes the file at the URL. Idempotent: `200` either way, with `removed` saying whether
    /// there was one.
    func unpublish(_ file: HTTPFile) -> SandboxReply {
        let removed = publications.files.removeValue(forKey: file.url) != nil
        if removed { persist() }
        var answer = httpFiles()
        answer.removed = removed
        return .json(200, answer)
    }
}
