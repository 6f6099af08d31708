import Foundation
import Testing

@Suite("Fixture files")
struct FixtureFileTests {
    @Test("every fixture records its generator, library versions and tolerance", arguments: Fixtures.names)
    func header(name: String) throws {
        let header = try Fixtures.load(name, as: FixtureHeader.self)
        #expect(header.generator == "scripts/generate-statistics-fixtures.py")
        #expect(header.versions["scipy"] != nil)
        // The files that follow statsmodels record its version; the others need only scipy and mpmath.
        if Fixtures.followingStatsmodels.contains(name) {
            #expect(header.versions["statsmodels"] != nil)
        }
        #expect(header.versions["mpmath"] != nil)
        #expect(!header.reference.isEmpty)
    }
}
