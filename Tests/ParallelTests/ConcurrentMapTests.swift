import Foundation
import Parallel
import Testing

@Suite struct ConcurrentMapTests {
    @Test(arguments: [0, 1, 63, 64, 1000, 10_007])
    func keepsOrderAndEveryElement(count: Int) {
        let items = Array(0..<count)
        #expect(ConcurrentMap.map(items) { $0 * 3 + 1 } == items.map { $0 * 3 + 1 })
    }
}

@Suite struct ConcurrentMapWorkTests {
    /// Every element is transformed exactly once, whatever thread does it.
    @Test func eachElementExactlyOnce() {
        let counter = Counter()
        let items = Array(0..<5_000)
        _ = ConcurrentMap.map(items) { item -> Int in
            counter.add()
            return item
        }
        #expect(counter.value == items.count)
    }

    @Test func largeElementsKeepTheirPlaces() {
        let items = (0..<300).map { String(repeating: "x", count: $0) }
        #expect(ConcurrentMap.map(items) { $0.count } == Array(0..<300))
    }
}

final class Counter: @unchecked Sendable {
    private var count = 0
    private let lock = NSLock()
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
