import ArgumentParser
import Dates
import Escaping
import JSON
import States

/// The state as a table or JSON (`certform show`), and what the `state` and `unlock` commands say.
enum StateView {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    static func show(_ state: State, location: String, today: CalendarDate, format: Format) {
        switch format {
        case .json: Console.out(rendered: JSONWriter.pretty(json(state, today: today)))
        case .text: Console.out(rendered: text(state, location: location, today: today))
        }
    }

    static func json(_ state: State, today: CalendarDate) -> JSONValue {
        let rows: [JSONValue] = state.certificates.keys.sorted().map { name in
            let record = state.certificates[name]!
            return [
                "name": .string(name), "order_id": .int(record.orderID), "status": .string(record.status.rawValue),
                "common_name": .string(record.commonName), "valid_till": JSONValue(record.validTill?.description),
                "days_left": JSONValue(record.validTill.map { today.days(until: $0) }),
            ]
        }
        return ["certificates": .array(rows), "serial": .int(state.serial), "lineage": JSONValue(state.lineage), "intents": .int(state.intents.count)]
    }

    static func text(_ state: State, location: String, today: CalendarDate) -> String {
        let names = state.certificates.keys.sorted()
        guard !names.isEmpty else { return "The state '\(Escape.terminal(location))' holds no orders.\n" }
        var rows = [["NAME", "ORDER", "STATUS", "EXPIRES", "DAYS LEFT", "COMMON NAME"]]
        for name in names {
            let record = state.certificates[name]!
            rows.append([
                name, String(record.orderID), record.status.rawValue, record.validTill?.description ?? "—",
                record.validTill.map { String(today.days(until: $0)) } ?? "—", record.commonName,
            ].map { Escape.terminal($0) })
        }
        let intents = state.intents.isEmpty ? "" : " · \(state.intents.count) unresolved intent\(plural(state.intents.count))"
        return table(rows) + "\n\(names.count) order\(plural(names.count)) · state serial \(state.serial)\(intents)\n"
    }

    /// `state list`: one line per record, then one per intent.
    static func list(_ state: State) {
        for name in state.certificates.keys.sorted() {
            let record = state.certificates[name]!
            Console.out("\(name)\torder \(record.orderID)\t\(record.status)")
        }
        for intent in state.intents {
            Console.out("intent \(intent.id)\t\(intent.name)\t\(intent.action) since \(intent.createdAt)")
        }
    }

    static func record(_ record: StateRecord) {
        Console.out(rendered: JSONWriter.pretty(record.json))
    }

    static func forgot(_ name: String, record: StateRecord, serial: Int) {
        Console.out("Forgot '\(name)' (order \(record.orderID), \(record.status)); state serial \(serial). The order still exists in CertCentral.")
    }

    static func resolved(_ intent: Intent, order: Int?, serial: Int) {
        if let order {
            Console.out("Recorded order \(order) for '\(intent.name)' (status pending until 'certform refresh'); state serial \(serial).")
        } else {
            Console.out("Intent \(intent.id) for '\(intent.name)' resolved as not placed; state serial \(serial).")
        }
    }

    static func migrated(_ result: StateMigration.Result) {
        let state = result.state
        Console.out("Migrated \(state.certificates.count) certificates and \(state.intents.count) intents (lineage \(state.lineage ?? "none"), serial \(state.serial)) from \(result.from) to \(result.to); the copy was read back and matches.")
    }

    static func imported(_ name: String, orderID: Int, status: String, validTill: String?, serial: Int) {
        let expiry = validTill.map { ", certificate valid till \($0)" } ?? ""
        Console.out("Imported order \(orderID) as '\(name)' (\(status)\(expiry)); state serial \(serial).")
    }

    /// `certform unlock`: true when the lock was removed.
    static func unlocked(_ result: StateLock.UnlockResult, location: String, lockID: String) -> Bool {
        switch result {
        case .removed(let info):
            Console.out("Removed lock \(info.id) (\(info.summary)).")
            return true
        case .noLock:
            Console.error("error: the state '\(location)' is not locked")
        case .otherLock(let info):
            Console.error("error: the state is locked by \(info.summary), not by \(lockID)")
        case .held(let info):
            Console.error("error: lock \(info.id) is held by a running process on this machine (\(info.summary)); it is released when that process ends")
        }
        return false
    }

    /// Columns padded to their widest cell; the last column is not padded.
    static func table(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        var widths = [Int](repeating: 0, count: first.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ") + "\n"
        }.joined()
    }
}
