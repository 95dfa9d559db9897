/// The keys of a streamed mapping and where each is first written, kept to find a key written
/// twice after the entries themselves have gone to the decoder.
///
/// Names are the same when Swift's `==` says so (canonically equivalent Unicode), as the
/// whole-tree reader finds them. They lie side by side in one buffer, found through an
/// open-addressing table of positions at most half full: at 100,000 certificates a
/// `[String: SourceLocation]` took 9.5 MB at the end of loading, when a plan's memory is at its
/// height; this takes about 3.
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
        guard !table.isEmpty else { return nil }
        return find(name).found.map { locations[$0] }
    }

    /// Records `name`, not recorded yet, as written at `location`.
    mutating func insert(_ name: String, at location: SourceLocation) {
        let first = insertUnlessRecorded(name, at: location)
        precondition(first == nil, "a name is recorded once")
    }

    /// Records `name` as written at `location`, unless it was recorded before: then where it was
    /// first written. One look-up for a streamed key, where asking and then inserting took two.
    mutating func insertUnlessRecorded(_ name: String, at location: SourceLocation) -> SourceLocation? {
        if 2 * (ends.count + 1) > table.count { grow() }
        let (slot, found) = find(name)
        if let found { return locations[found] }
        table[slot] = Int32(ends.count)
        bytes.append(contentsOf: name.utf8)
        ends.append(bytes.count)
        locations.append(location)
        return nil
    }

    /// The slot of `name`, or of the free slot where it would go, and its position if recorded.
    private func find(_ name: String) -> (slot: Int, found: Int?) {
        let mask = table.count - 1
        var slot = name.hashValue & mask
        while table[slot] >= 0 {
            let position = Int(table[slot])
            if self.name(at: position) == name { return (slot, position) }
            slot = (slot + 1) & mask
        }
        return (slot, nil)
    }

    /// The name recorded at `position` (a short name is built without a heap allocation).
    private func name(at position: Int) -> String {
        let start = position == 0 ? 0 : ends[position - 1]
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<ends[position]]), as: UTF8.self) }
    }

    private mutating func grow() {
        let capacity = max(16, table.count * 2)
        var grown = [Int32](repeating: -1, count: capacity)
        for position in ends.indices {
            var slot = name(at: position).hashValue & (capacity - 1)
            while grown[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            grown[slot] = Int32(position)
        }
        table = grown
    }
}
