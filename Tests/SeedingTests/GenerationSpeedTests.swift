import Foundation
import Seeding
import Testing

/// Prints generation speed per table; no assertion, as timing depends on the machine and
/// build. For real figures run it in a release build:
/// `scripts/bench-generators.sh` (`swift test -c release --filter SeedingTests.GenerationSpeedTests`).
@Suite struct GenerationSpeedTests {
    @Test func generationSpeed() {
        let plan = SeedPlan(scale: .medium, seed: 42, lastDay: 20_450)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(2 << 20)
        for generator in plan.generators {
            let rows = min(generator.rowCount, 400_000)
            var bytes = 0
            let clock = ContinuousClock()
            let elapsed = clock.measure {
                var start = 0
                while start < rows {
                    let end = min(start + 8192, rows)
                    buffer.removeAll(keepingCapacity: true)
                    generator.appendRows(start..<end, to: &buffer)
                    bytes += buffer.count
                    start = end
                }
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            let rate = seconds > 0 ? Double(rows) / seconds : 0
            print(
                "\(generator.table): \(rows) rows, \(bytes / max(rows, 1)) bytes/row, "
                    + "\(Int(rate)) rows/s, \(Int(Double(bytes) / max(seconds, 1e-9) / 1_048_576)) MiB/s")
        }
    }
}
