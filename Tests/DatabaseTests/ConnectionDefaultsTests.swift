import TestSupport
import Testing

@testable import Database

/// Network defaults that keep a job from waiting on TCP's own timeouts, and that yield to the
/// user's connection string and `PGCONNECT_TIMEOUT`.
@Suite struct ConnectionDefaultsTests {
    @Test func connectTimeoutAndKeepalivesAreSetByDefault() throws {
        let (connection, _) = try TestDatabase.connect("defaults")
        #expect(connection.option("connect_timeout") == "30")
        #expect(connection.option("keepalives_idle") == "60")
        #expect(connection.option("keepalives_count") == "6")
        #expect(connection.option("application_name") == "growth-report")
    }

    @Test func theSessionRunsWithoutJIT() throws {
        // LLVM compilation costs the reports' statements more than it saves (see PostgresConnection).
        let (connection, _) = try TestDatabase.connect("defaults_jit")
        let row = try #require(try connection.query(Statement("jit", "SELECT current_setting('jit') AS jit")).first)
        #expect(try row.string("jit") == "off")
    }

    @Test func theConnectionStringsOwnValuesWin() throws {
        let conninfo = try TestDatabase.create("defaults_own")
        let connection = try PostgresConnection(
            settings: ConnectionSettings(
                connectionString: conninfo + " connect_timeout=7 keepalives_idle=5 application_name=mine"))
        #expect(connection.option("connect_timeout") == "7")
        #expect(connection.option("keepalives_idle") == "5")
        #expect(connection.option("application_name") == "growth-report")
    }

    @Test func pgConnectTimeoutIsLeftToLibpq() {
        let withVariable = PostgresConnection.networkDefaults(environment: ["PGCONNECT_TIMEOUT": "3"])
        #expect(!withVariable.contains { $0.0 == "connect_timeout" })
        #expect(PostgresConnection.networkDefaults(environment: [:]).contains { $0 == ("connect_timeout", "30") })
    }

    @Test func aServiceFileKeepsItsOwnValues() {
        #expect(PostgresConnection.networkDefaults(environment: ["PGSERVICE": "reports"]).isEmpty)
        #expect(PostgresConnection.networkDefaults(environment: [:], namesService: true).isEmpty)
    }
}
