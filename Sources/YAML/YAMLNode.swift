/// How a scalar was written. Only plain scalars can be `null`, booleans or numbers; a quoted or
/// block scalar is always a string.
public enum ScalarStyle: Sendable, Hashable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// One node of a YAML document, after aliases and merge keys are resolved.
///
/// Every node carries the location of its first character. A node reached through an alias keeps
/// the location where its anchor was defined.
public struct YAMLNode: Sendable {
    public enum Kind: Sendable {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public var kind: Kind
    public var location: SourceLocation
    /// The resolved tag, when the document wrote one (`!!str` becomes `tag:yaml.org,2002:str`).
    public var tag: String? {
        get { taggedAs?.tag }
        set { taggedAs = newValue.map(Tag.init) }
    }

    /// The tag, which few nodes have, behind one reference: a node is 40 bytes rather than 48,
    /// and every tree of every entry is made of them. The parser hands over its event's box.
    private var taggedAs: Tag?

    /// A tag behind a reference. Prints as its text, so that a printed node (tests compare trees
    /// by it) shows its tag.
    final class Tag: Sendable, CustomStringConvertible {
        let tag: String
        init(_ tag: String) { self.tag = tag }
        var description: String { tag.debugDescription }
    }

    public init(_ kind: Kind, location: SourceLocation, tag: String? = nil) {
        self.init(kind, location: location, taggedAs: tag.map(Tag.init))
    }

    /// A node with the tag its event holds, the box shared rather than made again.
    init(_ kind: Kind, location: SourceLocation, taggedAs: Tag?) {
        self.kind = kind
        self.location = location
        self.taggedAs = taggedAs
    }

    /// The scalar's text, for a scalar node.
    public var scalarValue: String? {
        if case .scalar(let value, _) = kind { return value }
        return nil
    }

    /// True for a plain `null`, `~` or empty scalar without a tag that says otherwise.
    public var isNull: Bool {
        guard case .scalar(let value, .plain) = kind, tag == nil || tag == YAMLNode.nullTag else {
            return false
        }
        // Asked of nearly every value, so answered from the length and the bytes, without
        // comparing strings (a four-byte `true` was compared with three spellings): no other
        // bytes are canonically equal to these words, as String's == would compare them.
        var bytes = value.utf8.makeIterator()
        switch value.utf8.count {
        case 0: return true
        case 1: return bytes.next() == UInt8(ascii: "~")
        case 4:
            let first = bytes.next()!, rest = (bytes.next()!, bytes.next()!, bytes.next()!)
            switch first {
            case UInt8(ascii: "n"), UInt8(ascii: "N"): return rest == (UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l"))
                || (first == UInt8(ascii: "N") && rest == (UInt8(ascii: "U"), UInt8(ascii: "L"), UInt8(ascii: "L")))
            default: return false
            }
        default: return false
        }
    }

    /// True when the scalar must be read as a string whatever it looks like: quoted, block, or
    /// tagged `!!str`.
    public var isExplicitString: Bool {
        guard case .scalar(_, let style) = kind else { return false }
        return style != .plain || tag == YAMLNode.stringTag
    }

    /// A short name of the node's kind for messages ("a mapping", "a list", "a string"…).
    public var kindDescription: String {
        switch kind {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar:
            if isNull { return "null" }
            return "a scalar"
        }
    }

    public static let stringTag = "tag:yaml.org,2002:str"
    public static let nullTag = "tag:yaml.org,2002:null"
    public static let mergeTag = "tag:yaml.org,2002:merge"
}

/// A key and its value in a mapping.
public struct YAMLPair: Sendable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// A parsed file: its documents in order, and the problems that did not stop parsing
/// (duplicate keys), each with its location.
public struct YAMLFile: Sendable {
    public var documents: [YAMLNode]
    public var problems: [YAMLError]
}

/// A stack of the children of the lists and mappings being made, shared by every level, whose
/// top run is moved into an array of its own, allocated once at its final size, when its
/// collection ends (the parser's and ``PlainAssembly``'s, kept from one value to the next).
/// Each child is moved out once: an `Array` stack had to leave a filler in each child's place
/// and then destroy it, and `Array(unsafeUninitializedCapacity:)` looks its storage type up in
/// the runtime's table of generic types on every call, where `reserveCapacity` knows it.
final class MovingStack<Element>: @unchecked Sendable {  // used by one thread at a time
    private var storage: UnsafeMutablePointer<Element>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 64) {
        self.capacity = max(capacity, 1)  // doubled as it fills
        storage = .allocate(capacity: self.capacity)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    /// The element at `index` (below ``count``), read in place.
    subscript(index: Int) -> Element {
        unsafeAddress {
            assert(index >= 0 && index < count, "an element of the stack")
            return UnsafePointer(storage + index)
        }
    }

    func push(_ element: consuming Element) {
        if count == capacity {
            let grown = UnsafeMutablePointer<Element>.allocate(capacity: 2 * capacity)
            grown.moveInitialize(from: storage, count: count)
            storage.deallocate()
            storage = grown
            capacity *= 2
        }
        (storage + count).initialize(to: element)
        count += 1
    }

    /// The elements from `base` on, moved out in order; the stack is cut back to `base`.
    func take(from base: Int) -> [Element] {
        var taken: [Element] = []
        taken.reserveCapacity(count - base)
        for index in base..<count { taken.append((storage + index).move()) }
        count = base
        return taken
    }

    /// Copies of the elements from `base` on, which stay on the stack.
    func copy(from base: Int) -> [Element] {
        Array(UnsafeBufferPointer(start: storage + base, count: count - base))
    }

    /// Destroys every element (after a give-up half way through a value).
    func removeAll() {
        storage.deinitialize(count: count)
        count = 0
    }
}
