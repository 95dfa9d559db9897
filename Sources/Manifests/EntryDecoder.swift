import Dates
import Foundation
import YAML

/// Decodes streamed `certificates` entries in the order they were sent: on a thread of its own
/// (`onThread`), so that the model is built while libyaml parses on the caller's, or else at
/// once, on the caller's thread, when other files keep the other cores busy. ``send(_:)`` hands
/// over a message; ``finish()`` waits until every message is decoded, after which ``streamed``
/// holds the result.
final class EntryDecoder: @unchecked Sendable {
    enum Message {
        case begin(Int, defaults: [YAMLPair], sawDefaults: Bool)
        case entries(Int, [YAMLPair])
    }

    /// What the messages build; used by one thread at a time.
    private struct Decoding {
        let file: String
        let asOf: CalendarDate
        var defaults: [YAMLPair] = []
        var current: (index: Int, streamed: DocumentReader.Streamed)?
        var streamed: [Int: DocumentReader.Streamed] = [:]

        mutating func handle(_ message: Message) {
            switch message {
            case .begin(let index, let found, let sawDefaults):
                if let current { streamed[current.index] = current.streamed }
                defaults = found
                current = (index, DocumentReader.Streamed(reader: DocumentReader(file: file, asOf: asOf), sawDefaults: sawDefaults))
            case .entries(_, let pairs):
                for pair in pairs {
                    if let spec = current!.streamed.reader.read(entry: pair, defaults: defaults) {
                        current!.streamed.specs.append(spec)
                    }
                }
            }
        }

        mutating func finish() {
            if let current { streamed[current.index] = current.streamed }
            current = nil
        }
    }

    private let condition = NSCondition()
    private var queue: [Message] = []
    private var finished = false
    private let done = DispatchSemaphore(value: 0)
    private let onThread: Bool
    /// Written only by the decoding thread until `finish()` returns.
    private var decoding: Decoding
    var streamed: [Int: DocumentReader.Streamed] { decoding.streamed }

    init(file: String, asOf: CalendarDate, onThread: Bool = true) {
        decoding = Decoding(file: file, asOf: asOf)
        self.onThread = onThread
        guard onThread else { return }
        let thread = Thread { [self] in
            while let messages = next() {
                for message in messages { decoding.handle(message) }
            }
            decoding.finish()
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    func send(_ message: Message) {
        guard onThread else {
            decoding.handle(message)
            return
        }
        condition.lock()
        queue.append(message)
        condition.signal()
        condition.unlock()
    }

    /// Waits until everything sent is decoded. Call once.
    func finish() {
        guard onThread else {
            decoding.finish()
            return
        }
        condition.lock()
        finished = true
        condition.signal()
        condition.unlock()
        done.wait()
    }

    /// Everything queued so far, or nil once finished and drained.
    private func next() -> [Message]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !finished { condition.wait() }
        if queue.isEmpty { return nil }
        defer { queue.removeAll(keepingCapacity: true) }
        return queue
    }
}
