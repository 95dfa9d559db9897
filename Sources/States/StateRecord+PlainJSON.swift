import CertCentralAPI
import Dates
import Digests
import Foundation
import JSON

extension StateRecord.Fields {
    /// The name and fields of the record that `text` holds (`"name": {…}`, a member of the state's
    /// `certificates`), read straight from the text when it is plain (``JSONPlainMember``) and
    /// every field is one certform knows, of the type and form ``init(json:path:)`` takes; nil
    /// otherwise (an unknown field, history, a value of the wrong type, a malformed date), for
    /// ``init(json:path:)`` to read or to say what is wrong. Both give equal fields: a record
    /// certform wrote is read here, one written by hand may go the long way.
    static func plain(_ text: UnsafeBufferPointer<UInt8>) -> (name: String, fields: StateRecord.Fields)? {
        guard let read = plain(prefixOf: text), read.taken == text.count else { return nil }
        return (read.name, read.fields)
    }

    /// ``plain(_:)`` of the record that `text` starts with, whatever follows it, and how many
    /// bytes it took (``JSONPlainMember/read(prefixOf:name:field:)``).
    static func plain(prefixOf text: UnsafeBufferPointer<UInt8>) -> (name: String, fields: StateRecord.Fields, taken: Int)? {
        var name = ""
        var record = PlainRecord()
        guard let taken = JSONPlainMember.read(prefixOf: text, name: { name = PlainRecord.string($0) }, field: { record.take($0, $1) }),
              let fields = record.fields else { return nil }
        return (name, fields, taken)
    }

    /// A record's fields as its plain members are read, in order (a field written twice keeps
    /// its last value, as in the long way).
    private struct PlainRecord {
        var orderID: Int?, product: Product?, commonName: UnsafeBufferPointer<UInt8>?, status: OrderStatus?
        var dnsNames: [UnsafeBufferPointer<UInt8>] = []
        var certificateID: Int?, dcvMethod: DCVMethod?
        var spec: RecordDigest?, settings: RecordDigest?, csr: RecordDigest?
        var ordered: RecordText?, thumbprint: RecordText?, serial: RecordText?
        var validFrom: CalendarDate?, validTill: CalendarDate?, orderValidTill: CalendarDate?
        var rare = Rare()

        static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

        /// The fields, once every required one was read.
        var fields: StateRecord.Fields? {
            guard let orderID, let product, let commonName, let status else { return nil }
            var fields = StateRecord.Fields(orderID: orderID, product: product,
                                            names: CertificateNames(commonName: commonName, dnsNames: dnsNames), status: status)
            fields.certificateID = certificateID
            fields.dcvMethod = dcvMethod
            (fields.spec, fields.settings, fields.csr) = (spec, settings, csr)
            (fields.ordered, fields.thumbprintText, fields.serial) = (ordered, thumbprint, serial)
            (fields.validFrom, fields.validTill, fields.orderValidTill) = (validFrom, validTill, orderValidTill)
            fields.rare = rare
            return fields
        }

        /// Takes one member; false when the long way must read the record (a field it does not
        /// know, or a value it would refuse or read otherwise).
        mutating func take(_ key: UnsafeBufferPointer<UInt8>, _ value: JSONPlainValue) -> Bool {
            let string = Self.string
            switch Key(key) {
            case .orderID?:
                guard case .int(let number) = value else { return false }
                orderID = number
            case .certificateID?: return Self.integer(value, into: &certificateID)
            case .product?:
                guard case .string(let bytes) = value, let known = Product(rawValue: string(bytes)) else { return false }
                product = known
            case .commonName?:
                guard case .string(let bytes) = value else { return false }
                commonName = bytes
            case .dnsNames?:
                switch value {
                case .null: dnsNames = []
                case .strings(let items): dnsNames = items
                default: return false
                }
            case .specDigest?: return Self.optional(value, { RecordDigest(utf8: $0) }, into: &spec)
            case .settingsDigest?: return Self.optional(value, { RecordDigest(utf8: $0) }, into: &settings)
            case .csrDigest?: return Self.optional(value, { RecordDigest(utf8: $0) }, into: &csr)
            case .status?:
                guard case .string(let bytes) = value else { return false }
                status = OrderStatus(string(bytes))
            case .orderedAt?: return Self.optional(value, { RecordText(utf8: $0) }, into: &ordered)
            case .renewalOfOrderID?: return Self.integer(value, into: &rare.renewalOfOrderID)
            case .dcvMethod?: return Self.optional(value, { DCVMethod(rawValue: string($0)) }, into: &dcvMethod)
            case .dcvRandomValue?: return Self.optional(value, string, into: &rare.dcvRandomValue)
            case .dcvExpiresAt?: return Self.optional(value, { RecordText(utf8: $0) }, into: &rare.dcvExpires)
            case .dcvPublishedValue?: return Self.optional(value, string, into: &rare.dcvPublishedValue)
            case .validFrom?: return Self.optional(value, Self.date, into: &validFrom)
            case .validTill?: return Self.optional(value, Self.date, into: &validTill)
            case .orderValidTill?: return Self.optional(value, Self.date, into: &orderValidTill)
            case .thumbprint?: return Self.optional(value, { RecordText(utf8: $0) }, into: &thumbprint)
            case .serialNumber?: return Self.optional(value, { RecordText(utf8: $0) }, into: &serial)
            case .history?:
                // Earlier orders are objects, kept as written: the long way.
                switch value {
                case .null: rare.history = []
                case .strings(let items) where items.isEmpty: rare.history = []
                default: return false
                }
            case .autoReissue?:
                switch value {
                case .null: rare.autoReissue = nil
                case .bool(let flag): rare.autoReissue = flag
                default: return false
                }
            case nil:
                return false  // kept in `extra`: the long way
            }
            return true
        }

        /// An optional field's value: nil for null, `read` of a string, or false when it is neither.
        static func optional<T>(_ value: JSONPlainValue, _ read: (UnsafeBufferPointer<UInt8>) -> T?, into field: inout T?) -> Bool {
            switch value {
            case .null: field = nil
            case .string(let bytes):
                guard let read = read(bytes) else { return false }
                field = read
            default: return false
            }
            return true
        }

        static func integer(_ value: JSONPlainValue, into field: inout Int?) -> Bool {
            switch value {
            case .null: field = nil
            case .int(let number): field = number
            default: return false
            }
            return true
        }

        static func date(_ bytes: UnsafeBufferPointer<UInt8>) -> CalendarDate? { CalendarDate(utf8: bytes) }
    }

    /// The fields of ``StateRecord/knownKeys``, told apart by their bytes.
    private enum Key {
        case orderID, certificateID, product, commonName, dnsNames, specDigest, settingsDigest, csrDigest, status
        case orderedAt, renewalOfOrderID, dcvMethod, dcvRandomValue, dcvExpiresAt, dcvPublishedValue
        case validFrom, validTill, orderValidTill, thumbprint, serialNumber, history, autoReissue

        static let all: [(key: [UInt8], field: Key)] = ([
            ("order_id", .orderID), ("certificate_id", .certificateID), ("product", .product),
            ("common_name", .commonName), ("dns_names", .dnsNames), ("spec_digest", .specDigest),
            ("settings_digest", .settingsDigest), ("csr_digest", .csrDigest), ("status", .status),
            ("ordered_at", .orderedAt), ("renewal_of_order_id", .renewalOfOrderID), ("dcv_method", .dcvMethod),
            ("dcv_random_value", .dcvRandomValue), ("dcv_expires_at", .dcvExpiresAt),
            ("dcv_published_value", .dcvPublishedValue), ("valid_from", .validFrom), ("valid_till", .validTill),
            ("order_valid_till", .orderValidTill), ("thumbprint", .thumbprint), ("serial_number", .serialNumber),
            ("history", .history), ("auto_reissue", .autoReissue),
        ] as [(String, Key)]).map { (Array($0.0.utf8), $0.1) }

        /// The keys by their length, so that a key is compared with one or two of them.
        static let byLength: [[(key: [UInt8], field: Key)]] = {
            var table = [[(key: [UInt8], field: Key)]](repeating: [], count: all.map(\.key.count).max()! + 1)
            for entry in all { table[entry.key.count].append(entry) }
            return table
        }()

        init?(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard bytes.count < Self.byLength.count else { return nil }
            for (key, field) in Self.byLength[bytes.count] where key.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) {
                self = field
                return
            }
            return nil
        }
    }
}

extension State.StreamedRecords {
    /// Adds the record that `text` starts with when it is plain (``StateRecord/Fields/plain(prefixOf:)``),
    /// and returns how many bytes it took (the member and the whitespace around it, as
    /// ``JSONParser/parse(reading:streaming:member:plain:pieceSize:)`` asks); nil, adding
    /// nothing, when it must be parsed and read the long way (``add(name:json:)``) — and after an
    /// error, so that the rest of the text is still parsed and a later syntax error still reported.
    mutating func add(plain text: UnsafeBufferPointer<UInt8>) -> Int? {
        guard firstError == nil, let (name, fields, taken) = StateRecord.Fields.plain(prefixOf: text) else { return nil }
        do {
            try State.checkName(name, path: "certificates")
        } catch {
            firstError = error
            return taken
        }
        records[name] = StateRecord(fields: fields)
        return taken
    }
}
