import CLibPQ

/// How a transaction sees the database.
public enum TransactionMode: Sendable {
    /// `READ COMMITTED READ WRITE`: migrations and seeding.
    case readWrite
    /// `REPEATABLE READ READ ONLY`: one consistent snapshot for a whole report.
    case snapshot

    var beginStatement: String {
        switch self {
        case .readWrite: "BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE"
        case .snapshot: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        }
    }
}

extension PostgresConnection {
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    @discardableResult
    public func transaction<T>(_ mode: TransactionMode = .readWrite, _ body: () throws -> T) throws -> T {
        try execute(named: "begin", mode.beginStatement)
        let value: T
        do {
            value = try body()
        } catch {
            // The original error matters; a failed rollback (a lost connection) rolls back anyway.
            if PQstatus(handle) == CONNECTION_OK { _ = try? execute(named: "rollback", "ROLLBACK") }
            throw error
        }
        try execute(named: "commit", "COMMIT")
        return value
    }

    /// Whether a transaction is open on this connection.
    public var isInTransaction: Bool {
        PQtransactionStatus(handle) != PQTRANS_IDLE
    }
}
