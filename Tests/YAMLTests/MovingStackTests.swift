@testable import YAML
import Testing

/// The stack ``PlainAssembly`` makes lists and mappings on: elements come out in order, moved
/// (held once, by the array they go to), and every element left is destroyed with the stack.
@Suite struct MovingStackTests {
    /// Counts the boxes alive, so that a copy left behind or one destroyed twice shows.
    final class Box {
        nonisolated(unsafe) static var alive = 0
        let value: Int
        init(_ value: Int) {
            self.value = value
            Box.alive += 1
        }
        deinit { Box.alive -= 1 }
    }

    @Test func elementsComeOutInOrderMovedAndTheRestAreDestroyed() {
        let before = Box.alive
        do {
            let stack = MovingStack<Box>(capacity: 2)
            for value in 0..<5 { stack.push(Box(value)) }  // grows twice
            #expect(stack.count == 5 && stack[3].value == 3)
            do {
                let copied = stack.copy(from: 3)
                #expect(copied.map(\.value) == [3, 4] && stack.count == 5 && stack[4] === copied[1], "copied, still held")
                #expect(Box.alive - before == 5)
            }
            var taken = stack.take(from: 2)
            #expect(taken.map(\.value) == [2, 3, 4] && stack.count == 2)
            #expect(isKnownUniquelyReferenced(&taken[0]), "moved, not copied")
            #expect(Box.alive - before == 5)
            taken = []
            #expect(Box.alive - before == 2)
            for value in 10..<80 { stack.push(Box(value)) }
            #expect(stack.take(from: 70).map(\.value) == Array(78..<80) && stack.count == 70)
            #expect(stack.take(from: 70).isEmpty && stack[69].value == 77)
            stack.removeAll()
            #expect(stack.count == 0 && Box.alive == before)
            stack.push(Box(1))
            stack.push(Box(2))
        }
        #expect(Box.alive == before, "the stack's last elements go with it")
        // A stack made with no room grows as one with room does.
        let empty = MovingStack<Int>(capacity: 0)
        for value in 0..<3 { empty.push(value) }
        #expect(empty.take(from: 0) == [0, 1, 2])
    }
}
