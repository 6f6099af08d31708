import Foundation
import Seeding
import Testing

@Suite struct ABTestAssignmentsTests {
    private let rows = SmallSeed.abTestAssignments

    /// Users per variant of each test, and the users seen in more than one variant.
    private func exposures() -> [String: (variants: [String: Set<String>], multiple: Set<String>)] {
        var byTest: [String: [String: Set<String>]] = [:]
        for row in rows {
            guard let test = row["test_name"] ?? nil, let variant = row["variant"] ?? nil,
                let email = row["user_email"] ?? nil
            else { continue }
            byTest[test, default: [:]][variant, default: []].insert(email)
        }
        return byTest.mapValues { variants in
            var seen: [String: Int] = [:]
            for users in variants.values { for user in users { seen[user, default: 0] += 1 } }
            let multiple = Set(seen.filter { $0.value > 1 }.keys)
            return (variants.mapValues { $0.subtracting(multiple) }, multiple)
        }
    }

    /// Chi-square goodness of fit against an equal split.
    private func chiSquare(_ counts: [Int]) -> Double {
        let expected = Double(counts.reduce(0, +)) / Double(counts.count)
        return counts.reduce(0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
    }

    @Test func testsHaveAControlAndTwoToFourVariants() {
        let tests = exposures()
        #expect(tests.count == 6)
        for (name, test) in tests {
            #expect(test.variants.keys.contains("control"), "\(name)")
            #expect((2...4).contains(test.variants.count), "\(name)")
        }
    }

    @Test func oneTestHasASampleRatioMismatch() throws {
        // Critical values of χ² at p = 0.001 for 1, 2 and 3 degrees of freedom.
        let critical = [10.83, 13.82, 16.27]
        var flagged: [String] = []
        for (name, test) in exposures() {
            let counts = test.variants.keys.sorted().map { test.variants[$0]!.count }
            #expect(counts.allSatisfy { $0 >= 8 })
            if chiSquare(counts) > critical[counts.count - 2] { flagged.append(name) }
        }
        #expect(flagged == ["signup_form_length"])
        let srm = try #require(exposures()["signup_form_length"])
        let control = Double(srm.variants["control"]!.count)
        let share = control / (control + Double(srm.variants["short_form"]!.count))
        print("signup_form_length: control share \(share), χ² \(chiSquare([Int(control), srm.variants["short_form"]!.count]))")
        #expect(share > 0.52 && share < 0.6)
    }

    @Test func aFewUsersSeeTwoVariants() {
        let tests = exposures()
        let multiple = tests.values.reduce(0) { $0 + $1.multiple.count }
        let users = tests.values.reduce(0) { $0 + $1.multiple.count + $1.variants.values.reduce(0) { $0 + $1.count } }
        let share = Double(multiple) / Double(users)
        print("multiple exposures: \(multiple) of \(users) users (\(share))")
        #expect(share > 0.003 && share < 0.008)
    }

    @Test func someRowsLackAnEmailOrVariant() {
        let noEmail = rows.filter { $0["user_email"]! == nil }.count
        #expect(noEmail >= 140 && noEmail <= 260, "\(noEmail) rows without e-mail") // 1 %
        let noVariant = rows.filter { $0["variant"]! == nil }.count
        #expect(noVariant >= 3 && noVariant <= 50, "\(noVariant) rows without variant")
        #expect(rows.allSatisfy { $0["test_name"]! != nil })
    }

    @Test func usersRepeatInTheirVariant() {
        var rowsPerExposure: [String: Int] = [:]
        for row in rows {
            guard let email = row["user_email"] ?? nil, let variant = row["variant"] ?? nil else { continue }
            rowsPerExposure["\(row["test_name"]!!)/\(variant)/\(email)", default: 0] += 1
        }
        #expect(rowsPerExposure.values.filter { $0 > 1 }.count > 200)
    }

    @Test func conversionsFollowAssignments() {
        var convertedUsers: [String: Set<String>] = [:]
        var allUsers: [String: Set<String>] = [:]
        let end = (SmallSeed.lastDay + 1) * 86_400
        for row in rows {
            let event = row["conversion_event"]!
            let convertedAt = row["converted_at"]!
            #expect((event == nil) == (convertedAt == nil))
            let test = row["test_name"]!!
            if let email = row["user_email"] ?? nil { allUsers[test, default: []].insert(email) }
            if let event, let convertedAt {
                #expect(event == "signup" || event == "purchase")
                let created = epochSeconds(row["created_at"]!!)!
                let converted = epochSeconds(convertedAt)!
                #expect(converted > created && converted < end && converted - created < 10 * 86_400)
                if let email = row["user_email"] ?? nil { convertedUsers[test, default: []].insert(email) }
            }
        }
        for (test, users) in allUsers {
            let rate = Double(convertedUsers[test]?.count ?? 0) / Double(users.count)
            #expect(rate > 0.015 && rate < 0.2, "\(test): \(rate)")
        }
    }

    @Test func rowsAreInDayOrderAndTestsStartAndEnd() {
        let days = rows.map { epochSeconds($0["created_at"]!!)! / 86_400 }
        #expect(zip(days, days.dropFirst()).allSatisfy { $0 <= $1 })
        var lastSeen: [String: Int] = [:]
        for (row, day) in zip(rows, days) { lastSeen[row["test_name"]!!] = day }
        #expect(lastSeen.values.contains(SmallSeed.lastDay)) // running
        #expect(lastSeen.values.contains { $0 < SmallSeed.lastDay - 7 }) // ended weeks ago
    }
}
