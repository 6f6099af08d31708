import Database
import Foundation
import TestSupport
import Testing

@testable import Reports

/// A tool table partitioned by week: sizes and rows summed over partitions, the expected index
/// as a partitioned index, and the partitions a one-week statement reads.
@Suite struct DoctorPartitionTests {
    @Test func aPartitionedViralMetricsIsReadPartitionByPartition() throws {
        let fixture = try DoctorFixture("doctor_partitioned", seeds: false)
        let connection = fixture.connection
        let period = DoctorFixture.period
        try connection.executeScript(
            named: "partition",
            """
            DROP TABLE viral_metrics;
            CREATE TABLE viral_metrics (
              id UUID DEFAULT gen_random_uuid(), user_email TEXT, action_type TEXT, source_platform TEXT,
              reach_metrics JSONB, created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
            ) PARTITION BY RANGE (created_at);
            CREATE INDEX viral_metrics_created_at_idx ON viral_metrics (created_at);
            CREATE INDEX viral_metrics_user_created_idx ON viral_metrics (user_email, created_at);
            """)
        // Eight weekly partitions ending with the period's week.
        for back in 0..<8 {
            let start = period.start.addingTimeInterval(Double(-7 * 86_400 * back))
            let end = start.addingTimeInterval(7 * 86_400)
            let name = "viral_metrics_w\(back)"
            try connection.executeScript(
                named: "partition_\(back)",
                """
                CREATE TABLE \(name) PARTITION OF viral_metrics
                FOR VALUES FROM ('\(PostgresValue.isoTimestamp(start))') TO ('\(PostgresValue.isoTimestamp(end))')
                """)
            try connection.execute(
                Statement(
                    "rows_\(back)",
                    """
                    INSERT INTO viral_metrics (user_email, action_type, source_platform, reach_metrics, created_at)
                    SELECT 'u' || (g % 300) || '@example.com', 'referral', 'linkedin', '{"clicks": 1}', \(start) + make_interval(secs => g * 0.5)
                    FROM generate_series(1, 3000) AS g
                    """))
        }
        try fixture.analyze()
        let readout = try fixture.readout()

        let viral = try #require(readout.tables.first { $0.name == "viral_metrics" })
        #expect(viral.isPartitioned && viral.partitions == 8)
        #expect(abs((viral.estimatedRows ?? 0) - 24_000) < 1)
        #expect(viral.totalBytes > 0 && viral.indexBytes > 0)
        #expect(readout.expectedIndexes.first { $0.name == "viral_metrics_created_at_idx" }?.state == .present)
        #expect((readout.expectedIndexes.first { $0.name == "viral_metrics_created_at_idx" }?.bytes ?? 0) > 0)
        #expect(readout.isHealthy, "\(readout.failures)")

        // One week of eight: one partition scanned, the others pruned when planning.
        let tallies = try #require(readout.plan("viral_tallies")?.analysis)
        let read = try #require(tallies.partitions.first, "\(tallies.verdict)")
        #expect(read.table == "viral_metrics")
        #expect(read.scanned == ["viral_metrics_w0"])
        #expect(read.total == 8 && read.pruned == 7)
        #expect(tallies.tablesRead == ["viral_metrics"])
        #expect(tallies.wholeHistoryReads.isEmpty)
        #expect(DoctorDocument.partitionText(read) == "viral_metrics: 1 of 8 scanned, 7 pruned")
    }
}
