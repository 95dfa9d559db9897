/// The rule for `locale`: a plausible locale code, not a list of known ones.
enum LocaleCode {
    /// `en`, `de`, `zh_CN`, `pt_BR`, `zh_Hant`: a language code with an optional region or script.
    static func isPlausible(_ code: String) -> Bool {
        let parts = code.split(separator: "_", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), (2...3).contains(parts[0].count),
              parts[0].allSatisfy({ $0.isASCII && $0.isLowercase }) else { return false }
        if parts.count == 2 {
            let tail = parts[1]
            return (tail.count == 2 && tail.allSatisfy({ $0.isASCII && $0.isUppercase }))
                || (tail.count == 4 && tail.allSatisfy({ $0.isASCII && $0.isLetter }) && tail.first!.isUppercase)
        }
        return true
    }
}
