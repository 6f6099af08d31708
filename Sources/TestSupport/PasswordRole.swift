import Database
import Foundation
import PrivateCluster

/// A role that must log in with a password (SCRAM), for authentication tests.
public enum PasswordRole {
    public static let name = "growth_password_user"
    public static let password = "Right-Passw0rd"

    private static let prepared: Result<ClusterEndpoint, Error> = Result {
        let endpoint = try TestDatabase.cluster()
        let admin = try PostgresConnection(settings: ConnectionSettings(connectionString: endpoint.conninfo(database: "postgres")))
        try admin.executeScript(
            named: "role",
            """
            DO $$ BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '\(name)') THEN
                CREATE ROLE \(name) LOGIN;
              END IF;
            END $$
            """)
        // ALTER ROLE takes no parameters; the password is a constant of this test.
        try admin.executeScript(named: "role_password", "ALTER ROLE \(name) PASSWORD '\(password)'")
        let hbaFile = try admin.query(named: "hba", "SHOW hba_file")[0].string("hba_file")
        let rule = "local all \(name) scram-sha-256\n"
        let current = try String(contentsOfFile: hbaFile, encoding: .utf8)
        if !current.hasPrefix(rule) {
            try (rule + current).write(toFile: hbaFile, atomically: false, encoding: .utf8)
            try admin.query(named: "reload", "SELECT pg_reload_conf()")
            Thread.sleep(forTimeInterval: 0.3)
        }
        return endpoint
    }

    public static func prepare() throws -> ClusterEndpoint { try prepared.get() }
}
