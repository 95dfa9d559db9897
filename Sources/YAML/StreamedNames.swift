/// The keys of a streamed mapping and where each is first written, kept to find a key written
/// twice after the entries themselves have gone to the decoder.
///
/// The names lie side by side in one buffer, found through an open-addressing table of positions
/// at most half full: at 100,000 certificates a `[String: SourceLocation]` took 9.5 MB, at the
/// end of loading, when a plan's memory is at its height; this takes about 3.
struct StreamedNames {
    private var bytes: [UInt8] = []
    /// Where each name ends in `bytes` (it starts where the one before ends).
    private var ends: [Int] = []
    private var locations: [SourceLocation] = []
    /// Positions in `ends`, or -1 for a free slot; empty until a name is recorded (most mappings
    /// are not streamed and record none).
    private var table: [Int32] = []

    /// Where `name` was first written, if it was.
    subscript(name: String) -> SourceLocation? {
        var name = name
        guard !table.isEmpty else { return nil }
        return name.withUTF8 { text in find(text).found.map { locations[$0] } }
    }

    /// Records `name`, not recorded yet, as written at `location`.
    mutating func insert(_ name: String, at location: SourceLocation) {
        var name = name
        name.withUTF8 { text in
            if 2 * (ends.count + 1) > table.count { grow() }
            let (slot, found) = find(text)
            precondition(found == nil, "a name is recorded once")
            table[slot] = Int32(ends.count)
            bytes.append(contentsOf: text)
            ends.append(bytes.count)
            locations.append(location)
        }
    }

    /// The slot of `text`, or of the free slot where it would go, and its position if recorded.
    private func find(_ text: UnsafeBufferPointer<UInt8>) -> (slot: Int, found: Int?) {
        let mask = table.count - 1
        var slot = Self.hash(text) & mask
        return bytes.withUnsafeBufferPointer { stored in
            while table[slot] >= 0 {
                let position = Int(table[slot])
                let start = position == 0 ? 0 : ends[position - 1]
                if ends[position] - start == text.count,
                   UnsafeBufferPointer(rebasing: stored[start..<ends[position]]).elementsEqual(text) {
                    return (slot, position)
                }
                slot = (slot + 1) & mask
            }
            return (slot, nil)
        }
    }

    private mutating func grow() {
        let capacity = max(16, table.count * 2)
        var grown = [Int32](repeating: -1, count: capacity)
        bytes.withUnsafeBufferPointer { stored in
            var start = 0
            for (position, end) in ends.enumerated() {
                var slot = Self.hash(UnsafeBufferPointer(rebasing: stored[start..<end])) & (capacity - 1)
                while grown[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
                grown[slot] = Int32(position)
                start = end
            }
        }
        table = grown
    }

    private static func hash(_ text: UnsafeBufferPointer<UInt8>) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(text))
        return hasher.finalize()
    }
}
