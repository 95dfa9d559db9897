import Dispatch
import Foundation

/// `map` over every core, keeping the order: for independent, CPU-bound work on many items (a
/// CSR check per certificate). Work is split into a few chunks per core so that a slow chunk does
/// not leave a core idle.
public enum ConcurrentMap {
    public static func map<Element: Sendable, Result: Sendable>(_ items: [Element], _ transform: @Sendable (Element) -> Result) -> [Result] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if items.count < 64 || cores < 2 { return items.map(transform) }
        let chunks = min(items.count, cores * 8)
        return [Result](unsafeUninitializedCapacity: items.count) { buffer, initialized in
            // Each index is written by exactly one chunk, so the writes never overlap.
            nonisolated(unsafe) let output = buffer
            items.withUnsafeBufferPointer { input in
                nonisolated(unsafe) let input = input
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let range = (items.count * chunk / chunks)..<(items.count * (chunk + 1) / chunks)
                    for index in range {
                        (output.baseAddress! + index).initialize(to: transform(input[index]))
                    }
                }
            }
            initialized = items.count
        }
    }
}
