import Dispatch
import Foundation

/// `map` over every core, keeping the order: for independent, CPU-bound work on many items (a
/// CSR check per certificate). Work is split into a few chunks per core so that a slow chunk does
/// not leave a core idle.
public enum ConcurrentMap {
    /// Fewer than `serialBelow` items are mapped on this thread: for light items (the default),
    /// handing out 63 of them costs more than it saves; a few heavy ones (whole files) are worth it.
    public static func map<Element: Sendable, Result: Sendable>(_ items: [Element], serialBelow: Int = 64, _ transform: @Sendable (Element) -> Result) -> [Result] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if items.count < max(serialBelow, 2) || cores < 2 { return items.map(transform) }
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
