/// Where each test's rows lie: rows are grouped into cells (day, test), in day order then
/// test order, sized by the test's traffic and the day's weight.
struct ABTestLayout: Sendable {
    /// First row of each cell; the last entry is the row count.
    let cellStart: [Int]
    let cellDay: [Int]
    let cellTest: [Int]
    /// The ordinal, among its test's rows, of each cell's first row.
    let cellOrdinal: [Int]
    /// Per test, its cells in order.
    let testCells: [[Int]]
    let rowsPerTest: [Int]

    init(total: Int, tests: [ABTestSpec], dailyWeights: [Int]) {
        var days: [Int] = []
        var testOfCell: [Int] = []
        var weights: [Int] = []
        for day in dailyWeights.indices {
            for (index, test) in tests.enumerated() where test.days.contains(day) {
                days.append(day)
                testOfCell.append(index)
                weights.append(test.traffic * dailyWeights[day])
            }
        }
        let starts = proportionalBoundaries(total: total, weights: weights)
        var ordinals: [Int] = []
        var cellsOfTest = Array(repeating: [Int](), count: tests.count)
        var rows = Array(repeating: 0, count: tests.count)
        for cell in weights.indices {
            let test = testOfCell[cell]
            ordinals.append(rows[test])
            cellsOfTest[test].append(cell)
            rows[test] += starts[cell + 1] - starts[cell]
        }
        cellStart = starts
        cellDay = days
        cellTest = testOfCell
        cellOrdinal = ordinals
        testCells = cellsOfTest
        rowsPerTest = rows
    }

    /// The cell that holds `row`.
    func cell(ofRow row: Int) -> Int {
        var low = 0
        var high = cellDay.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if cellStart[middle] <= row { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// The ordinal of `row` among its test's rows.
    func ordinal(ofRow row: Int) -> Int {
        let cell = cell(ofRow: row)
        return cellOrdinal[cell] + row - cellStart[cell]
    }

    /// The row of a test's `ordinal`-th assignment.
    func row(ofTest test: Int, ordinal: Int) -> Int {
        let cells = testCells[test]
        var low = 0
        var high = cells.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if cellOrdinal[cells[middle]] <= ordinal { low = middle } else { high = middle - 1 }
        }
        let cell = cells[low]
        return cellStart[cell] + ordinal - cellOrdinal[cell]
    }
}
