import Foundation
import Rendering
import Statistics

/// The verdict and health warnings in words a non-statistician understands.
enum VerdictSentence {
    static func callout(for test: ABTestReadout.TestResult, settings: ABTestSettings) -> Callout {
        let control = test.control
        switch test.verdict {
        case .sampleRatioMismatch:
            return Callout(
                .danger, title: "Results untrustworthy",
                text:
                    "Do not act on these numbers: the users were not split between the variants as planned, so something in the assignment or the logging is broken. Fix the split, then restart the test."
            )
        case .ship(let name) where settings.metric == .revenue && test.revenue?.variants.contains { $0.name == name } == true:
            return revenueCallout(test, name: name, isBetter: true)
        case .doNotShip(let name) where settings.metric == .revenue && test.revenue?.variants.contains { $0.name == name } == true:
            return revenueCallout(test, name: name, isBetter: false)
        case .guardrailWorse(let event):
            let harmful = test.guardrails.filter { $0.isHarmful == true && $0.event == event }.map(\.variant)
            return Callout(
                .danger, title: "Do not ship: \(event) got worse",
                text:
                    "\(harmful.joined(separator: " and ")) made \(event) more frequent than \(control.name), and that is unlikely to be chance. A guardrail that breaks outweighs any gain in the main metric."
            )
        case .ship(let name):
            let variant = test.variants.first { $0.name == name }!
            return Callout(
                .positive, title: "Ship \(name)",
                text: "\(name) converts at \(percent(variant.rate)) against \(percent(control.rate)) for \(control.name)"
                    + "\(relativeClause(variant)). A difference this large would be very unlikely if \(name) made no difference"
                    + " (adjusted p = \(pValue(variant.pValueAdjusted))); the chance that \(name) is better is \(percent(variant.chanceToBeatControl, places: 1))."
            )
        case .doNotShip(let name):
            let variant = test.variants.first { $0.name == name }!
            return Callout(
                .danger, title: "Do not ship \(name)",
                text: "\(name) converts worse: \(percent(variant.rate)) against \(percent(control.rate)) for \(control.name)"
                    + "\(relativeClause(variant)). This is unlikely to be chance (adjusted p = \(pValue(variant.pValueAdjusted))).")
        case .keepRunning(let more):
            let size =
                settings.minimumDetectableEffect.map { "a \(signedPercent($0).dropFirst()) relative change" }
                ?? "a difference of the size seen so far"
            return Callout(
                .warning, title: "Keep running",
                text: "No variant is reliably better or worse yet. To detect \(size) with 80 % power, each variant needs about \(grouped(more)) more users.")
        case .noEffect:
            let sized = test.treatments.contains { $0.usersNeeded != nil }
            return Callout(
                .neutral, title: "No effect detected",
                text: sized
                    ? "No variant converts reliably better or worse, and the test already has the users it needs to detect \(settings.minimumDetectableEffect == nil ? "a difference of the size seen" : "the effect it looks for")."
                    : "No variant converts reliably better or worse. The rates are identical or there are too few users to size the test, so keep watching it.")
        }
    }

    /// Ship or do not ship on revenue per user (`--metric revenue`); the caller checked that the
    /// variant has revenue.
    private static func revenueCallout(_ test: ABTestReadout.TestResult, name: String, isBetter: Bool) -> Callout {
        guard let revenue = test.revenue, let variant = revenue.variants.first(where: { $0.name == name }) else {
            return Callout(.neutral, title: isBetter ? "Ship \(name)" : "Do not ship \(name)", text: "")
        }
        let clause = relativeClause(variant.upliftRelative, interval: variant.upliftRelativeInterval)
        let amounts = "\(amount(variant.mean)) per user against \(amount(revenue.control.mean)) for \(revenue.control.name)\(clause)"
        return isBetter
            ? Callout(
                .positive, title: "Ship \(name)",
                text:
                    "\(name) brings in \(amounts). A difference this large would be very unlikely if \(name) made no difference (adjusted p = \(pValue(variant.pValueAdjusted)), Welch's t-test)."
            )
            : Callout(
                .danger, title: "Do not ship \(name)",
                text: "\(name) brings in less: \(amounts). This is unlikely to be chance (adjusted p = \(pValue(variant.pValueAdjusted))).")
    }

    static func sampleRatioBanner(_ test: ABTestReadout.TestResult) -> Callout {
        let shares = test.variants.map { test.users > 0 ? Double($0.users) / Double(test.users) : 0 }
        let observed = zip(test.variants, shares).map { "\($0.name) \(percent($1, places: 1))" }.joined(separator: ", ")
        let planned = zip(test.variants, test.plannedShares).map { "\($0.name) \(percent($1, places: 1))" }.joined(separator: ", ")
        return Callout(
            .danger, title: "Sample-ratio mismatch",
            text:
                "Users split \(observed), but the plan was \(planned) (p = \(pValue(test.srmDecisionPValue))). No variant should be called a winner until this is explained."
        )
    }

    static func exposureBanner(_ test: ABTestReadout.TestResult) -> Callout {
        let share = Double(test.multipleExposures) / Double(test.users + test.multipleExposures)
        return Callout(
            .warning, title: "Users in several variants",
            text:
                "\(grouped(test.multipleExposures)) users (\(percent(share, places: 1))) saw more than one variant and are left out of every count. Check that assignment is sticky."
        )
    }

    private static func relativeClause(_ variant: ABTestReadout.VariantResult) -> String {
        relativeClause(variant.upliftRelative, interval: variant.upliftRelativeInterval)
    }

    /// " (+12.3 % relative, likely between +3.4 % and +21.2 %)", or nothing without a value.
    private static func relativeClause(_ relative: Double?, interval: ConfidenceInterval?) -> String {
        guard let relative else { return "" }
        var clause = " (\(signedPercent(relative)) relative"
        // A zero-width interval (nobody converted in the treatment) adds no range worth reading.
        if let interval, interval.width > 0 {
            clause += ", likely between \(signedPercent(interval.lower)) and \(signedPercent(interval.upper))"
        }
        return clause + ")"
    }

    // Numbers read as they do in the tables: the renderers' own formatter.
    private static let formatter = DisplayFormatter()

    static func percent(_ value: Double?, places: Int = 2) -> String {
        value.map { formatter.percent($0, places: places) } ?? "n/a"
    }

    static func signedPercent(_ value: Double) -> String {
        formatter.percent(value, places: 1, showsSign: true)
    }

    static func pValue(_ value: Double?) -> String {
        value.map(formatter.pValue) ?? "n/a"
    }

    static func grouped(_ value: Int) -> String {
        formatter.grouped(Double(value), places: 0)
    }

    /// An amount per user, two decimals, grouped: "1,234.50".
    static func amount(_ value: Double?) -> String {
        value.map { formatter.grouped($0, places: 2) } ?? "n/a"
    }

    /// A difference of rates in percentage points, signed: "+1.54 pp".
    static func percentagePoints(_ value: Double?) -> String {
        value.map { formatter.number($0, format: .percent(places: 2), display: ColumnDisplay(showsSign: true, isPercentagePoints: true)) }
            ?? "n/a"
    }
}
