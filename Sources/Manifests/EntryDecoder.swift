import Dates
import Foundation
import YAML

/// Decodes streamed `certificates` entries in the order they were sent: on a thread of its own
/// (`onThread`), so that the model is built while libyaml parses on the caller's, or else at
/// once, on the caller's thread, when other files keep the other cores busy. ``send(_:)`` hands
/// over a message; ``finish()`` waits until every message is decoded, after which
/// ``takeStreamed()`` hands over the result.
final class EntryDecoder: @unchecked Sendable {
    enum Message {
        case begin(Int, defaults: [YAMLPair], sawDefaults: Bool)
        /// The assembler of the document's recorded entries.
        case assembly(YAMLAssembler)
        case entries(Int, [Entry])
    }

    /// An entry as the parser sent it: made, or recorded for this thread to make.
    enum Entry {
        case made(YAMLPair)
        case recorded(YAMLRecordedEntry)
    }

    /// What the messages build; used by one thread at a time.
    private struct Decoding {
        let file: String
        let asOf: CalendarDate
        /// A state's names, for the certificates made (see ``StateNames``).
        var names: NameSharing
        var defaults: [YAMLPair] = []
        var current: (index: Int, streamed: DocumentReader.Streamed)?
        var streamed: [Int: DocumentReader.Streamed] = [:]
        var assembler: YAMLAssembler?
        /// Problems the assemblers found in recorded values (keys written twice inside them).
        var problems: [YAMLError] = []
        /// The first error in a recorded value; nothing is decoded after it.
        var failure: YAMLError?

        mutating func handle(_ message: Message) {
            switch message {
            case .begin(let index, let found, let sawDefaults):
                finishDocument()
                defaults = found
                current = (index, DocumentReader.Streamed(reader: DocumentReader(file: file, asOf: asOf), sawDefaults: sawDefaults))
            case .assembly(let made):
                assembler = made
            case .entries(_, let entries):
                for entry in entries { decode(entry) }
            }
        }

        mutating func decode(_ entry: Entry) {
            guard failure == nil else { return }
            let pair: YAMLPair
            switch entry {
            case .made(let made): pair = made
            case .recorded(let recorded):
                do { pair = try assembler!.pair(recorded) } catch {
                    failure = error
                    return
                }
                guard recorded.isUsed else { return }
            }
            guard var spec = current!.streamed.reader.read(entry: pair, defaults: defaults) else { return }
            if names.cameNow() { shareNamesOfEarlierSpecs() }
            names.share(&spec)
            current!.streamed.keys.append(spec, after: current!.streamed.specs.last)
            current!.streamed.specs.append(spec)
        }

        /// The certificates made before the state's names came, given them.
        mutating func shareNamesOfEarlierSpecs() {
            // The keys first: walking the dictionary's keys (or its values' indices) while
            // changing its values would copy it, and then every spec in it, which would then have
            // two holders and keep its own names.
            for index in Array(streamed.keys) { names.share(&streamed[index]!.specs) }
            names.share(&current!.streamed.specs)
        }

        /// Gives the buffers of the entries decoded so far back to the parser (see
        /// ``YAMLAssembler/recycle()``); call it once the messages that brought them are gone.
        func recycle() {
            assembler?.recycle()
        }

        mutating func finishDocument() {
            if let current { streamed[current.index] = current.streamed }
            current = nil
            problems += assembler?.problems ?? []
            assembler = nil
        }
    }

    private let condition = NSCondition()
    private var queue: [Message] = []
    private var finished = false
    private let done = DispatchSemaphore(value: 0)
    private let onThread: Bool
    /// Written only by the decoding thread until `finish()` returns.
    private var decoding: Decoding
    /// What was decoded, moved out (after ``finish()``): the decoder lives on with its thread for a
    /// while, and specs it still held could not be changed in place (``StateNames``).
    func takeStreamed() -> [Int: DocumentReader.Streamed] {
        defer { decoding.streamed = [:] }
        return decoding.streamed
    }
    /// Problems found in recorded values, and the first error in one (after ``finish()``).
    var problems: [YAMLError] { decoding.problems }
    var failure: YAMLError? { decoding.failure }

    init(file: String, asOf: CalendarDate, onThread: Bool = true, names: StateNames? = nil) {
        decoding = Decoding(file: file, asOf: asOf, names: NameSharing(names))
        self.onThread = onThread
        guard onThread else { return }
        let thread = Thread { [self] in
            while handleNext() { decoding.recycle() }
            decoding.finishDocument()
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Messages that may wait for the decoding thread: when it is the slower of the two, the
    /// parser waits rather than piling up recorded entries (a few thousand entries in all).
    static let maximumQueued = 4

    func send(_ message: Message) {
        guard onThread else {
            decoding.handle(message)
            return
        }
        condition.lock()
        while queue.count >= Self.maximumQueued { condition.wait() }
        queue.append(message)
        condition.broadcast()
        condition.unlock()
    }

    /// Handles the messages queued so far, and lets them go; false once finished and drained.
    private func handleNext() -> Bool {
        guard let messages = next() else { return false }
        for message in messages { decoding.handle(message) }
        return true
    }

    /// Gives the buffers of the entries decoded so far back to the parser, when they are decoded
    /// at once on the caller's thread: call it once the caller no longer holds what it sent.
    /// (The decoding thread does it itself.)
    func recycle() {
        guard !onThread else { return }
        decoding.recycle()
    }

    /// Waits until everything sent is decoded. Call once.
    func finish() {
        guard onThread else {
            decoding.finishDocument()
            return
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
        done.wait()
    }

    /// Everything queued so far, or nil once finished and drained.
    private func next() -> [Message]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !finished { condition.wait() }
        if queue.isEmpty { return nil }
        defer {
            queue.removeAll(keepingCapacity: true)
            condition.broadcast()  // a parser waiting for room
        }
        return queue
    }
}
