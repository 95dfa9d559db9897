internal import CYAML

/// Reads YAML through the system libyaml's event API into ``YAMLNode`` trees.
///
/// - Aliases are expanded by sharing the anchored node (copy-on-write), and the number of nodes
///   that aliases add is bounded, so that a "billion laughs" document is refused at once instead
///   of exhausting memory later.
/// - Merge keys (`<<: *base`, `<<: [*a, *b]`) are applied: explicit keys win over merged ones,
///   and earlier merged mappings win over later ones.
/// - A duplicate key is reported as a problem; the first value is kept.
public enum YAMLParser {
    /// Nesting deeper than this is refused rather than risking the stack.
    public static let maximumDepth = 200

    /// Parses every document of `bytes`. Throws the first syntax error libyaml reports; problems
    /// that do not stop parsing come back in ``YAMLFile/problems``.
    public static func parse(_ bytes: [UInt8]) throws(YAMLError) -> YAMLFile {
        try read(bytes, streaming: nil)
    }

    /// Parses every document of `bytes` like ``parse(_:)``, but hands each entry of the mapping
    /// under the top-level key `streaming.key` to `streaming.entry` as soon as it is read, instead
    /// of keeping it in the tree: a large manifest is then never held as one tree (that mapping is
    /// left empty in the returned document, at its place, so its key and location still show).
    /// A mapping with an anchor is not streamed (an alias may refer to it).
    public static func parse(_ bytes: [UInt8], streaming: YAMLStreaming) throws(YAMLError) -> YAMLFile {
        try read(bytes, streaming: streaming)
    }

    /// Parses like ``parse(_:streaming:)``, taking the input a piece at a time from `input`
    /// (which fills the buffer it is given and returns how many bytes it wrote, 0 at the end, nil
    /// when it fails), so that the text is never held whole. A reader error — bad encoding, or
    /// `input` failing — is reported at line 1: a caller that wants its place parses the bytes
    /// whole (``parse(_:streaming:)``).
    package static func parse(reading input: @escaping (UnsafeMutableRawBufferPointer) -> Int?,
                              streaming: YAMLStreaming) throws(YAMLError) -> YAMLFile {
        let source = InputSource(input)
        return try withParser { (parser) throws(YAMLError) -> YAMLFile in
            yaml_parser_set_input(parser, { data, buffer, size, sizeRead in
                guard let data, let buffer, let sizeRead else { return 0 }
                let source = Unmanaged<InputSource>.fromOpaque(data).takeUnretainedValue()
                guard let count = source.read(UnsafeMutableRawBufferPointer(start: buffer, count: size)) else { return 0 }
                sizeRead.pointee = count
                return 1
            }, Unmanaged.passUnretained(source).toOpaque())
            return try withExtendedLifetime(source) { () throws(YAMLError) -> YAMLFile in
                var reader = EventReader(parser: parser, input: UnsafeBufferPointer(start: nil, count: 0))
                reader.streaming = streaming
                defer { reader.release() }
                return try reader.readStream()
            }
        }
    }

    /// What libyaml's read handler calls.
    private final class InputSource {
        let read: (UnsafeMutableRawBufferPointer) -> Int?
        init(_ read: @escaping (UnsafeMutableRawBufferPointer) -> Int?) { self.read = read }
    }

    private static func read(_ bytes: [UInt8], streaming: YAMLStreaming?) throws(YAMLError) -> YAMLFile {
        try withParser { (parser) throws(YAMLError) -> YAMLFile in
            try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> YAMLFile in
                // libyaml never writes to the input; an empty buffer still needs a valid pointer.
                var empty: UInt8 = 0
                let base = buffer.baseAddress ?? withUnsafePointer(to: &empty) { $0 }
                yaml_parser_set_input_string(parser, base, buffer.count)
                var reader = EventReader(parser: parser, input: UnsafeBufferPointer(start: base, count: buffer.count))
                reader.streaming = streaming
                defer { reader.release() }
                return try reader.readStream()
            }
        }
    }

    /// A libyaml parser for the length of `body`.
    private static func withParser(_ body: (UnsafeMutablePointer<yaml_parser_t>) throws(YAMLError) -> YAMLFile) throws(YAMLError) -> YAMLFile {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            throw YAMLError("libyaml could not be initialised", at: SourceLocation(line: 1, column: 1))
        }
        defer { yaml_parser_delete(parser) }
        return try body(parser)
    }

    /// Parses UTF-8 text.
    public static func parse(_ text: String) throws(YAMLError) -> YAMLFile {
        try parse(Array(text.utf8))
    }
}

/// Where ``YAMLParser/parse(_:streaming:)`` sends the entries it streams.
public struct YAMLStreaming {
    /// The top-level key whose mapping is streamed (`certificates`).
    public var key: String
    /// Called when the streamed mapping starts, with the document's index and the top-level pairs
    /// read before it (so that a `defaults` written first is known to the entries).
    public var begin: (_ document: Int, _ pairsBefore: [YAMLPair]) -> Void
    /// Called with each entry, in order; a duplicate key is reported as a problem, not sent.
    public var entry: (_ document: Int, _ pair: YAMLPair) -> Void

    /// Set by ``recording(key:begin:entry:recorded:)``.
    var recorded: ((_ document: Int, _ entry: YAMLRecordedEntry) -> Void)?
    var beginAssembly: ((_ document: Int, _ assembler: YAMLAssembler) -> Void)?

    public init(key: String, begin: @escaping (Int, [YAMLPair]) -> Void, entry: @escaping (Int, YAMLPair) -> Void) {
        self.key = key
        self.begin = begin
        self.entry = entry
    }

    /// Streams like ``init(key:begin:entry:)``, except that the value of each entry is not made
    /// into a node by the parser: its events are recorded and sent to `recorded`, to be made into
    /// a node later (in the loader, on a second thread for a file read alone) by the ``YAMLAssembler`` that `assembly` receives when
    /// the streamed mapping starts, entry after entry in the order they are sent. Entries that
    /// come from merge keys (`<<`) still go to `entry`, made. The parser throws an error whose
    /// ``YAMLError/needsWholeRead`` is true when an anchor is defined or used in a way only a
    /// parser holding every node can follow (see ``YAMLAssembler``): read the file again without
    /// streaming.
    public static func recording(key: String, begin: @escaping (Int, [YAMLPair]) -> Void,
                                 assembly: @escaping (Int, YAMLAssembler) -> Void,
                                 entry: @escaping (Int, YAMLPair) -> Void,
                                 recorded: @escaping (Int, YAMLRecordedEntry) -> Void) -> YAMLStreaming {
        var streaming = YAMLStreaming(key: key, begin: begin, entry: entry)
        streaming.recorded = recorded
        streaming.beginAssembly = assembly
        return streaming
    }
}

/// One entry of a streamed mapping whose value was recorded as events (see
/// ``YAMLStreaming/recording(key:begin:assembly:entry:recorded:)``).
public struct YAMLRecordedEntry: Sendable {
    public let key: YAMLNode
    /// False for an entry whose key repeats an earlier one (reported as a problem): its value
    /// must still be assembled, for the anchors it defines and the errors it holds, but not used.
    public let isUsed: Bool
    fileprivate let events: RecordedEvents
    /// The error that stopped the recording (the entry is then not used): the assembler throws
    /// it when the events run out, unless it finds an earlier one in them.
    fileprivate let stop: YAMLError?
}

/// Makes the recorded values of a streamed mapping into nodes, in the order they were recorded,
/// as the parser would have: with the anchors defined before the mapping and in the values
/// before, merge keys and duplicate-key problems. The parser has already refused what it would
/// have refused in these values (depth, unknown aliases, the alias budget, counted once for the
/// whole document). Used by one thread at a time. It keeps the events of the entries it made
/// until ``recycle()`` gives them back to the parser: call it after every batch, or a document's
/// recorded entries are all held until the assembler goes.
public final class YAMLAssembler: @unchecked Sendable {
    private var reader: EventReader
    private var plain = PlainAssembly()
    private let depth: Int
    /// False to make every value event by event (tests hold both ways to the same nodes).
    var makesPlainNodes = true
    /// How many values were made straight from their records (``PlainAssembly``).
    private(set) var plainEntries = 0

    /// Where the events of the entries made go back to, for the parser (see ``recycle()``).
    private let pool: RecordingPool
    /// The events of the entries made since ``recycle()`` was last called.
    private var made: [RecordedEvents] = []

    fileprivate init(anchors: [String: EventReader.Anchored], depth: Int, pool: RecordingPool) {
        reader = EventReader(parser: nil, input: UnsafeBufferPointer(start: nil, count: 0))
        reader.anchors = anchors
        reader.countsAliases = false
        self.depth = depth
        self.pool = pool
    }

    /// Gives the buffers of the entries made so far back to the parser, to record later entries
    /// in. Call it once nothing else holds those entries (the batch that brought them is gone),
    /// or their buffers are copied before they are reused.
    public func recycle() {
        guard !made.isEmpty else { return }
        pool.giveBack(&made)
    }

    deinit { reader.release() }

    /// Problems found in the values assembled so far (keys written twice inside them).
    public var problems: [YAMLError] { reader.problems }

    /// The entry's key and its value made into a node. The entry's events are kept for
    /// ``recycle()``.
    public func pair(_ entry: YAMLRecordedEntry) throws(YAMLError) -> YAMLPair {
        made.append(entry.events)
        if makesPlainNodes, entry.stop == nil,
           let value = plain.node(of: entry.events, depth: depth, anchored: { self.reader.anchors[$0]?.node }) {
            plainEntries += 1
            return YAMLPair(key: entry.key, value: value)
        }
        reader.replay = RecordedEvents.Reading(entry.events)
        reader.replayStop = entry.stop
        defer { reader.replay = nil }
        let first = try reader.next()
        return YAMLPair(key: entry.key, value: try reader.readNode(first, depth: depth).node)
    }
}

/// The recursive-descent reader over libyaml events.
private struct EventReader {
    /// nil for a reader that assembles recorded events (``YAMLAssembler``).
    let parser: UnsafeMutablePointer<yaml_parser_t>?
    let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
    /// The recorded events being assembled, instead of libyaml's.
    var replay: RecordedEvents.Reading?
    /// Anchors defined inside recorded values, with their sizes: the parser counts aliases to
    /// them, but cannot resolve one to a node.
    var recordedAnchorSizes: [String: Int] = [:]
    /// The collections open in the value being recorded (see ``record(key:depth:names:)``),
    /// kept from one entry to the next so that their room is not allocated again for each.
    private var openWhileRecording: [(anchor: String?, size: Int)] = []
    /// False for the assembler: the parser counted every alias of the values it recorded.
    var countsAliases = true
    /// The error that stopped the recording of the value being assembled, if one did.
    var replayStop: YAMLError?
    /// True while the entries of a streamed mapping are being recorded.
    var isRecording = false
    /// Anchored nodes with their expanded sizes; a struct, not a tuple: a dictionary of tuples
    /// copied each value through the runtime's generic tuple witnesses (an alias in every entry).
    var anchors: [String: Anchored] = [:]
    struct Anchored {
        var node: YAMLNode
        var size: Int
    }
    /// The children of the lists and mappings being read, innermost last.
    let itemStack = MovingStack<YAMLNode>()
    let pairStack = MovingStack<YAMLPair>()
    /// The buffers recorded entries are recorded in, given back once made into nodes.
    let recordingPool = RecordingPool()
    var streaming: YAMLStreaming?
    var documentIndex = 0
    var problems: [YAMLError] = []
    /// Nodes read from the text, and nodes added by expanding aliases.
    var parsedNodes = 0
    var aliasNodes = 0

    /// The whole input, to turn a reader error's byte offset into a line and column.
    let input: UnsafeBufferPointer<UInt8>

    init(parser: UnsafeMutablePointer<yaml_parser_t>?, input: UnsafeBufferPointer<UInt8>) {
        self.parser = parser
        self.input = input
    }

    func release() {
        event.deallocate()
    }

    /// Aliases may add at most this many nodes beyond what the text itself holds.
    var aliasBudget: Int { 1_000_000 + 10 * parsedNodes }

    mutating func readStream() throws(YAMLError) -> YAMLFile {
        var documents: [YAMLNode] = []
        guard case .streamStart = try next().kind else { throw unexpected("stream start") }
        while true {
            let event = try next()
            switch event.kind {
            case .streamEnd:
                return YAMLFile(documents: documents, problems: problems)
            case .documentStart:
                anchors.removeAll(keepingCapacity: true)
                recordedAnchorSizes.removeAll()
                let root = try readNode(try next(), depth: 0).node
                documents.append(root)
                documentIndex += 1
                guard case .documentEnd = try next().kind else { throw unexpected("document end") }
            default:
                throw YAMLError("unexpected YAML event", at: event.location)
            }
        }
    }

    /// Reads the node that starts with `event`; returns it with its expanded size in nodes.
    mutating func readNode(_ event: Event, depth: Int) throws(YAMLError) -> (node: YAMLNode, size: Int) {
        if depth > YAMLParser.maximumDepth {
            throw YAMLError.tooDeep(at: event.location)
        }
        let result: (node: YAMLNode, size: Int)
        switch event.kind {
        case .alias(let anchor):
            return try resolveAlias(anchor, at: event.location)
        case .scalar(let value, let style):
            parsedNodes += 1
            result = (YAMLNode(.scalar(value, style), location: event.location, taggedAs: event.taggedAs), 1)
        case .sequenceStart:
            parsedNodes += 1
            result = try readSequence(event, depth: depth)
        case .mappingStart:
            parsedNodes += 1
            result = try readMapping(event, depth: depth)
        default:
            throw YAMLError("unexpected YAML event", at: event.location)
        }
        if let anchor = event.anchor {
            // An anchor the parser defines while values are recorded would be unknown to the
            // assembler, which took the anchors when the mapping began.
            if isRecording { throw YAMLError.wholeReadNeeded(at: event.location) }
            anchors[anchor] = Anchored(node: result.node, size: result.size)
        }
        return result
    }

    /// The node anchored as `anchor`, counted against the alias budget.
    mutating func resolveAlias(_ anchor: String, at location: SourceLocation) throws(YAMLError) -> (node: YAMLNode, size: Int) {
        // The latest definition of the name may be inside a recorded value, where only the
        // assembler knows it.
        if recordedAnchorSizes[anchor] != nil { throw YAMLError.wholeReadNeeded(at: location) }
        guard let target = anchors[anchor] else {
            throw YAMLError.unknownAlias(anchor, at: location)
        }
        if countsAliases { try countAlias(target.size, at: location) }
        return (target.node, target.size)
    }

    /// Counts an alias's nodes against the document's budget.
    mutating func countAlias(_ size: Int, at location: SourceLocation) throws(YAMLError) {
        aliasNodes += size
        if aliasNodes > aliasBudget {
            throw YAMLError(
                "aliases expand this document beyond \(aliasBudget) nodes; refusing it (a 'billion laughs' document?)",
                at: location)
        }
    }

    /// Reads a list, from its start event to its end; returns it with its expanded size in nodes.
    mutating func readSequence(_ start: Event, depth: Int) throws(YAMLError) -> (node: YAMLNode, size: Int) {
        // Children gather on a stack shared by every level, so each list is allocated once, at
        // its final size.
        let base = itemStack.count
        var size = 1
        while true {
            let item = try next()
            if case .sequenceEnd = item.kind { break }
            let child = try readNode(item, depth: depth + 1)
            itemStack.push(child.node)
            size += child.size
        }
        let items = itemStack.take(from: base)
        return (YAMLNode(.sequence(items), location: start.location, taggedAs: start.taggedAs), size)
    }

    /// Reads a mapping, from its start event to its end, with its merge keys applied; returns it
    /// with its expanded size in nodes. When `streams`, its entries go to `streaming` instead.
    mutating func readMapping(_ start: Event, depth: Int, streams: Bool = false) throws(YAMLError) -> (node: YAMLNode, size: Int) {
        // Pairs gather on a stack shared by every level (see sequences).
        var keys = KeyIndex(base: pairStack.count)
        var merges: [YAMLNode] = []
        var streamedNames = StreamedNames()
        var size = 1
        while true {
            let keyEvent = try next()
            if case .mappingEnd = keyEvent.kind { break }
            let key = try readNode(keyEvent, depth: depth + 1)
            if streams, streaming?.recorded != nil, !isMergeKey(key.node) {
                size += key.size + (try record(key: key.node, depth: depth + 1, names: &streamedNames))
                continue
            }
            let value = try readValue(ofKey: key.node, depth: depth, keys: keys)
            size += key.size + value.size
            if isMergeKey(key.node) {
                merges.append(value.node)
                continue
            }
            let name = key.node.scalarValue
            if streams {
                stream(key: key.node, name: name, value: value.node, names: &streamedNames)
                continue
            }
            if let name, let first = keys.firstLocation(of: name, in: pairStack) {
                reportDuplicate(name, first: first, at: key.node.location)
                continue
            }
            keys.add(YAMLPair(key: key.node, value: value.node), name: name, to: pairStack)
        }
        try merge(merges, streams: streams, keys: &keys, streamedNames: &streamedNames)
        let pairs = pairStack.take(from: keys.base)
        return (YAMLNode(.mapping(pairs), location: start.location, taggedAs: start.taggedAs), size)
    }

    /// Reads the value of a mapping's pair; the mapping under the top-level `streaming.key` (the
    /// first one, without an anchor) is streamed instead of kept.
    mutating func readValue(ofKey key: YAMLNode, depth: Int, keys: KeyIndex) throws(YAMLError) -> (node: YAMLNode, size: Int) {
        let valueEvent = try next()
        if depth == 0, let streaming, case .mappingStart = valueEvent.kind, valueEvent.anchor == nil,
           key.scalarValue == streaming.key, keys.firstLocation(of: streaming.key, in: pairStack) == nil {
            streaming.begin(documentIndex, pairStack.copy(from: keys.base))
            parsedNodes += 1
            guard let beginAssembly = streaming.beginAssembly else {
                return try readMapping(valueEvent, depth: depth + 1, streams: true)
            }
            beginAssembly(documentIndex, YAMLAssembler(anchors: anchors, depth: depth + 2, pool: recordingPool))
            isRecording = true
            defer { isRecording = false }
            return try readMapping(valueEvent, depth: depth + 1, streams: true)
        }
        return try readNode(valueEvent, depth: depth + 1)
    }

    /// Records the events of an entry's value, whose node would be at `depth`, and hands them to
    /// `streaming.recorded`; returns the value's size in nodes. What ``readNode(_:depth:)`` would
    /// refuse is refused here, at the same event: a depth past the limit (before the rest of a
    /// deep value is held), an unknown alias, and aliases beyond the document's budget — the
    /// sizes of anchors defined in recorded values are worked out as they are recorded, so the
    /// budget is the one document-wide count the parser keeps. On any error the events read so
    /// far are handed over too, ending with the error: an earlier one in them (a merge key of the
    /// wrong kind in a mapping closed before) is the assembler's to find.
    mutating func record(key: YAMLNode, depth: Int, names: inout StreamedNames) throws(YAMLError) -> Int {
        var events = recordingPool.take()
        // The collections open in the value: each one's anchor and expanded size so far.
        var open = openWhileRecording
        openWhileRecording = []
        open.removeAll(keepingCapacity: true)
        defer { openWhileRecording = open }
        var size = 0
        do throws(YAMLError) {
            repeat {
                try nextRaw { (raw) throws(YAMLError) in try events.append(raw) }
                if let done = try recordedNode(events, at: events.count - 1, depth: depth, open: &open) {
                    if let anchor = done.anchor { recordedAnchorSizes[anchor] = done.size }
                    if open.isEmpty { size = done.size } else { open[open.count - 1].size += done.size }
                }
            } while !open.isEmpty
        } catch {
            streaming!.recorded!(documentIndex, YAMLRecordedEntry(key: key, isUsed: false, events: events, stop: error))
            throw error
        }
        var isUsed = true
        if let name = key.scalarValue, let first = names.insertUnlessRecorded(name, at: key.location) {
            reportDuplicate(name, first: first, at: key.location)
            isUsed = false
        }
        streaming!.recorded!(documentIndex, YAMLRecordedEntry(key: key, isUsed: isUsed, events: events, stop: nil))
        return size
    }

    /// The event recorded last, at `index` of `events`: the node it completes (its anchor and
    /// size), if it completes one.
    private mutating func recordedNode(_ events: RecordedEvents, at index: Int, depth: Int, open: inout [(anchor: String?, size: Int)]) throws(YAMLError) -> (anchor: String?, size: Int)? {
        let (kind, location) = events.kind(at: index)
        switch kind {
        case .sequenceEnd, .mappingEnd:
            return open.removeLast()
        default:
            break
        }
        if depth + open.count > YAMLParser.maximumDepth {
            throw YAMLError.tooDeep(at: location)
        }
        switch kind {
        case .alias:
            // The latest definition: in a value recorded before, or else the parser's own.
            let anchor = events.text(at: index)
            guard let size = recordedAnchorSizes[anchor] ?? anchors[anchor]?.size else {
                throw YAMLError.unknownAlias(anchor, at: location)
            }
            try countAlias(size, at: location)
            return (nil, size)
        case .sequenceStart, .mappingStart:
            parsedNodes += 1
            open.append((events.anchor(at: index), 1))
            return nil
        default:
            parsedNodes += 1
            return (events.anchor(at: index), 1)
        }
    }

    /// Hands a streamed entry to `streaming.entry`, unless its key repeats an earlier one: only
    /// the names are kept, to find duplicates; the entry itself goes.
    mutating func stream(key: YAMLNode, name: String?, value: YAMLNode, names: inout StreamedNames) {
        if let name, let first = names.insertUnlessRecorded(name, at: key.location) {
            reportDuplicate(name, first: first, at: key.location)
            return
        }
        streaming!.entry(documentIndex, YAMLPair(key: key, value: value))
    }

    /// Applies a mapping's merge keys (`<<`): a merged pair is added only when its key is not
    /// there yet, so explicit keys win, and earlier merged mappings win over later ones.
    mutating func merge(_ merges: [YAMLNode], streams: Bool, keys: inout KeyIndex, streamedNames: inout StreamedNames) throws(YAMLError) {
        for merge in merges {
            let sources: [YAMLNode]
            switch merge.kind {
            case .mapping: sources = [merge]
            case .sequence(let items): sources = items
            case .scalar:
                throw YAMLError("the merge key '<<' takes a mapping or a list of mappings", at: merge.location)
            }
            for source in sources {
                guard case .mapping(let merged) = source.kind else {
                    throw YAMLError("the merge key '<<' takes a mapping or a list of mappings", at: source.location)
                }
                for pair in merged {
                    guard let name = pair.key.scalarValue else { continue }
                    if streams {
                        if streamedNames[name] == nil {
                            streamedNames.insert(name, at: pair.key.location)
                            streaming!.entry(documentIndex, pair)
                        }
                        continue
                    }
                    if keys.firstLocation(of: name, in: pairStack) == nil {
                        keys.add(pair, name: name, to: pairStack)
                    }
                }
            }
        }
    }

    /// Reports a key that repeats one at `first`; the first value is kept.
    mutating func reportDuplicate(_ name: String, first: SourceLocation, at location: SourceLocation) {
        problems.append(YAMLError(
            "duplicate key '\(name)' (first defined at line \(first.line), column \(first.column))",
            at: location))
    }

    func isMergeKey(_ node: YAMLNode) -> Bool {
        // Asked of every key: its length first, which rules out nearly all of them.
        guard case .scalar(let name, let style) = node.kind, name.utf8.count == 2, name == "<<" else { return false }
        return (style == .plain && node.tag == nil) || node.tag == YAMLNode.mergeTag
    }

    func unexpected(_ expected: String) -> YAMLError {
        YAMLError("malformed YAML event stream (expected \(expected))", at: parser.map { location($0.pointee.mark) } ?? SourceLocation(line: 1, column: 1))
    }

    func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(zeroBasedLine: Int(mark.line), column: Int(mark.column))
    }

    /// The next event, copied out; libyaml's own error becomes a ``YAMLError`` at its mark.
    mutating func next() throws(YAMLError) -> Event {
        if replay != nil {
            guard let recorded = replay!.next() else {
                throw replayStop ?? YAMLError("malformed YAML event stream (a recorded value ends early)", at: SourceLocation(line: 1, column: 1))
            }
            return recorded
        }
        return try nextRaw { Event($0) }
    }

    /// libyaml's next event, shown in place to `body` (its text is libyaml's, valid only until
    /// `body` returns: `body` copies what it keeps, and never returns the `RawEvent`); libyaml's
    /// own error becomes a ``YAMLError`` at its mark.
    func nextRaw<Result>(_ body: (RawEvent) throws(YAMLError) -> Result) throws(YAMLError) -> Result {
        guard let parser, yaml_parser_parse(parser, event) == 1 else {
            throw parserError()
        }
        defer { yaml_event_delete(event) }
        let raw = event.pointee
        let at = location(raw.start_mark)
        switch raw.type {
        case YAML_STREAM_START_EVENT: return try body(RawEvent(kind: .streamStart, location: at))
        case YAML_STREAM_END_EVENT: return try body(RawEvent(kind: .streamEnd, location: at))
        case YAML_DOCUMENT_START_EVENT: return try body(RawEvent(kind: .documentStart, location: at))
        case YAML_DOCUMENT_END_EVENT: return try body(RawEvent(kind: .documentEnd, location: at))
        case YAML_ALIAS_EVENT:
            return try body(RawEvent(kind: .alias, location: at, text: Self.text(raw.data.alias.anchor)))
        case YAML_SCALAR_EVENT:
            let scalar = raw.data.scalar
            return try body(RawEvent(kind: .scalar, location: at, style: Self.style(scalar.style),
                                     text: UnsafeBufferPointer(start: scalar.value, count: scalar.value == nil ? 0 : scalar.length),
                                     marks: marks(anchor: scalar.anchor, tag: scalar.tag)))
        case YAML_SEQUENCE_START_EVENT:
            let start = raw.data.sequence_start
            return try body(RawEvent(kind: .sequenceStart, location: at, marks: marks(anchor: start.anchor, tag: start.tag)))
        case YAML_SEQUENCE_END_EVENT: return try body(RawEvent(kind: .sequenceEnd, location: at))
        case YAML_MAPPING_START_EVENT:
            let start = raw.data.mapping_start
            return try body(RawEvent(kind: .mappingStart, location: at, marks: marks(anchor: start.anchor, tag: start.tag)))
        case YAML_MAPPING_END_EVENT: return try body(RawEvent(kind: .mappingEnd, location: at))
        default:
            return try body(RawEvent(kind: .streamEnd, location: at))
        }
    }

    /// How a scalar was written.
    static func style(_ style: yaml_scalar_style_t) -> ScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }

    /// The bytes of a C string of libyaml's, without its terminating zero (none for nil).
    static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> UnsafeBufferPointer<UInt8> {
        guard let pointer else { return UnsafeBufferPointer(start: nil, count: 0) }
        var count = 0
        while pointer[count] != 0 { count += 1 }
        return UnsafeBufferPointer(start: pointer, count: count)
    }

    /// An event's anchor and tag, made into strings when it has either.
    func marks(anchor: UnsafeMutablePointer<yaml_char_t>?, tag pointer: UnsafeMutablePointer<yaml_char_t>?) -> Event.Marks? {
        if anchor == nil && pointer == nil { return nil }  // nearly every event
        return .of(anchor: string(anchor), tag: tag(pointer))
    }

    func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(decoding: Self.text($0), as: UTF8.self) }
    }

    /// The tag, or nil for the non-specific `!` that libyaml reports for plain nodes.
    func tag(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let tag = string(pointer), tag != "!" else { return nil }
        return tag
    }

    func parserError() -> YAMLError {
        guard let raw = parser?.pointee else { return YAMLError("invalid YAML", at: SourceLocation(line: 1, column: 1)) }
        let problem = raw.problem.map { String(cString: $0) } ?? "invalid YAML"
        var message = problem
        if let context = raw.context.map({ String(cString: $0) }) {
            message = "\(problem) \(context)"
        }
        if raw.error == YAML_READER_ERROR {
            // Reader errors (bad encoding) carry a byte offset instead of a mark.
            message = "\(problem) (the file must be UTF-8 text)"
            var offset = Int(raw.problem_offset)
            if problem.contains("trailing"), offset > 0, offset <= input.count {
                // Point at the character whose continuation bytes are wrong, not past it.
                offset -= 1
                while offset > 0, input[offset] & 0xC0 == 0x80 { offset -= 1 }
            }
            return YAMLError(message, at: location(ofByte: offset))
        }
        return YAMLError(message, at: location(raw.problem_mark))
    }

    /// The 1-based line and column (in characters) of the byte at `offset`.
    func location(ofByte offset: Int) -> SourceLocation {
        var line = 1, column = 1
        for index in 0..<min(offset, input.count) {
            let byte = input[index]
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourceLocation(line: line, column: column)
    }
}

/// Where a mapping being read has its keys: a scan of its pairs on the shared stack while it is
/// small, and a dictionary once it is large, to find duplicate keys.
private struct KeyIndex {
    /// Where the mapping's pairs start on the shared stack.
    let base: Int
    private var index: [String: SourceLocation]?

    init(base: Int) {
        self.base = base
    }

    /// Where `name` is first a key of the mapping, if it is one.
    func firstLocation(of name: String, in stack: MovingStack<YAMLPair>) -> SourceLocation? {
        if let index { return index[name] }
        // By position: iterating the pairs copied each one, its value's tree retained and released.
        for position in base..<stack.count where stack[position].key.scalarValue == name { return stack[position].key.location }
        return nil
    }

    /// Adds `pair` to the mapping; past 16 pairs, the names are indexed.
    mutating func add(_ pair: YAMLPair, name: String?, to stack: MovingStack<YAMLPair>) {
        stack.push(pair)
        guard let name else { return }
        index?[name] = pair.key.location
        if index == nil, stack.count - base > 16 {
            var built: [String: SourceLocation] = [:]
            for position in base..<stack.count {
                if let name = stack[position].key.scalarValue, built[name] == nil { built[name] = stack[position].key.location }
            }
            index = built
        }
    }
}
