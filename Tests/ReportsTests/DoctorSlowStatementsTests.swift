import Database
import Foundation
import Reports
import TestSupport
import Testing

/// Slow statements from `pg_stat_statements`: not installed, created but not loaded, and on a
/// cluster that preloads it.
@Suite struct DoctorSlowStatementsTests {
    @Test func withoutTheExtensionTheReadoutSaysHowToEnableIt() throws {
        let fixture = try DoctorFixture("doctor_no_pgss", viralRows: 100)
        let readout = try fixture.readout()
        guard case .notInstalled = readout.slowStatements else {
            Issue.record("\(readout.slowStatements)")
            return
        }
        let check = try #require(readout.checks.first { $0.area == .slowStatements })
        #expect(check.status == .notChecked)
        #expect(
            check.fix
                == "To enable it: add shared_preload_libraries = 'pg_stat_statements' to postgresql.conf, restart PostgreSQL, then CREATE EXTENSION pg_stat_statements;"
        )
        let document = DoctorDocument.make(readout, context: DoctorFixture.context(readout))
        let section = try #require(document.sections.first { $0.id == "slow-statements" })
        #expect(section.paragraphs.first?.contains("shared_preload_libraries = 'pg_stat_statements'") == true)
        #expect(document.table(named: "doctor-slow-statements") == nil)
    }

    @Test func anExtensionWhoseLibraryIsNotLoadedIsSaidNotFailed() throws {
        // The main test cluster does not preload the library: CREATE EXTENSION works, the view errors (55000).
        let fixture = try DoctorFixture("doctor_pgss_unloaded", viralRows: 100)
        try fixture.connection.execute(Statement("create_pgss", "CREATE EXTENSION pg_stat_statements"))
        let readout = try fixture.readout()
        guard case .notLoaded(let message) = readout.slowStatements else {
            Issue.record("\(readout.slowStatements)")
            return
        }
        #expect(message.contains("55000") && message.contains("not loaded"))
        let check = try #require(readout.checks.first { $0.area == .slowStatements })
        #expect(check.status == .warning)
        #expect(check.fix?.contains("shared_preload_libraries = 'pg_stat_statements'") == true)
        // The snapshot went on after the refusal: the checks after it ran.
        #expect(readout.isHealthy)
        #expect(!readout.tables.isEmpty && readout.tables.allSatisfy(\.exists))
    }

    @Test func onAClusterThatLoadsItSlowStatementsAreListed() throws {
        let fixture = try DoctorFixture("doctor_pgss", viralRows: 12_000, on: StatementStatisticsDatabase.migrated)
        try fixture.connection.execute(Statement("create_pgss", "CREATE EXTENSION pg_stat_statements"))
        try fixture.connection.query(Statement("sleep", "SELECT pg_sleep(0.15)"))
        let readout = try fixture.readout()
        guard case .available(let statements) = readout.slowStatements else {
            Issue.record("\(readout.slowStatements)")
            return
        }
        let sleep = try #require(statements.first { $0.query.contains("pg_sleep") }, "\(statements.map(\.query))")
        #expect(sleep.isSlow && sleep.calls == 1 && sleep.meanMilliseconds > 100, "\(sleep)")
        #expect(statements.filter(\.isTopByTotal).count <= DoctorReport.topStatementCount)
        #expect(statements.first?.isSlow == true) // slow ones first
        let check = try #require(readout.checks.first { $0.area == .slowStatements })
        #expect(check.status == .warning)
        #expect(check.detail.contains("average over 100 ms"))
        #expect(readout.isHealthy)

        let document = DoctorDocument.make(readout, context: DoctorFixture.context(readout))
        let table = try #require(document.table(named: "doctor-slow-statements"))
        let query = try #require(table.columnIndex("query"))
        #expect(table.rows.contains { $0[query] == .text(sleep.query) })
    }
}
