/// `GET product/pricing`: the account's price list (certcentral-api.md §10).
public struct PricingResponse: Codable, Sendable, Hashable {
    public var standardPrices: [ProductPricing]

    public init(standardPrices: [ProductPricing]) {
        self.standardPrices = standardPrices
    }

    enum CodingKeys: String, CodingKey {
        case standardPrices = "standard_prices"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        standardPrices = try c.decodeIfPresent([ProductPricing].self, forKey: .standardPrices) ?? []
    }
}

/// One product's prices.
public struct ProductPricing: Codable, Sendable, Hashable {
    public var groupName: String?
    public var nameID: String
    public var name: String?
    public var prices: [Price]

    public init(groupName: String? = nil, nameID: String, name: String? = nil, prices: [Price]) {
        self.groupName = groupName
        self.nameID = nameID
        self.name = name
        self.prices = prices
    }

    enum CodingKeys: String, CodingKey {
        case name, prices
        case groupName = "group_name"
        case nameID = "name_id"
    }
}

/// The price of an order of `lifetime` years; `additional_name_cost` for products that charge per
/// extra name.
public struct Price: Codable, Sendable, Hashable {
    public var lifetime: Int
    public var cost: Double
    public var additionalNameCost: Double?
    public var currency: String

    public init(lifetime: Int, cost: Double, additionalNameCost: Double? = nil, currency: String) {
        self.lifetime = lifetime
        self.cost = cost
        self.additionalNameCost = additionalNameCost
        self.currency = currency
    }

    enum CodingKeys: String, CodingKey {
        case lifetime, cost, currency
        case additionalNameCost = "additional_name_cost"
    }
}
