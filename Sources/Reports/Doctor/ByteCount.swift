import Foundation

/// Sizes as people read them, with PostgreSQL's units (`pg_size_pretty`: powers of 1024,
/// "bytes", "kB", "MB", "GB", "TB").
enum ByteCount {
    static func text(_ bytes: Int) -> String {
        let units = ["kB", "MB", "GB", "TB", "PB"]
        guard bytes >= 1024 else { return bytes == 1 ? "1 byte" : "\(max(0, bytes)) bytes" }
        var value = Double(bytes)
        var unit = -1
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let places = value < 10 ? 1 : 0
        return String(format: "%.\(places)f \(units[unit])", value)
    }
}
