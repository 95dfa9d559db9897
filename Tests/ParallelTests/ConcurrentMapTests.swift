import Parallel
import Testing

@Suite struct ConcurrentMapTests {
    @Test(arguments: [0, 1, 63, 64, 1000, 10_007])
    func keepsOrderAndEveryElement(count: Int) {
        let items = Array(0..<count)
        #expect(ConcurrentMap.map(items) { $0 * 3 + 1 } == items.map { $0 * 3 + 1 })
    }
}
