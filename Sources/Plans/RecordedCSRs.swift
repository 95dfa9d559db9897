import Manifests
import States

extension State {
    /// What this state's records vouch for (``CSRDigest``), for ``ManifestLoader/check(_:recorded:)``:
    /// the `csr_digest` and `spec_digest` of the record of a certificate's name and of its
    /// `moved_from`. A record without both vouches for nothing.
    public var recordedCSRs: RecordedCSRs {
        let records = certificates
        return RecordedCSRs { name in
            guard let record = records[name], let csrDigest = record.recordedCSRDigest, let specDigest = record.recordedSpecDigest else { return nil }
            return RecordedCSR(csrDigest: csrDigest, specDigest: specDigest)
        }
    }

    /// Each record's names, by certificate name, for the manifests' certificates to share
    /// (``StateNames``): the record of a certificate's own name only, as the planner pairs them.
    public var recordNames: StateNames.Lookup {
        let records = certificates
        return { name in records[name]?.names }
    }
}
