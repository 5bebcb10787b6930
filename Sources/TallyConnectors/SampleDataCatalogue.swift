/// The product catalogue of the sample shop: names chosen to exercise CSV quoting (commas,
/// double quotes) and UTF-8 (accented letters), with their categories.
enum SampleDataCatalogue {
    static let products: [(name: String, category: String)] = [
        ("Crème brûlée, 200g", "Desserts"),
        ("12\" ruler", "Stationery"),
        ("Jalapeño \"hot\" sauce", "Condiments"),
        ("Sourdough bread", "Bakery"),
        ("Café au lait, 1L", "Beverages"),
        ("Smørrebrød kit", "Deli"),
        ("Gouda, aged 12 months", "Cheese"),
        ("Piña colada mix", "Beverages"),
        ("Über-soft tissues (10 pack)", "Household"),
        ("Zoë's oat crackers", "Snacks"),
        ("Apple juice", "Beverages"),
        ("Ballpoint pens, blue", "Stationery"),
        ("Crêpes \"Suzette\"", "Desserts"),
        ("Extra virgin olive oil", "Pantry"),
        ("Jasmine rice 5kg", "Pantry"),
        ("Dark chocolate 85%", "Snacks"),
        ("Naïve IPA, 6 × 330ml", "Beverages"),
        ("Goat cheese", "Cheese"),
        ("Dish soap, lemon", "Household"),
        ("Croissant", "Bakery"),
    ]

    /// Name and category of product number `i` (0-based); names repeat with a suffix after the list.
    static func product(_ i: Int) -> (name: String, category: String) {
        let base = products[i % products.count]
        let round = i / products.count
        return round == 0 ? base : (base.name + " #" + String(round + 1), base.category)
    }

    /// `SKU-000123` for product number `i` (0-based).
    static func sku(_ i: Int) -> String {
        let digits = String(i + 1)
        return "SKU-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}
