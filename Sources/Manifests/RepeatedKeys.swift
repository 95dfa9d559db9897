import Parallel

/// Finds the items whose key an earlier item has, each with the first item that had it, in the
/// items' order: an open-addressing table of positions at most half full, 4 bytes a slot, where
/// a dictionary of names held 32 (8.4 MB at 100,000 certificates, at the height of a plan's
/// memory). The checks for names defined twice and for shared common names use it.
enum RepeatedKeys {
    /// Calls `body(repeated, first)` for each position in `0..<count` whose `key` equals that of
    /// an earlier position, `first` being the earliest.
    static func forEach(count: Int, key: @Sendable (Int) -> String, _ body: (_ repeated: Int, _ first: Int) -> Void) {
        forEach(count: count, hash: { key($0).hashValue }, equal: { key($0) == key($1) }, body)
    }

    /// The same, with keys that are not strings: `hash` of a position's key, and whether two
    /// positions' keys are `equal` (equal keys must hash alike). The hashes are worked out first,
    /// on every core, and keys are compared only where the hashes are the same: this check runs
    /// on one core once every manifest is read, and hashing 100,000 keys there was most of it.
    static func forEach(count: Int, hash: @Sendable (Int) -> Int, equal: (Int, Int) -> Bool, _ body: (_ repeated: Int, _ first: Int) -> Void) {
        // The hashes add to a plan's memory at its height (it is reached while these checks run):
        // 32 bits of each are enough to pick a slot and to skip most comparisons, 0.4 MB at
        // 100,000 where whole hashes would take 0.8.
        forEach(hashes: ConcurrentMap.map(indices: count, serialBelow: 4096) { UInt32(truncatingIfNeeded: hash($0)) }, equal: equal, body)
    }

    /// The same, with each position's hash worked out already (``CheckKeys``).
    static func forEach(hashes: [UInt32], equal: (Int, Int) -> Bool, _ body: (_ repeated: Int, _ first: Int) -> Void) {
        let count = hashes.count
        precondition(count < Int(Int32.max), "positions fit in 32 bits")
        var capacity = 16
        while capacity < 2 * count { capacity *= 2 }
        let mask = capacity - 1
        var table = [Int32](repeating: -1, count: capacity)
        for position in 0..<count {
            var slot = Int(hashes[position]) & mask
            var repeated = false
            while table[slot] >= 0 {
                let first = Int(table[slot])
                if hashes[first] == hashes[position] && equal(position, first) {
                    body(position, first)
                    repeated = true
                    break
                }
                slot = (slot + 1) & mask
            }
            if !repeated { table[slot] = Int32(position) }
        }
    }
}
