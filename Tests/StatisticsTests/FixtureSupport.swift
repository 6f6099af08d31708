import Foundation
import Statistics

/// A JSON fixture written by `scripts/generate-statistics-fixtures.py`.
struct FixtureHeader: Decodable, Sendable {
    struct Tolerance: Decodable, Sendable {
        var relative: Double?
        var absolute: Double?
        var chanceAbsolute: Double?
        var lossAbsolute: Double?
        var lossRelative: Double?
    }
    var generator: String
    var reference: String
    var versions: [String: String]
    var tolerance: Tolerance
}

enum FixtureError: Error, CustomStringConvertible {
    case missing(String)
    var description: String {
        switch self {
        case .missing(let name): "fixture \(name).json is missing; run scripts/generate-statistics-fixtures.py"
        }
    }
}

enum Fixtures {
    /// Decodes `Fixtures/<name>.json` (snake_case keys) as `T`.
    static func load<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw FixtureError.missing(name)
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(T.self, from: Data(contentsOf: url))
    }

    static func tolerance(_ name: String) throws -> FixtureHeader.Tolerance {
        try load(name, as: FixtureHeader.self).tolerance
    }

    static let names = [
        "normal", "special_functions", "chi_square_distribution", "fisher_exact", "wilson_interval",
        "two_proportion_ztest", "uplift_intervals", "multiple_testing", "chi_square_tests", "bayesian",
        "sample_size", "sequential", "welch_t", "sequential_tau", "sequential_srm", "cuped", "robust_z",
    ]

    /// The fixtures whose reference values come from statsmodels (`NEEDS_STATSMODELS` in the script).
    static let followingStatsmodels: Set = ["wilson_interval", "two_proportion_ztest", "uplift_intervals", "multiple_testing", "welch_t"]
}

/// |actual − expected| ≤ max(relative·|expected|, absolute); infinities must match exactly.
func isClose(_ actual: Double, _ expected: Double, relative: Double, absolute: Double = 0) -> Bool {
    if actual == expected { return true }
    guard actual.isFinite, expected.isFinite else { return false }
    return abs(actual - expected) <= max(relative * abs(expected), absolute)
}

func isClose(_ actual: Double, _ expected: Double, _ tolerance: FixtureHeader.Tolerance) -> Bool {
    isClose(actual, expected, relative: tolerance.relative ?? 0, absolute: tolerance.absolute ?? 0)
}

/// A fixture arm `[successes, trials]`.
func arm(_ pair: [Int]) -> Proportion {
    Proportion(successes: pair[0], trials: pair[1])
}

/// A fixture value that is either a number or the name of an `UndefinedReason`.
enum NumberOrReason: Decodable, Sendable {
    case number(Double)
    case reason(String)

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else {
            self = .reason(try container.decode(String.self))
        }
    }
}
