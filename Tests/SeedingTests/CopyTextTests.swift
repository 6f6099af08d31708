import Foundation
import Seeding
import Testing

@Suite struct CopyTextTests {
    @Test func everyRowHasOneFieldPerColumn() throws {
        for generator in SmallSeed.plan.generators {
            let rows = try #require(SmallSeed.tables[generator.table])
            #expect(rows.count == generator.rowCount, "\(generator.table)")
            #expect(rows.allSatisfy { $0.count == generator.columns.count }, "\(generator.table)")
        }
    }

    @Test func idsAreVersion4UUIDsAndUnique() throws {
        let pattern = try Regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        for table in ["partnership_analytics", "partner_costs", "viral_metrics", "ab_test_assignments", "conversion_events"] {
            let ids = SmallSeed.tables[table, default: []].map { $0[0] ?? "" }
            #expect(ids.allSatisfy { $0.wholeMatch(of: pattern) != nil }, "\(table)")
            #expect(Set(ids).count == ids.count, "\(table)")
        }
    }

    @Test func timestampsAndDatesHaveThePostgresTextForm() throws {
        let timestamp = try Regex(#"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+00$"#)
        let date = try Regex(#"^\d{4}-\d{2}-\d{2}$"#)
        let columns: [(String, [[String: String?]])] = [
            ("created_at", SmallSeed.viralMetrics), ("created_at", SmallSeed.abTestAssignments),
            ("converted_at", SmallSeed.abTestAssignments), ("occurred_at", SmallSeed.conversionEvents),
            ("created_at", SmallSeed.partnershipAnalytics), ("last_updated", SmallSeed.realTimeMetrics),
        ]
        for (column, rows) in columns {
            #expect(rows.allSatisfy { ($0[column] ?? nil).map { $0.wholeMatch(of: timestamp) != nil } ?? true }, "\(column)")
        }
        #expect(SmallSeed.partnerCosts.allSatisfy { ($0["analytics_period"] ?? nil)?.wholeMatch(of: date) != nil })
    }

    /// Partner names keep their commas, apostrophes and accents through COPY.
    @Test func partnerNamesRoundTrip() {
        let names = Set(SmallSeed.partnershipAnalytics.compactMap { $0["partner_name"] ?? nil })
        #expect(names.contains("Café Crème, Inc."))
        #expect(names.contains("O'Brien Tech"))
        #expect(names.contains { $0.contains(",") })
        #expect(names.contains { $0.contains("'") })
        #expect(names.contains { $0.unicodeScalars.contains { !$0.isASCII } })
        #expect(names.count == SmallSeed.plan.sizes.partners)
    }

    /// The annotated reach values carry a tab and a backslash inside a JSON string: COPY
    /// must escape the backslashes of the JSON escapes.
    @Test func backslashesInJSONSurviveCopyEscaping() throws {
        let annotated = SmallSeed.viralMetrics.compactMap { $0["reach_metrics"] ?? nil }.filter { $0.contains("note") }
        #expect(!annotated.isEmpty)
        for text in annotated {
            #expect(text.contains(#"\t"#) && text.contains(#"\\"#))
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            let note = try #require(object?["note"] as? String)
            #expect(note == "imported from sheet\tv2 \\ Café")
        }
    }

    @Test func parserHandlesEscapesAndNull() throws {
        let rows = try CopyTextParser.rows(Array("a\\tb\t\\N\tc\\\\d\\n\t\\101\n\t\n".utf8))
        #expect(rows.count == 2)
        #expect(rows[0] == ["a\tb", nil, "c\\d\n", "A"])
        #expect(rows[1] == ["", ""])
    }
}
