/// A format a run writes.
public enum OutputFormat: String, CaseIterable, Sendable {
    case html, csv, xlsx
    /// The e-mail message: the executive summary only.
    case eml

    /// The formats every report writes.
    public static let reportFormats: [OutputFormat] = [.html, .csv, .xlsx]
}
