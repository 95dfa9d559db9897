import Synchronization

/// What kind of event libyaml reported, without its text.
enum EventKind: UInt8, Sendable {
    case streamStart, streamEnd, documentStart, documentEnd
    case alias, scalar
    case sequenceStart, sequenceEnd, mappingStart, mappingEnd
}

/// One event, copied out of libyaml's structure so that the structure can be reused.
struct Event: Sendable {
    enum Kind: Sendable {
        case streamStart, streamEnd, documentStart, documentEnd
        case alias(anchor: String)
        case scalar(value: String, style: ScalarStyle)
        case sequenceStart, sequenceEnd, mappingStart, mappingEnd
    }

    var kind: Kind
    var location: SourceLocation
    /// The anchor and tag, which few events have, behind one reference: two optional strings
    /// were 32 bytes, and up to two reference counts, on every copy of every event (an event
    /// with either now takes one).
    private var marks: Marks?

    final class Marks: Sendable {
        let anchor: String?
        /// Boxed as a node holds it, so that the node made from this event shares the box.
        let taggedAs: YAMLNode.Tag?
        var tag: String? { taggedAs?.tag }

        init(anchor: String?, tag: String?) {
            self.anchor = anchor
            taggedAs = tag.map(YAMLNode.Tag.init)
        }

        /// The marks of an event that has an anchor or a tag, or nil.
        static func of(anchor: String?, tag: String?) -> Marks? {
            anchor == nil && tag == nil ? nil : Marks(anchor: anchor, tag: tag)
        }
    }

    var anchor: String? { marks?.anchor }
    var tag: String? { marks?.tag }
    var taggedAs: YAMLNode.Tag? { marks?.taggedAs }

    init(kind: Kind, location: SourceLocation, marks: Marks?) {
        self.kind = kind
        self.location = location
        self.marks = marks
    }

    /// The event `raw` shows, its text made into a string.
    init(_ raw: RawEvent) {
        let kind: Kind
        switch raw.kind {
        case .streamStart: kind = .streamStart
        case .streamEnd: kind = .streamEnd
        case .documentStart: kind = .documentStart
        case .documentEnd: kind = .documentEnd
        case .alias: kind = .alias(anchor: String(decoding: raw.text, as: UTF8.self))
        case .scalar: kind = .scalar(value: String(decoding: raw.text, as: UTF8.self), style: raw.style)
        case .sequenceStart: kind = .sequenceStart
        case .sequenceEnd: kind = .sequenceEnd
        case .mappingStart: kind = .mappingStart
        case .mappingEnd: kind = .mappingEnd
        }
        self.init(kind: kind, location: raw.location, marks: raw.marks)
    }
}

/// An event read in place, in libyaml's structure or in ``RecordedEvents``: its text (a
/// scalar's value, an alias's anchor) points into what holds it, so a `RawEvent` must not outlive
/// the call it is handed to (copy it with ``Event/init(_:)`` or ``RecordedEvents/append(_:)``).
struct RawEvent {
    var kind: EventKind
    var location: SourceLocation
    var style: ScalarStyle = .plain
    var text = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    var marks: Event.Marks?
}

/// The events of one recorded entry (see ``YAMLAssembler``): a record of fixed size per event,
/// holding no reference, and the texts of its scalars and aliases one after another in a single
/// buffer. The parser records them; strings are made from them only when they are assembled
/// (on the decoding thread, for a file read alone). Made by the parser, each string was an
/// allocation on the thread that is the longer of the two, a retain and a release for every copy
/// of its event, and a free on the other thread (which, in glibc, can take the lock of the
/// parser's arena).
struct RecordedEvents: Sendable {
    fileprivate struct Record: Sendable {
        var location: SourceLocation
        var textStart: UInt32
        var textCount: UInt32
        var kind: EventKind
        var style: ScalarStyle
    }

    fileprivate private(set) var records: [Record] = []
    fileprivate private(set) var text: [UInt8] = []
    /// Anchors and tags, which few events have, by the index of their event.
    fileprivate private(set) var marks: [Int: Event.Marks] = [:]

    init() {
        // A large entry holds about 60 events and 700 bytes of text: one allocation each.
        records.reserveCapacity(64)
        text.reserveCapacity(1024)
    }

    var count: Int { records.count }

    /// The room in the events' buffers: records, and bytes of text.
    var recordCapacity: Int { records.capacity }
    var textCapacity: Int { text.capacity }
    /// The bytes of text the events hold.
    var textCount: Int { text.count }

    /// Empties the events and keeps their buffers' room, to record another entry in them.
    mutating func removeAll() {
        records.removeAll(keepingCapacity: true)
        text.removeAll(keepingCapacity: true)
        if !marks.isEmpty { marks.removeAll() }
    }

    /// Adds `raw`, copying its text.
    mutating func append(_ raw: RawEvent) throws(YAMLError) {
        // The texts of one entry would pass 4 GiB only in an input far beyond any manifest's limit.
        guard let start = UInt32(exactly: text.count), let count = UInt32(exactly: raw.text.count),
              UInt32.max - start >= count else {
            throw YAMLError("a value holds more than 4 GiB of text", at: raw.location)
        }
        if let marks = raw.marks { self.marks[records.count] = marks }
        records.append(Record(location: raw.location, textStart: start, textCount: count, kind: raw.kind, style: raw.style))
        if count > 0 { text.append(contentsOf: raw.text) }  // a third of the events have none
    }

    /// What kind the event at `index` is, and where.
    func kind(at index: Int) -> (EventKind, SourceLocation) {
        (records[index].kind, records[index].location)
    }

    /// The anchor of the event at `index`, if it defines one.
    func anchor(at index: Int) -> String? {
        marks(at: index)?.anchor
    }

    private func marks(at index: Int) -> Event.Marks? {
        marks.isEmpty ? nil : marks[index]
    }

    /// The text of the event at `index` (a scalar's value, an alias's anchor), made into a string.
    func text(at index: Int) -> String {
        withText(records[index]) { String(decoding: $0, as: UTF8.self) }
    }

    /// The event at `index`, its text made into a string.
    func event(at index: Int) -> Event {
        let record = records[index]
        return withText(record) { text in
            Event(RawEvent(kind: record.kind, location: record.location, style: record.style, text: text, marks: marks(at: index)))
        }
    }

    private func withText<Result>(_ record: Record, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        let start = Int(record.textStart), count = Int(record.textCount)
        return text.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<start + count])) }
    }

    /// The events made one after another, for the assembler.
    struct Reading {
        let events: RecordedEvents
        var position = 0

        init(_ events: RecordedEvents) {
            self.events = events
        }

        /// The next event, or nil when they have all been read.
        mutating func next() -> Event? {
            guard position < events.count else { return nil }
            defer { position += 1 }
            return events.event(at: position)
        }
    }
}

/// The buffers of entries already made into nodes, given back for the parser to record later
/// entries in: an entry's two buffers were otherwise allocated on the parsing thread and freed on
/// the decoding one, for every entry. Events should be given back once nothing else holds them,
/// so that the parser empties and fills them in place; one still held elsewhere is copied before
/// it is written to (arrays copy on write), which is correct, only slower.
final class RecordingPool: Sendable {
    private let spare = Mutex<[RecordedEvents]>([])
    /// More than the entries a parser can be ahead of its decoder (a few batches of 256).
    static let maximumSpare = 4096
    /// The buffers of an entry larger than this are not kept: every buffer in use would grow to
    /// the largest entry's size and stay so until the end of the file.
    static let maximumRecords = 1_024, maximumText = 64 << 10

    /// Events to record an entry in: given back ones, emptied, or new.
    func take() -> RecordedEvents {
        guard var events = spare.withLock({ $0.popLast() }) else { return RecordedEvents() }
        events.removeAll()
        return events
    }

    /// Takes the events out of `events`, which is left empty: moved under the lock, so that no
    /// other copy of one is left to make the parser copy it.
    func giveBack(_ events: inout [RecordedEvents]) {
        spare.withLock { spare in
            while let given = events.popLast() {
                if spare.count < Self.maximumSpare, given.recordCapacity <= Self.maximumRecords,
                   given.textCapacity <= Self.maximumText {
                    spare.append(given)
                }
            }
        }
    }
}

/// Makes the node of recorded events straight from their records, when they are plain: no
/// anchor or tag, no alias but to a node made before (`anchored`), no merge key, and no mapping
/// with a key written twice or with more than 16 keys — nearly every entry. For anything else it
/// answers nil, and the assembler's reader makes the node event by event, as the parser would
/// have, with the problems it finds. Both make the same node from plain events
/// (`RecordedEntriesTests`); this one skips making an ``Event`` per event and the reader's
/// bookkeeping, which was a third of decoding a large manifest. Its stacks are kept from one
/// entry to the next.
struct PlainAssembly {
    private let items = MovingStack<YAMLNode>()
    private let pairs = MovingStack<YAMLPair>()

    /// Past this many keys a mapping is left to the reader, which indexes them to find one written twice.
    static let maximumKeys = 16

    /// The node `events` make, whose value would be at `depth`, or nil when they are not plain.
    /// `anchored` gives the node an alias stands for (the latest defined under its name).
    mutating func node(of events: RecordedEvents, depth: Int, anchored: (String) -> YAMLNode?) -> YAMLNode? {
        guard events.marks.isEmpty, !events.records.isEmpty else { return nil }
        let made = events.records.withUnsafeBufferPointer { records in
            events.text.withUnsafeBufferPointer { text in
                var position = 0
                let node = make(records, text, at: &position, depth: depth, anchored: anchored)
                return position == records.count ? node : nil
            }
        }
        if made == nil {
            items.removeAll()
            pairs.removeAll()
        }
        return made
    }

    private mutating func make(_ records: UnsafeBufferPointer<RecordedEvents.Record>, _ text: UnsafeBufferPointer<UInt8>,
                               at position: inout Int, depth: Int, anchored: (String) -> YAMLNode?) -> YAMLNode? {
        guard position < records.count, depth <= YAMLParser.maximumDepth else { return nil }
        let record = records[position]
        position += 1
        switch record.kind {
        case .scalar:
            return YAMLNode(.scalar(Self.string(record, text), record.style), location: record.location, taggedAs: nil)
        case .alias:
            return anchored(Self.string(record, text))
        case .sequenceStart:
            let base = items.count
            while position < records.count, records[position].kind != .sequenceEnd {
                guard let item = make(records, text, at: &position, depth: depth + 1, anchored: anchored) else { return nil }
                items.push(item)
            }
            guard position < records.count else { return nil }
            position += 1
            return YAMLNode(.sequence(items.take(from: base)), location: record.location, taggedAs: nil)
        case .mappingStart:
            let base = pairs.count
            while position < records.count, records[position].kind != .mappingEnd {
                guard pairs.count - base < Self.maximumKeys, let key = make(records, text, at: &position, depth: depth + 1, anchored: anchored) else { return nil }
                if let name = key.scalarValue {
                    // A merge key (no tag here says otherwise) or a key written twice: the reader's.
                    if name == "<<" { return nil }
                    for index in base..<pairs.count where pairs[index].key.scalarValue == name { return nil }
                }
                guard let value = make(records, text, at: &position, depth: depth + 1, anchored: anchored) else { return nil }
                pairs.push(YAMLPair(key: key, value: value))
            }
            guard position < records.count else { return nil }
            position += 1
            return YAMLNode(.mapping(pairs.take(from: base)), location: record.location, taggedAs: nil)
        default:
            return nil
        }
    }

    private static func string(_ record: RecordedEvents.Record, _ text: UnsafeBufferPointer<UInt8>) -> String {
        let start = Int(record.textStart)
        return String(decoding: UnsafeBufferPointer(rebasing: text[start..<start + Int(record.textCount)]), as: UTF8.self)
    }
}
