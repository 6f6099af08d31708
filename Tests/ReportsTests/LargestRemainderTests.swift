import Foundation
import Reports
import Testing

/// Rounding exact shares to cents that add up to the total (SPEC §4.4).
@Suite struct LargestRemainderTests {
    @Test func thirdsGiveTheMissingCentToTheFirstNameOnATie() {
        let third = Decimal(string: "3.333333333333333333")!
        let rounded = largestRemainderCents([("b", third), ("a", third), ("c", third)], total: 10)
        #expect(rounded == ["a": Decimal(string: "3.34")!, "b": Decimal(string: "3.33")!, "c": Decimal(string: "3.33")!])
    }

    @Test func theLargestRemainderWinsOverTheName() {
        let rounded = largestRemainderCents(
            [("a", Decimal(string: "1.004")!), ("b", Decimal(string: "1.006")!)],
            total: Decimal(string: "2.01")!)
        #expect(rounded == ["a": Decimal(string: "1.00")!, "b": Decimal(string: "1.01")!])
    }

    @Test func negativeSharesFloorDownward() {
        // −0.005 floors to −0.01; 10.015 to 10.01: 10.00 of 10.01 placed, the cent to the larger remainder.
        let rounded = largestRemainderCents(
            [("refund", Decimal(string: "-0.005")!), ("sale", Decimal(string: "10.015")!)],
            total: Decimal(string: "10.01")!)
        #expect(rounded.values.reduce(0, +) == Decimal(string: "10.01")!)
        #expect(rounded == ["refund": Decimal(string: "0.00")!, "sale": Decimal(string: "10.01")!])
    }

    @Test func sharesSlightlyOverTheTotalGiveACentBack() {
        let rounded = largestRemainderCents(
            [("a", Decimal(string: "5.0000000000001")!), ("b", Decimal(string: "5.01")!)],
            total: Decimal(string: "10.00")!)
        #expect(rounded.values.reduce(0, +) == Decimal(string: "10.00")!)
    }

    @Test func noSharesNoCents() {
        #expect(largestRemainderCents([], total: 0).isEmpty)
    }
}
