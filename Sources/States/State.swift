import Foundation
import JSON

/// A problem with the content of a state file.
public struct StateFormatError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The whole state (SPEC §3): which orders exist for which certificate names, and which orders may
/// be in flight.
public struct State: Sendable, Hashable {
    public static let formatVersion = 1
    /// The largest serial a state may hold: 2^53 − 1, which every JSON reader keeps exactly.
    public static let maxSerial = 9_007_199_254_740_991

    /// Set when the state is first written, never changed: tells one state's history from another's.
    public var lineage: String?
    /// +1 on every write.
    public var serial: Int
    public var certificates: [String: StateRecord]
    public var intents: [Intent]
    /// Top-level fields certform does not know, kept as written.
    public var extra: [String: JSONValue]

    /// The serial of the next write: one more, refused (before anything is written, or sent)
    /// when that would pass ``maxSerial`` and make the state unreadable.
    public func nextSerial(path: String) throws(StateError) -> Int {
        guard serial < State.maxSerial else {
            throw .unwritable(path: path, reason: "its serial \(serial) is the largest a state may hold; it cannot be written until its serial is set lower by hand")
        }
        return serial + 1
    }

    /// The empty state that a missing file stands for.
    public init() {
        lineage = nil
        serial = 0
        certificates = [:]
        intents = []
        extra = [:]
    }

    /// Certificate records decoded while the state file was parsed (see ``StateStore/load()``),
    /// with the first record that did not decode.
    public struct StreamedRecords: Sendable {
        var records: [String: StateRecord] = [:]
        var firstError: StateFormatError?

        public init() {}

        /// Room for about as many records as a state file of `bytes` holds (certform writes some
        /// 700 to 1,100 bytes a record): the table then is not rebuilt, every name hashed again,
        /// each time it fills up (a fifth of reading 100,000 records into it). At most a million
        /// (a table of some 40 MB): a larger file, or one padded to look large, grows it as before.
        public mutating func reserveCapacity(forFileOf bytes: Int) {
            records.reserveCapacity(min(max(0, bytes) / 900, 1 << 20))
        }

        public mutating func add(name: String, json: JSONValue) {
            guard firstError == nil else { return }
            do {
                try State.checkName(name, path: "certificates")
                records[name] = try StateRecord(json: json, path: "certificates.\(name)")
            } catch {
                firstError = error
            }
        }
    }

    /// Certificate names are manifest names (`[a-z0-9]([a-z0-9._-]{0,62})`): anything else in a
    /// state file is not certform's, and is refused before it reaches a plan, a log or a comment.
    static func checkName(_ name: String, path: String) throws(StateFormatError) {
        let bytes = name.utf8
        let valid = (1...63).contains(bytes.count) && bytes.enumerated().allSatisfy { index, byte in
            (97...122).contains(byte) || (48...57).contains(byte) || (index > 0 && (byte == 45 || byte == 46 || byte == 95))
        }
        guard valid else {
            let shown = String(decoding: bytes.prefix(64), as: UTF8.self).unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? String($0) : "?" }.joined()
            throw StateFormatError("\(path) holds the name '\(shown)', which is not a certificate name ([a-z0-9][a-z0-9._-]{0,62})")
        }
    }

    public init(json: JSONValue) throws(StateFormatError) {
        try self.init(json: json, streamed: nil)
    }

    /// Reads a state whose `certificates` were decoded while parsing (`streamed`); the object
    /// under `certificates` in `json` is then empty. The format version is checked first all the
    /// same, so a newer file is refused for its version, not for a record this one cannot read.
    public init(json: JSONValue, streamed: StreamedRecords?) throws(StateFormatError) {
        guard case .object(let object) = json else { throw StateFormatError("the state must be a JSON object, found \(json.typeName)") }
        guard let version = object["format_version"] else { throw StateFormatError("format_version is missing") }
        guard version.intValue == State.formatVersion else {
            throw StateFormatError("format_version \(JSONWriter.compact(version)) is not one this certform reads (it reads \(State.formatVersion)); use a newer certform")
        }
        guard let lineage = object["lineage"]?.stringValue, !lineage.isEmpty else { throw StateFormatError("lineage must be a non-empty string") }
        // At most 2^53 − 1, the largest integer every JSON reader keeps exactly (``nextSerial(path:)``).
        guard let serial = object["serial"]?.intValue, (0...State.maxSerial).contains(serial) else {
            throw StateFormatError("serial must be an integer from 0 to \(State.maxSerial)")
        }
        self.lineage = lineage
        self.serial = serial
        if let error = streamed?.firstError { throw error }
        var certificates = streamed?.records ?? [:]
        switch object["certificates"] {
        case .object(let entries)?:
            // Empty when the records were streamed: reserving then would copy them all.
            if !entries.isEmpty { certificates.reserveCapacity(certificates.count + entries.count) }
            for (name, entry) in entries {
                try State.checkName(name, path: "certificates")
                certificates[name] = try StateRecord(json: entry, path: "certificates.\(name)")
            }
        case nil, .null?: break
        case let other?: throw StateFormatError("certificates must be an object, found \(other.typeName)")
        }
        self.certificates = certificates
        var intents: [Intent] = []
        switch object["intents"] {
        case .array(let items)?:
            for (index, item) in items.enumerated() { intents.append(try Intent(json: item, path: "intents[\(index)]")) }
        case nil, .null?: break
        case let other?: throw StateFormatError("intents must be an array, found \(other.typeName)")
        }
        self.intents = intents
        extra = object.filter { !["format_version", "lineage", "serial", "certificates", "intents"].contains($0.key) }
    }

    public var json: JSONValue {
        var object = frameObject
        object["certificates"] = .object(certificates.mapValues(\.json))
        return .object(object)
    }

    /// Every top-level field but the records: `certificates` is an empty object here.
    var frameObject: [String: JSONValue] {
        var object = extra
        object["format_version"] = .int(State.formatVersion)
        object["lineage"] = JSONValue(lineage)
        object["serial"] = .int(serial)
        object["certificates"] = .object([:])
        object["intents"] = .array(intents.map(\.json))
        return object
    }

    /// The file's text: sorted keys, two-space indentation, one trailing newline.
    public var fileText: String { JSONWriter.pretty(json) }
}
