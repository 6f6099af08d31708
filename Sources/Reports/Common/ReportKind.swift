/// Every report the tool makes, by the name its files and records carry.
public enum ReportKind: String, CaseIterable, Sendable, Hashable {
    case partnerROI = "partner-roi"
    case viral
    case attribution
    case abTest = "ab-test"
    case execSummary = "exec-summary"
    case doctor
    case check

    /// The name of its files (`partner-roi.html`) and its entry in `manifest.json`.
    public var name: String { rawValue }
}
