import Database
import Foundation
import TestSupport
import Testing

/// Errors carry SQLSTATE, the server's message and the statement's name — and never a password.
@Suite struct ErrorTests {
    @Test func queryErrorsCarrySQLStateAndStatementName() throws {
        let (connection, _) = try TestDatabase.connect("errors")
        #expect {
            try connection.query(named: "missing_table", "SELECT * FROM no_such_table")
        } throws: { error in
            guard let error = error as? DatabaseError else { return false }
            return error.code == .queryFailed && error.sqlState == "42P01" && error.statement == "missing_table"
                && error.description.contains("no_such_table") && error.description.contains("SQLSTATE 42P01")
        }
        #expect {
            try connection.query(named: "divide", "SELECT 1 / $1::int AS x", parameters: [.int(0)])
        } throws: { ($0 as? DatabaseError)?.sqlState == "22012" }
        // The connection is still usable after an error.
        #expect(try connection.query(named: "after", "SELECT 1 AS one")[0].int("one") == 1)
    }

    @Test func statementTimeoutCancels() throws {
        let conninfo = try TestDatabase.create("timeout")
        let connection = try PostgresConnection(settings: ConnectionSettings(connectionString: conninfo, statementTimeoutMilliseconds: 200))
        #expect {
            try connection.query(named: "sleep", "SELECT pg_sleep(5)")
        } throws: { ($0 as? DatabaseError)?.sqlState == "57014" }
    }

    @Test func malformedURLIsRejectedWithoutConnecting() throws {
        for bad in ["postgresql://user:hunter2secret@host:notaport/db", "not a conninfo", "postgresql://[::1/db"] {
            #expect {
                _ = try PostgresConnection(settings: ConnectionSettings(connectionString: bad))
            } throws: { error in
                let error = error as? DatabaseError
                return error?.code == .invalidConfiguration && !"\(error!)".contains("hunter2secret")
            }
        }
    }

    @Test func unreachableServerIsAConnectionFailure() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("no-server-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect {
            _ = try PostgresConnection(
                settings: ConnectionSettings(
                    connectionString: "postgresql://app:Pa55word-unreachable@/db?host=\(directory.path)&port=5999&connect_timeout=2"))
        } throws: { error in
            let error = error as? DatabaseError
            return error?.code == .connectionFailed && error!.isUnavailable && !"\(error!)".contains("Pa55word-unreachable")
        }
    }

    @Test func wrongPasswordIsAnAuthenticationFailureAndIsNeverShown() throws {
        let endpoint = try PasswordRole.prepare()
        let url = "postgresql://\(PasswordRole.name):Wr0ng-Secret-Value@/postgres?host=\(endpoint.socketDirectory)&port=\(endpoint.port)"
        #expect {
            _ = try PostgresConnection(settings: ConnectionSettings(connectionString: url))
        } throws: { error in
            let error = error as? DatabaseError
            let shown = "\(error!) \(String(reflecting: error!))"
            return error?.code == .authenticationFailed && !shown.contains("Wr0ng-Secret-Value")
        }
        // The right password works, so the failure above was the password's.
        let good = "postgresql://\(PasswordRole.name):\(PasswordRole.password)@/postgres?host=\(endpoint.socketDirectory)&port=\(endpoint.port)"
        let connection = try PostgresConnection(settings: ConnectionSettings(connectionString: good))
        #expect(try connection.query(named: "who", "SELECT current_user AS me")[0].string("me") == PasswordRole.name)
    }

    @Test func missingDatabaseIsNamed() throws {
        let endpoint = try TestDatabase.cluster()
        #expect {
            _ = try PostgresConnection(settings: ConnectionSettings(connectionString: endpoint.conninfo(database: "no_such_database")))
        } throws: { error in
            let error = error as? DatabaseError
            return error?.code == .databaseMissing && "\(error!)".contains("no_such_database")
        }
    }

    @Test func maskerRemovesPasswordsWhereverTheyAppear() {
        let masker = SecretMasker(secrets: ["s3cr3t-value"])
        #expect(masker("failed for s3cr3t-value") == "failed for ********")
        #expect(masker("postgresql://bob:other-pass@db.example.com:5432/app") == "postgresql://bob:********@db.example.com:5432/app")
        #expect(masker("host=db password='a b c' user=x") == "host=db password=******** user=x")
        #expect(masker("postgres://u:p%40ss@h/d?password=zz") == "postgres://u:********@h/d?password=********")
        #expect(masker("nothing secret here") == "nothing secret here")
    }

    @Test func maskerKnowsTheEnvironmentsPasswords() {
        let masker = SecretMasker.withEnvironment(environment: ["PGPASSWORD": "pg-secret", "SMTP_PASSWORD": "mail secret/@"])
        #expect(masker("pg-secret and mail secret/@ and mail%20secret%2F%40") == "******** and ******** and ********")
    }
}
