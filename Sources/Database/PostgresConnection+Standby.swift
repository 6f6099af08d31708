import Foundation

/// What a hot standby says about how current it is.
public struct StandbyState: Sendable, Equatable {
    /// Commit time of the last transaction replayed; nil before the first.
    public var lastReplayedCommit: Date?
    /// The server's clock when asked.
    public var serverTime: Date
    /// The WAL receiver is streaming and everything received has been replayed: an old
    /// `lastReplayedCommit` then means a quiet primary, not a late replica.
    public var isCaughtUp: Bool

    /// `serverTime − lastReplayedCommit`, in seconds; nil before the first replayed transaction.
    public var lagSeconds: Double? {
        lastReplayedCommit.map { max(0, serverTime.timeIntervalSince($0)) }
    }

    public init(lastReplayedCommit: Date?, serverTime: Date, isCaughtUp: Bool) {
        self.lastReplayedCommit = lastReplayedCommit
        self.serverTime = serverTime
        self.isCaughtUp = isCaughtUp
    }
}

extension PostgresConnection {
    /// The standby's state, or nil when the server is not in recovery (a primary, or a
    /// replica since promoted).
    public func standbyState() throws -> StandbyState? {
        let row = try query(
            Statement(
                "standby_state",
                """
                SELECT pg_is_in_recovery() AS in_recovery, pg_last_xact_replay_timestamp() AS last_replayed, now() AS server_time,
                       coalesce(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), false)
                         AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') AS caught_up
                """))[0]
        guard try row.decode("in_recovery", as: Bool.self) else { return nil }
        return StandbyState(
            lastReplayedCommit: try row.decodeIfPresent("last_replayed", as: Date.self),
            serverTime: try row.timestamp("server_time"), isCaughtUp: try row.decode("caught_up"))
    }
}
