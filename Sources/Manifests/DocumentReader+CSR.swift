import YAML

extension DocumentReader {
    /// Reads `csr` or `csr_file` (exactly one of them) into `spec`.
    func readCSR(into spec: inout CertificateSpec, keys: EffectiveKeys, field: inout FieldReader) {
        switch (keys[.csr], keys[.csrFile]) {
        case (nil, nil):
            field.missing("csr_file", at: spec.location, hint: "or 'csr': the PEM certificate signing request")
        case (.some(let a), .some(let b)):
            let later = a.location > b.location ? a : b
            field.problem("\(field.owner) sets both 'csr' and 'csr_file'; keep exactly one", at: later.location)
        case (.some(let csrNode), nil):
            if let text = field.string(csrNode, key: "csr") {
                spec.csr = text
                spec.csrLocation = csrNode.location
            }
        case (nil, .some(let fileNode)):
            if let path = field.string(fileNode, key: "csr_file") {
                // Only the path here: ManifestLoader reads the file once every manifest is read,
                // together with the CSR checks, on every core (see ManifestLoader.inspectCSRs).
                spec.setCSRFile(path, sharing: previous)
                spec.csrLocation = fileNode.location
            }
        }
    }
}
