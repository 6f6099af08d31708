import Database
import Foundation
import Rendering
import Reports

/// How current the replica a run reads is (`--replica-url`): looked at once, right after
/// connecting and before any report reads; recorded in the manifest; past `--max-replica-lag`
/// a warning on stderr and at the top of every report, or with `--strict` the run stops
/// (exit 75, nothing written).
///
/// The lag is the server's clock minus the commit time of the last transaction it replayed
/// (`pg_last_xact_replay_timestamp()`). A replica that streams and has replayed all it
/// received is current whatever that age (the primary has been quiet), so it never warns.
///
/// With `--replica-fallback` and the replica out of reach, the run reads the primary: the record
/// says why, and there is no lag to check.
struct ReplicaLag {
    /// nil: the server given as the replica is not in recovery.
    var state: StandbyState?
    var limit: Duration
    /// Why the replica was not read (`--replica-fallback`); nil when it was.
    var fallbackReason: String?

    static func check(_ connection: PostgresConnection, configuration: RunConfiguration, fallbackReason: String?) throws -> ReplicaLag {
        if let fallbackReason { return ReplicaLag(state: nil, limit: configuration.maxReplicaLag, fallbackReason: fallbackReason) }
        let lag = ReplicaLag(state: try connection.standbyState(), limit: configuration.maxReplicaLag)
        if lag.isPastLimit && configuration.failsOnReplicaLag {
            throw CommandFailure(
                exitCode: ExitStatus.temporaryFailure,
                message: "The replica is behind: \(lag.summary); --strict allows \(Self.text(lag.limit.seconds)) (--max-replica-lag). Nothing was written.")
        }
        if lag.isPastLimit { Console.error("warning: the replica is behind: \(lag.summary); the reports say so.") }
        return lag
    }

    var isPastLimit: Bool {
        guard fallbackReason == nil, let state, !state.isCaughtUp else { return false }
        guard let seconds = state.lagSeconds else { return true }
        return seconds > limit.seconds
    }

    /// "its last replayed transaction committed 7 min 12 s before its clock, and it has not replayed all it received"
    var summary: String {
        guard let state else { return "the server is not in recovery (not a replica): read as it is" }
        let age =
            state.lagSeconds.map { "its last replayed transaction committed \(Self.text($0)) before its clock" }
            ?? "it has replayed no transaction since it started"
        return age + (state.isCaughtUp ? ", and it has replayed all it received" : ", and it has not replayed all it received")
    }

    /// The manifest's line.
    var setting: Reproducibility.Setting {
        if let fallbackReason { return .init("replica", "unreachable (\(fallbackReason)): read from the primary (--replica-fallback)") }
        return .init("replica", "read from the replica (--replica-url): \(summary); --max-replica-lag \(Self.text(limit.seconds))")
    }

    /// The warning at the top of each report, when past the limit.
    var callout: Callout? {
        guard isPastLimit else { return nil }
        return Callout(
            .warning, title: "Read from a replica that is behind",
            text: "These figures come from a streaming replica: \(summary), more than the \(Self.text(limit.seconds)) allowed. Recent rows may be missing.")
    }

    /// 42 s, 7 min 12 s, 3 h 5 min.
    static func text(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return whole % 60 == 0 ? "\(whole / 60) min" : "\(whole / 60) min \(whole % 60) s" }
        return "\(whole / 3600) h \(whole % 3600 / 60) min"
    }
}
