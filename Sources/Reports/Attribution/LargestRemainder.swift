import Foundation

/// Rounds exact shares to cents so that they add up to `total` exactly: each share is floored
/// to the cent, and the cents still missing go one each to the shares with the largest
/// remainders (ties by key, in ascending order) — the largest remainder (Hamilton) method.
///
/// Remainders are compared at 1e-12 of a cent, so shares that differ only by the last digits of
/// a numeric division (1/3 summed in different orders) count as tied and the key decides.
/// `total` must be a whole number of cents. When the shares add up to more than the total (they
/// should not, beyond such noise), cents are taken back from the smallest remainders instead.
/// - Returns: the rounded amount of each key; keys are unique.
public func largestRemainderCents(_ shares: [(key: String, amount: Decimal)], total: Decimal) -> [String: Decimal] {
    guard !shares.isEmpty else { return [:] }
    struct Part {
        var key: String
        var cents: Decimal
        var remainder: Decimal
    }
    var parts = shares.map { share -> Part in
        let exactCents = share.amount * 100
        let cents = floorDecimal(exactCents)
        return Part(key: share.key, cents: cents, remainder: roundDecimal(exactCents - cents, places: 12))
    }
    let totalCents = roundDecimal(total * 100, places: 0)
    let floored = parts.reduce(Decimal(0)) { $0 + $1.cents }
    var missing = NSDecimalNumber(decimal: totalCents - floored).intValue
    let order = parts.indices.sorted { a, b in
        parts[a].remainder != parts[b].remainder ? parts[a].remainder > parts[b].remainder : parts[a].key < parts[b].key
    }
    var position = 0
    while missing > 0 {
        parts[order[position % order.count]].cents += 1
        missing -= 1
        position += 1
    }
    position = 0
    while missing < 0 {
        parts[order[order.count - 1 - position % order.count]].cents -= 1
        missing += 1
        position += 1
    }
    var result: [String: Decimal] = [:]
    for part in parts { result[part.key] = part.cents / 100 }
    return result
}

/// The largest whole number not above `value`.
func floorDecimal(_ value: Decimal) -> Decimal {
    var input = value
    var result = Decimal()
    NSDecimalRound(&result, &input, 0, .down)
    // Whatever `.down` means for negatives on this platform, settle on the floor.
    if result > value { result -= 1 }
    if value - result >= 1 { result += 1 }
    return result
}

/// `value` rounded half away from zero to `places` decimals.
func roundDecimal(_ value: Decimal, places: Int) -> Decimal {
    var input = value
    var result = Decimal()
    NSDecimalRound(&result, &input, places, .plain)
    return result
}
