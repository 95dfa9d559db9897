import Dates
import Foundation
import YAML

/// Decodes streamed `certificates` entries on a thread of its own, in the order they were sent.
/// ``send(_:)`` hands over a message; ``finish()`` waits until every message is decoded, after
/// which ``streamed`` holds the result.
final class EntryDecoder: @unchecked Sendable {
    enum Message {
        case begin(Int, defaults: [YAMLPair], sawDefaults: Bool)
        case entries(Int, [YAMLPair])
    }

    private let condition = NSCondition()
    private var queue: [Message] = []
    private var finished = false
    private let done = DispatchSemaphore(value: 0)
    /// Written only by the decoding thread until `finish()` returns.
    private(set) var streamed: [Int: DocumentReader.Streamed] = [:]

    init(file: String, asOf: CalendarDate) {
        let thread = Thread { [self] in
            var defaults: [YAMLPair] = []
            var current: (index: Int, streamed: DocumentReader.Streamed)?
            while let messages = next() {
                for message in messages {
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
            }
            if let current { streamed[current.index] = current.streamed }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    func send(_ message: Message) {
        condition.lock()
        queue.append(message)
        condition.signal()
        condition.unlock()
    }

    /// Waits until everything sent is decoded. Call once.
    func finish() {
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
