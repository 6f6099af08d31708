/// `ab_test_assignments`: users' exposures to the variants of the catalog's tests.
///
/// Rows are in day order; within a day, grouped by test. A user's variant is a hash of
/// (test, user) — equal split, except the sample-ratio-mismatch test — so a user's repeated
/// rows land in the same variant, except the few double exposures. Each row is one of:
/// - fresh (≈ 91.5 %): a user drawn from the site population, who may convert;
/// - repeat (8 %): the user of an earlier row of the test, same variant, no conversion;
/// - double exposure (0.45 %): the user of an earlier row, in another variant — about
///   0.5 % of a test's users end up in two variants.
/// About 1 % of rows have a NULL e-mail and 0.08 % a NULL variant.
struct ABTestAssignmentsGenerator: TableGenerator {
    static let doubleExposurePerMillion = 4_500
    static let repeatPerMillion = 80_000
    static let nullEmailPerMillion = 10_000
    static let nullVariantPerMillion = 800

    private enum Kind { case fresh, repeated, doubleExposure }

    let table = "ab_test_assignments"
    let columns = ["id", "user_email", "test_name", "variant", "conversion_event", "converted_at", "created_at"]
    let rowCount: Int
    let tests: [ABTestSpec]
    /// Per test, per variant, the share of users in thousandths (equal but for the SRM test).
    let variantShares: [[Int]]
    private let key: UInt64
    private let testKeys: [UInt64]
    private let layout: ABTestLayout
    private let calendar: SeedCalendar
    private let clock: DiurnalClock
    private let users: UserPool
    private let testNames: [[UInt8]]
    private let variantNames: [[[UInt8]]]

    init(rowCount: Int, tests: [ABTestSpec], seed: UInt64, calendar: SeedCalendar, dailyWeights: [Int], users: UserPool) {
        self.rowCount = rowCount
        self.tests = tests
        key = seedKey(seed, salt: "ab_test_assignments")
        testKeys = tests.map { seedKey(seed, salt: "ab_test:" + $0.name) }
        let layout = ABTestLayout(total: rowCount, tests: tests, dailyWeights: dailyWeights)
        self.layout = layout
        variantShares = tests.indices.map { index in
            Self.shares(of: tests[index], rows: layout.rowsPerTest[index])
        }
        self.calendar = calendar
        clock = DiurnalClock()
        self.users = users
        testNames = tests.map { copyEscaped($0.name) }
        variantNames = tests.map { $0.variants.map(copyEscaped) }
    }

    /// Equal shares, or for the SRM test a control share large enough that a chi-square
    /// goodness-of-fit test on its users gives about χ² = 60 (p ≈ 10⁻¹⁴), and at least 52/48.
    private static func shares(of test: ABTestSpec, rows: Int) -> [Int] {
        let count = test.variants.count
        guard test.hasSampleRatioMismatch, count == 2 else {
            var shares = Array(repeating: 1000 / count, count: count)
            shares[0] += 1000 - shares.reduce(0, +)
            return shares
        }
        // χ² = 4·n·δ² for two groups; users ≈ 0.8 × rows.
        let users = max(Double(rows) * 0.8, 1)
        let excess = max(20, min(150, Int(((60 / users).squareRoot() / 2 * 1000).rounded(.up))))
        return [500 + excess, 500 - excess]
    }

    // MARK: Rows

    func appendRows(_ range: Range<Int>, to buffer: inout [UInt8]) {
        guard !range.isEmpty else { return }
        var writer = CopyTextWriter()
        var cell = layout.cell(ofRow: range.lowerBound)
        for row in range {
            while row >= layout.cellStart[cell + 1] { cell += 1 }
            let test = layout.cellTest[cell]
            let day = layout.cellDay[cell]
            let ordinal = layout.cellOrdinal[cell] + (row - layout.cellStart[cell])
            var random = RowRandom(key: key, index: row)
            let kind = Self.kind(random.below(1_000_000))
            let referenceBits = random.next()
            var user = users.siteUser(&random)
            if kind != .fresh && ordinal > 0 {
                user = self.user(
                    ofRow: layout.row(ofTest: test, ordinal: scaled(referenceBits, below: ordinal)),
                    test: test)
            }
            let hasEmail = !random.chance(perMillion: Self.nullEmailPerMillion)
            let hasVariant = !random.chance(perMillion: Self.nullVariantPerMillion)
            let second = clock.second(&random)
            let id = (random.next(), random.next())
            let variantCount = tests[test].variants.count
            var variant = self.variant(ofUser: user, test: test)
            if kind == .doubleExposure && ordinal > 0 {
                variant = (variant + 1 + random.below(variantCount - 1)) % variantCount
            } else {
                _ = random.next()
            }
            let delay = 120 + Int(pow3(random.unit()) * 9 * Double(SeedCalendar.secondsPerDay))

            writer.uuid(id.0, id.1)
            writer.tab()
            if hasEmail {
                users.writeEmail(ofUser: user, to: &writer)
            } else {
                writer.null()
            }
            writer.tab()
            writer.raw(testNames[test])
            writer.tab()
            if hasVariant {
                writer.raw(variantNames[test][variant])
            } else {
                writer.null()
            }
            writer.tab()
            let convertedSecond = day * SeedCalendar.secondsPerDay + second + delay
            if hasVariant && kind != .repeated
                && convertedSecond < calendar.dayCount * SeedCalendar.secondsPerDay,
                let event = conversion(ofUser: user, test: test, variant: variant)
            {
                writer.raw(event)
                writer.tab()
                calendar.writeTimestamp(day: 0, second: convertedSecond, to: &writer)
            } else {
                writer.null()
                writer.tab()
                writer.null()
            }
            writer.tab()
            calendar.writeTimestamp(day: day, second: second, to: &writer)
            writer.endRow(into: &buffer)
        }
        writer.flush(into: &buffer)
    }

    private static func kind(_ roll: Int) -> Kind {
        if roll < doubleExposurePerMillion { return .doubleExposure }
        if roll < doubleExposurePerMillion + repeatPerMillion { return .repeated }
        return .fresh
    }

    /// The user of a row: drawn, or inherited from an earlier row of the same test.
    private func user(ofRow start: Int, test: Int) -> Int {
        var row = start
        var user = 0
        // Each step goes to an earlier row and most rows are fresh, so chains are short;
        // the bound only guards the worst case.
        for _ in 0..<32 {
            var random = RowRandom(key: key, index: row)
            let kind = Self.kind(random.below(1_000_000))
            let referenceBits = random.next()
            user = users.siteUser(&random)
            let ordinal = layout.ordinal(ofRow: row)
            if kind == .fresh || ordinal == 0 { return user }
            row = layout.row(ofTest: test, ordinal: scaled(referenceBits, below: ordinal))
        }
        return user
    }

    /// The variant a user is assigned to, by the test's shares.
    @inline(__always)
    private func variant(ofUser user: Int, test: Int) -> Int {
        var point = scaled(mix64(testKeys[test], user), below: 1000)
        let shares = variantShares[test]
        for (index, share) in shares.enumerated() {
            if point < share { return index }
            point -= share
        }
        return shares.count - 1
    }

    private static let signup = Array("signup".utf8)
    private static let purchase = Array("purchase".utf8)

    /// The event a user converts for in a variant, or nil.
    @inline(__always)
    private func conversion(ofUser user: Int, test: Int, variant: Int) -> [UInt8]? {
        let bits = mix64(testKeys[test] ^ 0x5BD1_E995, user &* 8 &+ variant)
        guard unitValue(bits) < tests[test].rate(ofVariant: variant) else { return nil }
        switch tests[test].event {
        case .signup: return Self.signup
        case .purchase: return Self.purchase
        case .mixed: return (bits & 0xFF) < 154 ? Self.signup : Self.purchase
        }
    }
}

@inline(__always)
private func pow3(_ value: Double) -> Double {
    value * value * value
}
