/// Encodes `Encodable` values into a ``JSONValue``, which ``JSONWriter`` then writes
/// deterministically (sorted keys): typed requests and responses become exactly the bytes that
/// are sent, digested and diffed. `nil` optionals encoded with `encodeIfPresent` are left out.
public struct JSONValueEncoder: Sendable {
    public init() {}

    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        if let json = value as? JSONValue { return json }
        let encoder = ValueEncoder(codingPath: [])
        try value.encode(to: encoder)
        return encoder.storage.value
    }
}

extension Encodable {
    /// The value as JSON; for the wire types, whose encoding cannot fail.
    public var jsonValue: JSONValue {
        // Every wire type encodes only strings, numbers, booleans, arrays and objects.
        (try? JSONValueEncoder().encode(self)) ?? .null
    }
}

/// Where an encoder or one of its containers puts what it writes; a nested container's storage
/// writes through to its parent with `onChange`.
final class ValueStorage {
    var onChange: ((JSONValue) -> Void)?
    var value: JSONValue = .null {
        didSet { onChange?(value) }
    }

    /// Storage for a nested container at `key` of the object in `parent`.
    static func nested(in parent: ValueStorage, key: String, initial: JSONValue) -> ValueStorage {
        let storage = ValueStorage()
        storage.value = initial
        storage.onChange = { value in
            guard case .object(var object) = parent.value else { return }
            object[key] = value
            parent.value = .object(object)
        }
        storage.onChange?(initial)
        return storage
    }

    /// Storage for a nested container at `index` of the array in `parent`.
    static func nested(in parent: ValueStorage, index: Int, initial: JSONValue) -> ValueStorage {
        let storage = ValueStorage()
        storage.value = initial
        storage.onChange = { value in
            guard case .array(var items) = parent.value, items.indices.contains(index) else { return }
            items[index] = value
            parent.value = .array(items)
        }
        return storage
    }
}

final class ValueEncoder: Encoder {
    let storage = ValueStorage()
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(codingPath: [any CodingKey]) {
        self.codingPath = codingPath
    }

    static func encode<T: Encodable>(_ value: T, path: [any CodingKey]) throws -> JSONValue {
        switch value {
        case let json as JSONValue: return json
        case let text as String: return .string(text)
        case let flag as Bool: return .bool(flag)
        case let number as Int: return .int(number)
        case let number as Double: return .double(number)
        default:
            let encoder = ValueEncoder(codingPath: path)
            try value.encode(to: encoder)
            return encoder.storage.value
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = storage.value {} else { storage.value = .object([:]) }
        return KeyedEncodingContainer(KeyedValueEncodingContainer<Key>(storage: storage, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        storage.value = .array([])
        return UnkeyedValueEncodingContainer(storage: storage, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        ValueSingleEncodingContainer(storage: storage, codingPath: codingPath)
    }
}

struct KeyedValueEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let storage: ValueStorage
    let codingPath: [any CodingKey]

    func set(_ value: JSONValue, _ key: Key) {
        guard case .object(var object) = storage.value else { return }
        object[key.stringValue] = value
        storage.value = .object(object)
    }

    mutating func encodeNil(forKey key: Key) throws { set(.null, key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        set(try ValueEncoder.encode(value, path: codingPath + [key]), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = ValueStorage.nested(in: storage, key: key.stringValue, initial: .object([:]))
        return KeyedEncodingContainer(KeyedValueEncodingContainer<NestedKey>(storage: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = ValueStorage.nested(in: storage, key: key.stringValue, initial: .array([]))
        return UnkeyedValueEncodingContainer(storage: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { ValueEncoder(codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { ValueEncoder(codingPath: codingPath + [key]) }
}

struct UnkeyedValueEncodingContainer: UnkeyedEncodingContainer {
    let storage: ValueStorage
    let codingPath: [any CodingKey]
    var count: Int { storage.value.arrayValue?.count ?? 0 }

    func append(_ value: JSONValue) {
        guard case .array(var items) = storage.value else { return }
        items.append(value)
        storage.value = .array(items)
    }

    mutating func encodeNil() throws { append(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        append(try ValueEncoder.encode(value, path: codingPath + [IndexKey(intValue: count)]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        append(.object([:]))
        let nested = ValueStorage.nested(in: storage, index: count - 1, initial: .object([:]))
        return KeyedEncodingContainer(KeyedValueEncodingContainer<NestedKey>(storage: nested, codingPath: codingPath))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        append(.array([]))
        let nested = ValueStorage.nested(in: storage, index: count - 1, initial: .array([]))
        return UnkeyedValueEncodingContainer(storage: nested, codingPath: codingPath)
    }

    mutating func superEncoder() -> any Encoder { ValueEncoder(codingPath: codingPath) }
}

struct ValueSingleEncodingContainer: SingleValueEncodingContainer {
    let storage: ValueStorage
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { storage.value = .null }
    mutating func encode<T: Encodable>(_ value: T) throws { storage.value = try ValueEncoder.encode(value, path: codingPath) }
}
