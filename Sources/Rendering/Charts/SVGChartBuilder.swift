import Foundation

/// Draws a `ReportChart` as inline SVG: bars, lines or intervals, with nice ticks labelled in the
/// column's format, a legend when there are several series, and colours that colour-blind readers
/// can tell apart (Okabe & Ito). No script, no fonts, no external references; every piece of text
/// from the data is escaped. The SVG has a `viewBox` and `width="100%"`, so it scales to a phone,
/// and `role="img"` with a `<title>` and a `<desc>` that reads out every value.
public struct SVGChartBuilder: Sendable {
    public var formatter: DisplayFormatter

    /// Okabe–Ito colours, in an order that keeps neighbours distinct (yellow left out: too
    /// faint on white).
    public static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#6B6B6B"]

    public init(formatter: DisplayFormatter = DisplayFormatter()) {
        self.formatter = formatter
    }

    /// The chart's SVG, its data read from the document's table named by `chart.table`.
    /// - Parameter id: unique in the page; used for the `<title>`/`<desc>` ids.
    public func svg(for chart: ReportChart, in document: ReportDocument, id: String) throws -> String {
        guard let table = document.table(named: chart.table) else {
            throw HTMLRenderingError(
                .invalidDocument,
                message: "Chart '\(chart.id)' reads table '\(chart.table)', which the document does not have.")
        }
        return try svg(for: chart, table: table, id: id)
    }

    public func svg(for chart: ReportChart, table: ReportTable, id: String) throws -> String {
        let data = try ChartData(chart: chart, table: table, formatter: formatter)
        var canvas = ChartCanvas(chart: chart, data: data, formatter: formatter, id: id)
        switch chart.kind {
        case .bar: canvas.drawBars()
        case .line: canvas.drawLines()
        case .interval: canvas.drawIntervals()
        case .sparklines: canvas.drawSparklines()
        }
        return canvas.finish()
    }
}

/// One chart being drawn.
private struct ChartCanvas {
    let chart: ReportChart
    let data: ChartData
    let formatter: DisplayFormatter
    let id: String
    var body = SVGWriter()
    var width: Double = 480
    var height: Double = 0
    var description: [String] = []

    static let labelSize = 13.0
    static let tickSize = 12.0
    /// Average advance of a character at 13 px in a system sans-serif font.
    static let characterWidth = 7.0

    init(chart: ReportChart, data: ChartData, formatter: DisplayFormatter, id: String) {
        self.chart = chart
        self.data = data
        self.formatter = formatter
        self.id = id
    }

    func color(_ index: Int) -> String { SVGChartBuilder.palette[index % SVGChartBuilder.palette.count] }

    func valueText(_ value: Double, column: ReportColumn) -> String {
        formatter.number(value, format: column.format, display: column.display)
    }

    func tickText(_ value: Double, scale: NiceScale) -> String {
        formatter.axisLabel(value, format: data.valueColumn.format, step: scale.step, display: data.valueColumn.display)
    }

    // MARK: Bars and lines (categories across, values up)

    /// Legend, value axis and category axis shared by bar and line charts; returns the plot frame.
    mutating func drawCartesianFrame(scale: NiceScale, slots: Int) -> (left: Double, top: Double, right: Double, bottom: Double) {
        var top = 10.0
        if data.series.count > 1 {
            top = drawLegend(y: top) + 8
        }
        if let title = chart.valueAxisTitle {
            body.text(
                "text",
                [
                    "x": "0", "y": SVGWriter.number(top + 10), "font-size": "12", "fill": "currentColor",
                    "fill-opacity": "0.7",
                ], title.singleLine.truncated(to: 60))
            top += 22
        } else {
            top += 6
        }
        let tickLabels = scale.ticks.map { tickText($0, scale: scale) }
        let left = max(32, Double(tickLabels.map(\.count).max() ?? 0) * 6.6 + 10)
        let right = width - 8
        let slot = (right - left) / Double(max(1, slots))
        // Category labels: level when they fit their slot, else slanted (showing up to 14
        // characters, e.g. a whole ISO week label such as 2026-W47).
        let labelEvery = max(1, Int((Double(slots) / ((right - left) / 34)).rounded(.up)))
        let fitting = Int(slot * Double(labelEvery) / Self.characterWidth)
        let slanted = fitting < 14 && data.categories.contains { $0.count > fitting }
        let plotHeight = 220.0
        let bottomSpace = slanted ? 78.0 : 28.0
        let bottom = top + plotHeight
        height = bottom + bottomSpace

        // Grid and tick labels.
        body.open("g", ["class": "chart-grid"])
        for (tick, label) in zip(scale.ticks, tickLabels) {
            let y = scale.position(tick, from: bottom, to: top)
            let isZero = tick == 0
            body.empty(
                "line",
                [
                    "x1": SVGWriter.number(left), "x2": SVGWriter.number(right),
                    "y1": SVGWriter.number(y), "y2": SVGWriter.number(y),
                    "stroke": "currentColor", "stroke-opacity": isZero ? "0.55" : "0.13",
                    "stroke-width": isZero ? "1.2" : "1",
                ])
            body.text(
                "text",
                [
                    "x": SVGWriter.number(left - 6), "y": SVGWriter.number(y + 4), "text-anchor": "end",
                    "font-size": "\(Int(Self.tickSize))", "fill": "currentColor", "fill-opacity": "0.75",
                ], label)
        }
        body.close("g")
        body.newline()

        // Category labels, truncated with the full text in a tooltip.
        body.open("g", ["class": "chart-categories"])
        for (index, category) in data.categories.enumerated() where index % labelEvery == 0 {
            let x = left + slot * (Double(index) + 0.5)
            let limit = slanted ? 14 : max(3, fitting)
            let shown = category.truncated(to: limit)
            body.open("g")
            if shown != category { body.text("title", [:], category) }
            if slanted {
                body.text(
                    "text",
                    [
                        "x": "0", "y": "0", "transform": "translate(\(SVGWriter.number(x + 4)) \(SVGWriter.number(bottom + 14))) rotate(-40)",
                        "text-anchor": "end", "font-size": "12", "fill": "currentColor",
                    ], shown)
            } else {
                body.text(
                    "text",
                    [
                        "x": SVGWriter.number(x), "y": SVGWriter.number(bottom + 18), "text-anchor": "middle",
                        "font-size": "12", "fill": "currentColor",
                    ], shown)
            }
            body.close("g")
        }
        body.close("g")
        body.newline()
        return (left, top, right, bottom)
    }

    /// Swatch and name per series, wrapping; returns the y below the legend.
    mutating func drawLegend(y: Double) -> Double {
        var x = 0.0
        var row = y
        body.open("g", ["class": "chart-legend"])
        for (index, series) in data.series.enumerated() {
            let name = series.column.title.singleLine.truncated(to: 28)
            let itemWidth = 18 + Double(name.count) * 6.8 + 18
            if x > 0, x + itemWidth > width {
                x = 0
                row += 20
            }
            body.empty(
                "rect",
                [
                    "x": SVGWriter.number(x), "y": SVGWriter.number(row), "width": "12", "height": "12",
                    "rx": "2", "fill": color(index),
                ])
            body.text(
                "text",
                [
                    "x": SVGWriter.number(x + 18), "y": SVGWriter.number(row + 10.5), "font-size": "12",
                    "fill": "currentColor",
                ], name)
            x += itemWidth
        }
        body.close("g")
        body.newline()
        return row + 16
    }

    mutating func drawReferenceLine(scale: NiceScale, left: Double, right: Double, top: Double, bottom: Double) {
        guard let reference = chart.referenceValue, reference.isFinite else { return }
        let y = scale.position(reference, from: bottom, to: top)
        body.empty(
            "line",
            [
                "x1": SVGWriter.number(left), "x2": SVGWriter.number(right), "y1": SVGWriter.number(y),
                "y2": SVGWriter.number(y), "stroke": "currentColor", "stroke-opacity": "0.7",
                "stroke-dasharray": "5 4", "class": "chart-reference",
            ])
        let label = (chart.referenceLabel ?? valueText(reference, column: data.valueColumn)).singleLine.truncated(to: 40)
        body.text(
            "text",
            [
                "x": SVGWriter.number(right), "y": SVGWriter.number(y - 5), "text-anchor": "end",
                "font-size": "11", "fill": "currentColor", "fill-opacity": "0.8",
            ], label)
        body.newline()
    }

    mutating func drawBars() {
        let values = data.series.flatMap { $0.values.compactMap { $0 } } + [chart.referenceValue].compactMap { $0 }
        let scale = NiceScale(covering: values, includesZero: true)
        let count = data.categories.count
        let frame = drawCartesianFrame(scale: scale, slots: count)
        let slot = (frame.right - frame.left) / Double(max(1, count))
        let seriesCount = Double(data.series.count)
        let barWidth = min(44, slot * 0.72 / seriesCount)
        let zeroY = scale.position(0, from: frame.bottom, to: frame.top)
        let showsValues = count * data.series.count <= 12 && barWidth >= 22
        body.open("g", ["class": "chart-bars"])
        for (categoryIndex, category) in data.categories.enumerated() {
            let groupStart = frame.left + slot * (Double(categoryIndex) + 0.5) - barWidth * seriesCount / 2
            var parts: [String] = []
            for (seriesIndex, series) in data.series.enumerated() {
                let x = groupStart + barWidth * Double(seriesIndex)
                guard let value = series.values[categoryIndex] else {
                    parts.append(seriesLabel(series) + "n/a")
                    body.text(
                        "text",
                        [
                            "x": SVGWriter.number(x + barWidth / 2), "y": SVGWriter.number(zeroY - 4),
                            "text-anchor": "middle", "font-size": "10", "fill": "currentColor",
                            "fill-opacity": "0.6",
                        ], "n/a")
                    continue
                }
                let y = scale.position(value, from: frame.bottom, to: frame.top)
                let text = valueText(value, column: series.column)
                parts.append(seriesLabel(series) + text)
                body.open(
                    "rect",
                    [
                        "x": SVGWriter.number(x + 1), "y": SVGWriter.number(min(y, zeroY)),
                        "width": SVGWriter.number(max(1, barWidth - 2)),
                        "height": SVGWriter.number(max(0.5, abs(zeroY - y))), "rx": "2", "fill": color(seriesIndex),
                    ])
                body.text("title", [:], "\(category) — \(series.column.title): \(text)")
                body.close("rect")
                if showsValues {
                    let labelY = value < 0 ? max(y, zeroY) + 14 : min(y, zeroY) - 5
                    body.text(
                        "text",
                        [
                            "x": SVGWriter.number(x + barWidth / 2), "y": SVGWriter.number(labelY),
                            "text-anchor": "middle", "font-size": "11", "fill": "currentColor",
                        ], text)
                }
            }
            description.append("\(category): " + parts.joined(separator: ", "))
        }
        body.close("g")
        body.newline()
        drawReferenceLine(scale: scale, left: frame.left, right: frame.right, top: frame.top, bottom: frame.bottom)
    }

    // MARK: Sparklines (a row per category, the value columns across)

    /// Per row: its label, a line over the value columns on the row's own scale (a faint zero
    /// line when the row spans it) with the last point marked, and the last value. An empty
    /// cell is a gap.
    mutating func drawSparklines() {
        let rowHeight = 26.0, lineLeft = 190.0, lineWidth = 200.0, lineHeight = 18.0
        let maxLabel = Int((lineLeft - 12) / Self.characterWidth)
        var y = 6.0
        body.open("g", ["class": "chart-sparklines"])
        for (row, category) in data.categories.enumerated() {
            let values = data.series.map { $0.values[row] }
            let present = values.compactMap { $0 }
            let label = category.count > maxLabel ? String(category.prefix(maxLabel - 1)) + "…" : category
            body.text(
                "text", ["x": "0", "y": SVGWriter.number(y + rowHeight / 2 + 4), "font-size": SVGWriter.number(Self.labelSize), "fill": "currentColor"],
                label)
            let low = present.min() ?? 0, high = present.max() ?? 0
            let span = high - low
            func position(_ value: Double) -> Double {
                let top = y + (rowHeight - lineHeight) / 2
                return span > 0 ? top + lineHeight * (1 - (value - low) / span) : top + lineHeight
            }
            let step = lineWidth / Double(max(1, values.count - 1))
            if low < 0 {
                body.empty(
                    "line",
                    [
                        "x1": SVGWriter.number(lineLeft), "x2": SVGWriter.number(lineLeft + lineWidth),
                        "y1": SVGWriter.number(position(0)), "y2": SVGWriter.number(position(0)),
                        "stroke": "currentColor", "stroke-opacity": "0.25", "stroke-width": "1",
                    ])
            }
            var path = ""
            var previousWasValue = false
            for (index, value) in values.enumerated() {
                guard let value else {
                    previousWasValue = false
                    continue
                }
                let x = lineLeft + step * Double(index)
                path += (previousWasValue ? " L" : (path.isEmpty ? "M" : " M")) + SVGWriter.number(x) + " " + SVGWriter.number(position(value))
                previousWasValue = true
            }
            if !path.isEmpty {
                body.empty(
                    "path",
                    ["d": path, "fill": "none", "stroke": color(0), "stroke-width": "1.8", "stroke-linejoin": "round", "stroke-linecap": "round"])
            }
            let column = data.series[data.series.count - 1].column
            if let lastIndex = values.lastIndex(where: { $0 != nil }), let last = values[lastIndex] {
                body.empty(
                    "circle",
                    ["cx": SVGWriter.number(lineLeft + step * Double(lastIndex)), "cy": SVGWriter.number(position(last)), "r": "2.5", "fill": color(4)])
                body.text(
                    "text",
                    [
                        "x": SVGWriter.number(width), "y": SVGWriter.number(y + rowHeight / 2 + 4), "text-anchor": "end",
                        "font-size": SVGWriter.number(Self.tickSize), "fill": "currentColor",
                    ], valueText(last, column: column))
            }
            let read = zip(data.series, values).map { series, value in
                "\(series.column.title) \(value.map { valueText($0, column: series.column) } ?? "n/a")"
            }
            description.append("\(category): " + read.joined(separator: ", "))
            y += rowHeight
        }
        body.close("g")
        body.newline()
        height = y + 6
    }

    mutating func drawLines() {
        let bounds = data.lows.compactMap { $0 } + data.highs.compactMap { $0 }
        let values = data.series.flatMap { $0.values.compactMap { $0 } } + bounds + [chart.referenceValue].compactMap { $0 }
        let scale = NiceScale(covering: values, includesZero: (values.min() ?? 0) >= 0)
        let count = data.categories.count
        let frame = drawCartesianFrame(scale: scale, slots: count)
        let slot = (frame.right - frame.left) / Double(max(1, count))
        var parts = Array(repeating: [String](), count: count)
        if !bounds.isEmpty { drawBand(scale: scale, frame: frame, slot: slot) }
        for (seriesIndex, series) in data.series.enumerated() {
            let points = series.values.enumerated().map { index, value in
                value.map { (index, frame.left + slot * (Double(index) + 0.5), scale.position($0, from: frame.bottom, to: frame.top), $0) }
            }
            // A path per run of values: an empty week is a gap, not a zero.
            var path = ""
            var previousWasValue = false
            for point in points {
                if let point {
                    path += (previousWasValue ? " L" : (path.isEmpty ? "M" : " M")) + SVGWriter.number(point.1) + " " + SVGWriter.number(point.2)
                    previousWasValue = true
                } else {
                    previousWasValue = false
                }
            }
            body.open("g", ["class": "chart-series"])
            if !path.isEmpty {
                body.empty(
                    "path",
                    [
                        "d": path, "fill": "none", "stroke": color(seriesIndex), "stroke-width": "2.5",
                        "stroke-linejoin": "round", "stroke-linecap": "round",
                    ])
            }
            for (index, point) in points.enumerated() {
                guard let point else {
                    parts[index].append(seriesLabel(series) + "n/a")
                    continue
                }
                var text = valueText(point.3, column: series.column)
                if let low = data.lows[index], let high = data.highs[index] {
                    text += " (interval \(valueText(low, column: series.column)) to \(valueText(high, column: series.column)))"
                }
                parts[index].append(seriesLabel(series) + text)
                // Many points (a test's days): smaller dots, so the line reads.
                body.open(
                    "circle",
                    [
                        "cx": SVGWriter.number(point.1), "cy": SVGWriter.number(point.2), "r": count > 31 ? "2" : "3.5",
                        "fill": color(seriesIndex),
                    ])
                body.text("title", [:], "\(data.categories[index]) — \(series.column.title): \(text)")
                body.close("circle")
            }
            body.close("g")
            body.newline()
        }
        description = zip(data.categories, parts).map { "\($0): " + $1.joined(separator: ", ") }
        drawReferenceLine(scale: scale, left: frame.left, right: frame.right, top: frame.top, bottom: frame.bottom)
    }

    /// The interval around a line (`lowColumn`…`highColumn`) as a shaded band, one polygon per
    /// run of categories that have both bounds.
    mutating func drawBand(scale: NiceScale, frame: (left: Double, top: Double, right: Double, bottom: Double), slot: Double) {
        // Runs of consecutive categories with both bounds: a gap in the data is a gap in the band.
        var runs: [[Int]] = [[]]
        for index in data.categories.indices {
            if data.lows[index] != nil, data.highs[index] != nil {
                runs[runs.count - 1].append(index)
            } else if !runs[runs.count - 1].isEmpty {
                runs.append([])
            }
        }
        let x = { (index: Int) in frame.left + slot * (Double(index) + 0.5) }
        let y = { (value: Double) in scale.position(value, from: frame.bottom, to: frame.top) }
        body.open("g", ["class": "chart-band"])
        for run in runs where !run.isEmpty {
            // A lone category is drawn a little wide, so that it still shows.
            let edges = run.count == 1 ? [(run[0], -slot * 0.15), (run[0], slot * 0.15)] : run.map { ($0, 0.0) }
            let upper = edges.map { "\(SVGWriter.number(x($0.0) + $0.1)),\(SVGWriter.number(y(data.highs[$0.0]!)))" }
            let lower = edges.reversed().map { "\(SVGWriter.number(x($0.0) + $0.1)),\(SVGWriter.number(y(data.lows[$0.0]!)))" }
            body.empty(
                "polygon", ["points": (upper + lower).joined(separator: " "), "fill": color(0), "fill-opacity": "0.18", "stroke": "none"])
        }
        body.close("g")
        body.newline()
    }

    func seriesLabel(_ series: ChartData.Series) -> String {
        data.series.count > 1 ? series.column.title + " " : ""
    }

    // MARK: Intervals (a row per category: dot and whisker)

    mutating func drawIntervals() {
        let column = data.valueColumn
        let values = data.series[0].values
        let rows = values.indices.filter { values[$0] != nil }
        var covered = rows.flatMap { [values[$0], data.lows[$0], data.highs[$0]].compactMap { $0 } }
        if let reference = chart.referenceValue, reference.isFinite { covered.append(reference) }
        // Narrower than the other charts, so its text stays legible when a phone scales it down.
        width = 420
        let labelWidth = 132.0
        let left = labelWidth + 12
        let right = width - 14
        let scale = fittingScale(covering: covered, across: right - left)
        var top = 8.0
        if chart.referenceValue != nil { top += 18 }
        let rowHeight = 44.0
        let bottom = top + rowHeight * Double(max(1, rows.count))
        height = bottom + (chart.valueAxisTitle == nil ? 28 : 48)

        body.open("g", ["class": "chart-grid"])
        for (index, _) in rows.enumerated() where index % 2 == 1 {
            body.empty(
                "rect",
                [
                    "x": "0", "y": SVGWriter.number(top + rowHeight * Double(index)), "width": SVGWriter.number(width),
                    "height": SVGWriter.number(rowHeight), "fill": "currentColor", "fill-opacity": "0.04",
                ])
        }
        for tick in scale.ticks {
            let x = scale.position(tick, from: left, to: right)
            body.empty(
                "line",
                [
                    "x1": SVGWriter.number(x), "x2": SVGWriter.number(x), "y1": SVGWriter.number(top),
                    "y2": SVGWriter.number(bottom), "stroke": "currentColor",
                    "stroke-opacity": tick == 0 ? "0.5" : "0.13",
                ])
            body.text(
                "text",
                [
                    "x": SVGWriter.number(x), "y": SVGWriter.number(bottom + 18), "text-anchor": "middle",
                    "font-size": "\(Int(Self.tickSize))", "fill": "currentColor", "fill-opacity": "0.75",
                ],
                tickText(tick, scale: scale))
        }
        if let title = chart.valueAxisTitle {
            body.text(
                "text",
                [
                    "x": SVGWriter.number((left + right) / 2), "y": SVGWriter.number(bottom + 40),
                    "text-anchor": "middle", "font-size": "12", "fill": "currentColor", "fill-opacity": "0.75",
                ],
                title.singleLine.truncated(to: 60))
        }
        body.close("g")
        body.newline()

        if let reference = chart.referenceValue, reference.isFinite {
            let x = scale.position(reference, from: left, to: right)
            body.empty(
                "line",
                [
                    "x1": SVGWriter.number(x), "x2": SVGWriter.number(x), "y1": SVGWriter.number(top - 4),
                    "y2": SVGWriter.number(bottom), "stroke": "currentColor", "stroke-opacity": "0.7",
                    "stroke-dasharray": "5 4", "class": "chart-reference",
                ])
            let label = (chart.referenceLabel ?? valueText(reference, column: column)).singleLine.truncated(to: 36)
            let estimatedWidth = Double(label.count) * 6.2
            let anchorX = min(max(x, left + estimatedWidth / 2), right - estimatedWidth / 2)
            body.text(
                "text",
                [
                    "x": SVGWriter.number(anchorX), "y": SVGWriter.number(top - 8), "text-anchor": "middle",
                    "font-size": "11", "fill": "currentColor", "fill-opacity": "0.85",
                ], label)
            body.newline()
        }

        let colour = color(0)
        for (position, index) in rows.enumerated() {
            guard let value = values[index] else { continue }
            let category = data.categories[index]
            let y = top + rowHeight * (Double(position) + 0.5)
            let valueLabel = valueText(value, column: column)
            var interval = ""
            if let low = data.lows[index], let high = data.highs[index] {
                interval = valueText(low, column: column) + " to " + valueText(high, column: column)
            }
            description.append("\(category): \(valueLabel)" + (interval.isEmpty ? "" : " (interval \(interval))"))

            body.open("g", ["class": "chart-row"])
            body.text("title", [:], "\(category): \(valueLabel)" + (interval.isEmpty ? "" : ", interval \(interval)"))
            let shown = category.truncated(to: 17)
            body.text(
                "text",
                [
                    "x": "0", "y": SVGWriter.number(y - 3), "font-size": "\(Int(Self.labelSize))",
                    "font-weight": "600", "fill": "currentColor",
                ], shown)
            body.text(
                "text",
                [
                    "x": "0", "y": SVGWriter.number(y + 13), "font-size": "11", "fill": "currentColor",
                    "fill-opacity": "0.7",
                ], interval.isEmpty ? valueLabel : "\(valueLabel) (\(intervalShort(index, column: column)))")
            if let low = data.lows[index], let high = data.highs[index] {
                let x1 = scale.position(low, from: left, to: right)
                let x2 = scale.position(high, from: left, to: right)
                body.empty(
                    "line",
                    [
                        "x1": SVGWriter.number(x1), "x2": SVGWriter.number(x2), "y1": SVGWriter.number(y),
                        "y2": SVGWriter.number(y), "stroke": colour, "stroke-width": "2.5", "stroke-linecap": "round",
                    ])
                for x in [x1, x2] {
                    body.empty(
                        "line",
                        [
                            "x1": SVGWriter.number(x), "x2": SVGWriter.number(x), "y1": SVGWriter.number(y - 6),
                            "y2": SVGWriter.number(y + 6), "stroke": colour, "stroke-width": "2",
                        ])
                }
            }
            body.empty(
                "circle",
                [
                    "cx": SVGWriter.number(scale.position(value, from: left, to: right)), "cy": SVGWriter.number(y),
                    "r": "5.5", "fill": colour,
                ])
            body.close("g")
            body.newline()
        }
        if rows.isEmpty {
            body.text(
                "text",
                [
                    "x": SVGWriter.number((left + right) / 2), "y": SVGWriter.number(top + rowHeight / 2 + 4),
                    "text-anchor": "middle", "font-size": "12", "fill": "currentColor", "fill-opacity": "0.7",
                ],
                "No values to plot")
            description.append("No values to plot.")
        }
    }

    /// The scale with the most ticks (up to six) whose labels fit side by side in `length`.
    func fittingScale(covering values: [Double], across length: Double) -> NiceScale {
        var scale = NiceScale(covering: values, includesZero: false, targetTicks: 6)
        for target in [6, 5, 4, 3] {
            scale = NiceScale(covering: values, includesZero: false, targetTicks: target)
            let needed = scale.ticks.reduce(0.0) { $0 + Double(tickText($1, scale: scale).count) * 6.6 + 14 }
            if needed <= length { break }
        }
        return scale
    }

    func intervalShort(_ index: Int, column: ReportColumn) -> String {
        guard let low = data.lows[index], let high = data.highs[index] else { return "" }
        return formatter.interval(low: low, high: high, format: column.format, display: column.display)
    }

    // MARK: Output

    func finish() -> String {
        var svg = SVGWriter()
        let titleID = id + "-title"
        let descID = id + "-desc"
        svg.open(
            "svg",
            [
                "viewBox": "0 0 \(SVGWriter.number(width)) \(SVGWriter.number(height))", "width": "100%",
                "role": "img", "aria-labelledby": "\(titleID) \(descID)", "class": "chart chart-\(kindName)",
                "id": id,
            ])
        svg.text("title", ["id": titleID], chart.title.singleLine)
        svg.text("desc", ["id": descID], description.joined(separator: "; ").singleLine)
        svg.newline()
        return svg.markup + body.markup + "</svg>"
    }

    var kindName: String {
        switch chart.kind {
        case .bar: "bar"
        case .line: "line"
        case .interval: "interval"
        case .sparklines: "sparklines"
        }
    }
}
