import Foundation
import Testing

@testable import Rendering

@Suite("HTML value formatting")
struct HTMLFormattingTests {
    let formatter = DisplayFormatter()
    let nbsp = "\u{00A0}"
    let minus = "\u{2212}"

    @Test func integersAndDecimals() {
        #expect(formatter.text(.integer(1_234_567), format: .integer) == "1,234,567")
        #expect(formatter.text(.integer(-1_234), format: .integer) == "\(minus)1,234")
        #expect(formatter.text(.integer(999), format: .integer) == "999")
        #expect(formatter.text(.number(1234.5678), format: .decimal(places: 2)) == "1,234.57")
        #expect(formatter.text(.number(-0.0001), format: .decimal(places: 2)) == "0.00")
        #expect(formatter.text(.number(3), format: .decimal(places: 1), display: ColumnDisplay(showsSign: true)) == "+3.0")
    }

    @Test func percentages() {
        #expect(formatter.text(.number(0.125), format: .percent(places: 1)) == "12.5\(nbsp)%")
        #expect(
            formatter.text(
                .number(-0.0145), format: .percent(places: 2),
                display: ColumnDisplay(showsSign: true, isPercentagePoints: true)) == "\(minus)1.45\(nbsp)pp")
        #expect(formatter.text(.number(0.0949), format: .percent(places: 1), display: ColumnDisplay(showsSign: true)) == "+9.5\(nbsp)%")
        #expect(formatter.interval(low: 0.1171, high: 0.1229, format: .percent(places: 2)) == "11.71 – 12.29\(nbsp)%")
    }

    @Test func money() {
        #expect(formatter.text(.money(Decimal(string: "1234.5")!), format: .money(currency: "USD")) == "$1,234.50")
        #expect(formatter.text(.money(Decimal(string: "-12")!), format: .money(currency: "EUR")) == "\(minus)€12.00")
        #expect(formatter.text(.money(Decimal(string: "1234.567")!), format: .money(currency: "JPY")) == "¥1,235")
        #expect(formatter.text(.money(Decimal(string: "10.005")!), format: .money(currency: "CZK")) == "10.01\(nbsp)CZK")
        #expect(formatter.text(.number(99.999), format: .money(currency: "GBP")) == "£100.00")
    }

    @Test func pValues() {
        #expect(formatter.pValue(0.52) == "0.52")
        #expect(formatter.pValue(1) == "1.00")
        #expect(formatter.pValue(0.043) == "0.043")
        #expect(formatter.pValue(0.0032) == "0.0032")
        #expect(formatter.pValue(0.00051) == "0.00051")
        #expect(formatter.pValue(3.1e-12) == "3.1e-12")
        #expect(formatter.pValue(3e-250) == "3.0e-250")
        #expect(formatter.pValue(0) == "<\(nbsp)1e-300")
    }

    @Test func emptyAndOthers() {
        #expect(formatter.text(.empty, format: .percent(places: 1)) == "n/a")
        #expect(formatter.text(.empty, format: .text) == "—")
        #expect(formatter.text(.empty, format: .pValue, display: ColumnDisplay(emptyText: "—")) == "—")
        #expect(formatter.text(.boolean(true), format: .boolean) == "Yes")
        #expect(formatter.text(.date(ReportDate(year: 2026, month: 11, day: 16)), format: .date) == "16 Nov 2026")
        let berlin = DisplayFormatter(timeZone: TimeZone(identifier: "Europe/Berlin")!)
        #expect(berlin.text(.timestamp(Date(timeIntervalSince1970: 1_795_420_800)), format: .timestamp) == "23 Nov 2026, 09:00")
    }

    @Test func axisLabels() {
        #expect(formatter.axisLabel(0.125, format: .percent(places: 2), step: 0.025) == "12.5\(nbsp)%")
        #expect(formatter.axisLabel(0.1, format: .percent(places: 2), step: 0.05) == "10\(nbsp)%")
        #expect(formatter.axisLabel(25_000, format: .integer, step: 5_000) == "25k")
        #expect(formatter.axisLabel(1_500_000, format: .money(currency: "USD"), step: 500_000) == "$1.5M")
        #expect(formatter.axisLabel(-200, format: .integer, step: 100) == "\(minus)200")
    }

    @Test func niceScale() {
        let scale = NiceScale(covering: [0.117, 0.134], includesZero: false)
        #expect(scale.lower <= 0.117 && scale.upper >= 0.134)
        #expect(scale.ticks.count >= 3 && scale.ticks.count <= 8)
        let bars = NiceScale(covering: [-120, 480], includesZero: true)
        #expect(bars.ticks.contains(0))
        #expect(bars.lower <= -120 && bars.upper >= 480)
        let flat = NiceScale(covering: [5, 5], includesZero: false)
        #expect(flat.upper > flat.lower)
    }
}
