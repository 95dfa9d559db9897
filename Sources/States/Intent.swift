import CertCentralAPI
import JSON

/// A write-ahead record of an order or reissue that certform is about to send (SPEC §5.2). While
/// an intent is in state, the order may exist in CertCentral without being recorded.
public struct Intent: Sendable, Hashable {
    public var id: String
    public var name: String
    public var action: Action
    public var createdAt: String
    public var requestDigest: String
    public var commonName: String
    public var product: Product
    public var extra: [String: JSONValue]

    public init(id: String, name: String, action: Action, createdAt: String, requestDigest: String,
                commonName: String, product: Product, extra: [String: JSONValue] = [:]) {
        self.id = id
        self.name = name
        self.action = action
        self.createdAt = createdAt
        self.requestDigest = requestDigest
        self.commonName = commonName
        self.product = product
        self.extra = extra
    }

    static let knownKeys: Set<String> = ["id", "name", "action", "created_at", "request_digest", "common_name", "product"]

    init(json: JSONValue, path: String) throws(StateFormatError) {
        guard case .object(let object) = json else { throw StateFormatError("\(path) must be an object, found \(json.typeName)") }
        func text(_ key: String) throws(StateFormatError) -> String {
            guard let value = object[key]?.stringValue else { throw StateFormatError("\(path).\(key) must be a string") }
            return value
        }
        id = try text("id")
        name = try text("name")
        try State.checkName(name, path: "\(path).name")
        let actionText = try text("action")
        guard let action = Action(rawValue: actionText), action.isChange else {
            throw StateFormatError("\(path).action '\(actionText)' is not create, renew or reissue")
        }
        self.action = action
        createdAt = try text("created_at")
        requestDigest = try text("request_digest")
        commonName = try text("common_name")
        let productText = try text("product")
        guard let product = Product(rawValue: productText) else { throw StateFormatError("\(path).product '\(productText)' is not a DV product") }
        self.product = product
        extra = object.filter { !Self.knownKeys.contains($0.key) }
    }

    /// The `dcv_emails` the order was sent with (a create or renewal; empty for none), kept so
    /// that the record adopted from this intent says where DigiCert writes (``StateRecord/dcvEmails``).
    public var dcvEmails: [DCVEmail] {
        get { DCVEmailsJSON.entries(extra[StateRecord.dcvEmailsKey]) }
        set { extra[StateRecord.dcvEmailsKey] = DCVEmailsJSON.value(newValue) }
    }

    public var json: JSONValue {
        var object = extra
        object["id"] = .string(id)
        object["name"] = .string(name)
        object["action"] = .string(action.rawValue)
        object["created_at"] = .string(createdAt)
        object["request_digest"] = .string(requestDigest)
        object["common_name"] = .string(commonName)
        object["product"] = .string(product.rawValue)
        return .object(object)
    }
}
