import Dispatch
import Foundation

/// `map` over every core, keeping the order: for independent, CPU-bound work on many items (a
/// CSR check per certificate). Work is split into a few chunks per core so that a slow chunk does
/// not leave a core idle.
///
/// Inlinable, so that each caller gets a copy specialized to its types: unspecialized, every
/// item was copied into the transform, and every result out of it, through the type's value
/// witnesses — a retain of each reference a certificate spec holds, for each spec a plan
/// decides, on two cores at once.
public enum ConcurrentMap {
    /// Fewer than `serialBelow` items are mapped on this thread: for light items (the default),
    /// handing out 63 of them costs more than it saves; a few heavy ones (whole files) are worth it.
    @inlinable
    public static func map<Element: Sendable, Result: Sendable>(_ items: [Element], serialBelow: Int = 64, _ transform: @Sendable (Element) -> Result) -> [Result] {
        items.withUnsafeBufferPointer { input in
            nonisolated(unsafe) let input = input
            return map(indices: items.count, serialBelow: serialBelow) { transform(input[$0]) }
        }
    }

    /// `transform` of each index of `0..<count`, in order, as ``map(_:serialBelow:_:)``.
    @inlinable
    public static func map<Result: Sendable>(indices count: Int, serialBelow: Int = 64, _ transform: @Sendable (Int) -> Result) -> [Result] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if count < max(serialBelow, 2) || cores < 2 { return (0..<count).map(transform) }
        let chunks = min(count, cores * 8)
        return [Result](unsafeUninitializedCapacity: count) { buffer, initialized in
            // Each index is written by exactly one chunk, so the writes never overlap.
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for index in (count * chunk / chunks)..<(count * (chunk + 1) / chunks) {
                    (output.baseAddress! + index).initialize(to: transform(index))
                }
            }
            initialized = count
        }
    }
}
