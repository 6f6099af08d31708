import Foundation
import Rendering

/// Numbers as progress lines show them.
enum Format {
    /// 1234567 → "1,234,567".
    static func count(_ value: Int) -> String {
        DisplayFormatter().grouped(Double(value), places: 0)
    }

    static func seconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.2f s", value) : String(format: "%.1f s", value)
    }

    static func megabytes(_ bytes: Int) -> String {
        String(format: "%.0f MB", Double(bytes) / 1_000_000)
    }
}

/// The process's own resource use.
enum ResourceUsage {
    /// Peak resident set size in bytes (Linux reports kilobytes in ru_maxrss).
    static var peakResidentBytes: Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }
}
