import Database
import Rendering
import Statistics

extension ReportCell {
    /// A statistic, or — where the formulas leave it undefined — an empty cell that says why
    /// ("Undefined, because the control's mean is zero, …"): a note in XLSX, a footnote in HTML.
    static func statistic(_ value: Double?, undefinedBecause reason: UndefinedReason?) -> ReportCell {
        reason.map { .number(value, undefinedBecause: "Undefined, because \($0.explanation).") } ?? .number(value)
    }
}

extension ReportDate {
    /// The same calendar day.
    init(_ date: CalendarDate) {
        self.init(year: date.year, month: date.month, day: date.day)
    }
}
