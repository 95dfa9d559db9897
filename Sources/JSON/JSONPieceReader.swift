extension JSONParser {
    /// Parses like ``parse(_:streaming:member:)``, taking the text a piece at a time from `input`
    /// (which fills the buffer it is given and returns how many bytes it wrote, 0 at the end, nil
    /// when it fails), so that a large state file is never held whole: only the text outside the
    /// streamed object, and one member at a time, are.
    ///
    /// Returns nil — some members may have been handed over already — when the text is not in the
    /// plain form read this way: anything that does not parse, the streamed key written twice or
    /// with escapes, or `input` failing. The caller then parses the whole text, which gives the
    /// same answer or the exact place of the error.
    ///
    /// `plain`, when given, is offered each member first (`"name": {…}`), and takes it by
    /// returning how many bytes it took — any whitespace, the member, and any whitespace after it;
    /// a member it leaves (nil) is parsed and handed to `member`. It is offered the rest of the
    /// piece from where a member starts, and takes the member it starts with when the piece holds
    /// all of it (``JSONPlainMember/read(prefixOf:name:field:)``): most members are never copied
    /// or scanned apart from that. A member cut by the end of a piece is scanned to its end and
    /// offered alone. `plain` must not take text that does not parse: ``JSONPlainMember`` reads
    /// only what parses.
    public static func parse(reading input: (UnsafeMutableRawBufferPointer) -> Int?, streaming key: String,
                             member: @escaping (String, JSONValue) -> Void,
                             plain: ((UnsafeBufferPointer<UInt8>) -> Int?)? = nil, pieceSize: Int = 1 << 18) -> JSONValue? {
        var scanner = PieceScanner(key: Array(key.utf8), member: member, plain: plain)
        var piece = [UInt8](repeating: 0, count: max(1, pieceSize))
        while true {
            guard let count = piece.withUnsafeMutableBytes({ input($0) }) else { return nil }
            if count == 0 { break }
            let fits = piece.withUnsafeBufferPointer { scanner.scan(UnsafeBufferPointer(rebasing: $0[0..<count])) }
            guard fits else { return nil }
        }
        guard !scanner.inside, let value = try? parse(scanner.skeleton) else { return nil }
        return value
    }
}

/// Splits JSON text, piece by piece, into the text outside the object under the top-level key
/// (`skeleton`, where that object is left empty) and that object's members, each parsed on its
/// own as soon as it is complete. It follows strings (and their escapes) and nesting only as far
/// as needed to find where each member ends; the parser checks everything else.
private struct PieceScanner {
    let key: [UInt8]
    let member: (String, JSONValue) -> Void
    let plain: ((UnsafeBufferPointer<UInt8>) -> Int?)?
    /// The text outside the streamed object.
    var skeleton: [UInt8] = []
    var depth = 0
    var inString = false
    var escaped = false
    /// In the top-level object: the next string is a key; a key is being read; its bytes; the
    /// next value is that key's.
    var expectsKey = false
    var readingKey = false
    var lastKey: [UInt8] = []
    var expectsValue = false
    var streamedSeen = false
    /// Set when the text is found not to be in the form read this way.
    var failed = false
    /// Inside the streamed object: the current member's text, wrapped as `[{…}]` to be parsed as
    /// an object of one member at the depth it has in the file (the array stands for the
    /// top-level object, so that the nesting limit falls where it does in a whole parse), and
    /// the nesting within it.
    var inside = false
    var current: [UInt8] = Self.opening
    var memberDepth = 0
    var afterComma = false
    /// A member may start here: the streamed object was opened or a member ended, and nothing of
    /// the next has been scanned. The current member was taken by `plain` straight from the piece,
    /// and only whitespace may follow it before its ',' or '}'.
    var atMemberStart = false
    var memberTaken = false

    static let opening: [UInt8] = [UInt8(ascii: "["), UInt8(ascii: "{")]

    init(key: [UInt8], member: @escaping (String, JSONValue) -> Void, plain: ((UnsafeBufferPointer<UInt8>) -> Int?)?) {
        self.key = key
        self.member = member
        self.plain = plain
    }

    /// Scans one piece; false when the text is not in the form read this way.
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = 0, index = 0
        while index < bytes.count {
            if atMemberStart {
                atMemberStart = false
                if let taken = takePlain(UnsafeBufferPointer(rebasing: bytes[index...])) {
                    index += taken
                    start = index
                    memberTaken = true
                    continue
                }
            }
            if inside && inString && !escaped {
                // Most of a member is the inside of its strings: only a quote or a backslash
                // matters there.
                while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
                if index == bytes.count { break }
            }
            let byte = bytes[index]
            if inside {
                guard let ended = insideByte(byte) else { return false }
                if ended {
                    current.append(contentsOf: bytes[start..<index])
                    guard finishMember(closes: byte == UInt8(ascii: "}")) else { return false }
                    start = index + 1
                    atMemberStart = byte == UInt8(ascii: ",")
                    if byte == UInt8(ascii: "}") {
                        // The streamed object ends: the skeleton keeps it, empty.
                        inside = false
                        skeleton.append(byte)
                        depth -= 1
                    }
                }
            } else if outsideByte(byte) {
                // The streamed object starts: the skeleton keeps its brace, not its members.
                skeleton.append(contentsOf: bytes[start...index])
                start = index + 1
                inside = true
                atMemberStart = true
            }
            index += 1
        }
        if inside { current.append(contentsOf: bytes[start..<bytes.count]) } else { skeleton.append(contentsOf: bytes[start..<bytes.count]) }
        return !failed
    }

    /// A byte outside the streamed object; true when it opens that object.
    mutating func outsideByte(_ byte: UInt8) -> Bool {
        if inString {
            if escaped {
                escaped = false
                if readingKey { failed = true }  // an escaped top-level key: left to the parser
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                inString = false
                if readingKey { readingKey = false }
            } else if readingKey {
                lastKey.append(byte)
            }
            return false
        }
        switch byte {
        case UInt8(ascii: "\""):
            inString = true
            if depth == 1 && expectsKey {
                readingKey = true
                expectsKey = false
                lastKey.removeAll(keepingCapacity: true)
            } else if depth == 1 {
                expectsValue = false
            }
        case UInt8(ascii: ":"):
            if depth == 1 { expectsValue = true }
        case UInt8(ascii: ","):
            if depth == 1 { expectsKey = true; expectsValue = false }
        case UInt8(ascii: "{"):
            if depth == 1 && expectsValue && lastKey == key {
                expectsValue = false
                if streamedSeen { failed = true; return false }
                streamedSeen = true
                depth += 1
                return true
            }
            depth += 1
            if depth == 1 { expectsKey = true }
            expectsValue = false
        case UInt8(ascii: "["):
            depth += 1
            expectsValue = false
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            depth -= 1
        case 0x20, 0x09, 0x0A, 0x0D:
            break
        default:
            if depth == 1 { expectsValue = false }
        }
        return false
    }

    /// A byte inside the streamed object: true when it ends the current member (a ',' or the
    /// object's '}' outside any string or nesting), nil when the text is malformed.
    mutating func insideByte(_ byte: UInt8) -> Bool? {
        if inString {
            if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            return false
        }
        switch byte {
        case UInt8(ascii: "\""): inString = true
        case UInt8(ascii: "{"), UInt8(ascii: "["): memberDepth += 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            if memberDepth == 0 { return byte == UInt8(ascii: "}") ? true : nil }
            memberDepth -= 1
        case UInt8(ascii: ","):
            if memberDepth == 0 { return true }
        default: break
        }
        return false
    }

    /// The member that `bytes` start with, taken by `plain` when the piece holds all of it: how
    /// many bytes it took. Only where nothing of the member has been scanned yet.
    func takePlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let plain, !inString, current.count == Self.opening.count else { return nil }
        return plain(bytes)
    }

    /// Parses the member just ended; an empty one is fine only as the whole of an empty object.
    mutating func finishMember(closes: Bool) -> Bool {
        defer {
            current.removeAll(keepingCapacity: true)
            current += Self.opening
            afterComma = !closes
        }
        let isEmpty = current.dropFirst(Self.opening.count).allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        if memberTaken {
            memberTaken = false
            return isEmpty
        }
        if isEmpty { return closes && !afterComma }
        if let plain, let taken = current.withUnsafeBufferPointer({ plain(UnsafeBufferPointer(rebasing: $0[Self.opening.count...])) }) {
            // Anything after the member but whitespace is not JSON.
            return taken == current.count - Self.opening.count
        }
        current += [UInt8(ascii: "}"), UInt8(ascii: "]")]
        guard case .array(let items)? = try? JSONParser.parse(current), items.count == 1, case .object(let members) = items[0],
              members.count == 1, let (name, value) = members.first else {
            return false
        }
        member(name, value)
        return true
    }
}
