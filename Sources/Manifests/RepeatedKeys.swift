/// Finds the items whose key an earlier item has, each with the first item that had it, in the
/// items' order: an open-addressing table of positions at most half full, 4 bytes a slot, where
/// a dictionary of names held 32 (8.4 MB at 100,000 certificates, at the height of a plan's
/// memory). The checks for names defined twice and for shared common names use it.
enum RepeatedKeys {
    /// Calls `body(repeated, first)` for each position in `0..<count` whose `key` equals that of
    /// an earlier position, `first` being the earliest.
    static func forEach(count: Int, key: (Int) -> String, _ body: (_ repeated: Int, _ first: Int) -> Void) {
        precondition(count < Int(Int32.max), "positions fit in 32 bits")
        var capacity = 16
        while capacity < 2 * count { capacity *= 2 }
        let mask = capacity - 1
        var table = [Int32](repeating: -1, count: capacity)
        for position in 0..<count {
            let name = key(position)
            var slot = name.hashValue & mask
            var repeated = false
            while table[slot] >= 0 {
                let first = Int(table[slot])
                if key(first) == name {
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
