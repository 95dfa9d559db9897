/// The certificate name rule: `[a-z0-9]([a-z0-9._-]{0,62})`.
public enum CertificateName {
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        for (index, byte) in bytes.enumerated() {
            let alnum = (97...122).contains(byte) || (48...57).contains(byte)
            if index == 0 ? !alnum : !(alnum || byte == 46 || byte == 95 || byte == 45) { return false }
        }
        return true
    }
}
