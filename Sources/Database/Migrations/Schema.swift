/// The database the reports read: the seed plan's four tables, column for column, the two
/// tables the product adds, and the indexes the report queries use.
public enum Schema {
    /// The seed plan's "Missing business intelligence tables", exactly as it defines them.
    static let seedTables = """
        CREATE TABLE IF NOT EXISTS real_time_metrics (
          metric_name TEXT PRIMARY KEY,
          metric_value NUMERIC,
          metric_metadata JSONB,
          last_updated TIMESTAMP WITH TIME ZONE DEFAULT NOW()
        );

        CREATE TABLE IF NOT EXISTS partnership_analytics (
          id UUID DEFAULT gen_random_uuid() PRIMARY KEY,
          partner_name TEXT NOT NULL,
          partner_type TEXT NOT NULL, -- 'celebrity', 'youtube', 'tech'
          referral_source TEXT,
          customers_acquired INTEGER DEFAULT 0,
          revenue_generated DECIMAL(10,2) DEFAULT 0,
          conversion_rate DECIMAL(5,2),
          analytics_period DATE,
          created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
        );

        CREATE TABLE IF NOT EXISTS viral_metrics (
          id UUID DEFAULT gen_random_uuid() PRIMARY KEY,
          user_email TEXT,
          action_type TEXT, -- 'linkedin_share', 'referral', 'review'
          source_platform TEXT,
          reach_metrics JSONB, -- impressions, clicks, conversions
          created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
        );

        CREATE TABLE IF NOT EXISTS ab_test_assignments (
          id UUID DEFAULT gen_random_uuid() PRIMARY KEY,
          user_email TEXT,
          test_name TEXT,
          variant TEXT,
          conversion_event TEXT,
          converted_at TIMESTAMP WITH TIME ZONE,
          created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
        );
        """

    /// Partner spend (for ROI) and user-level conversions (for attribution).
    static let productTables = """
        CREATE TABLE IF NOT EXISTS partner_costs (
          id UUID DEFAULT gen_random_uuid() PRIMARY KEY,
          partner_name TEXT NOT NULL,
          analytics_period DATE NOT NULL,
          cost DECIMAL(10,2) NOT NULL CHECK (cost >= 0),
          created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
          UNIQUE (partner_name, analytics_period)
        );

        CREATE TABLE IF NOT EXISTS conversion_events (
          id UUID DEFAULT gen_random_uuid() PRIMARY KEY,
          user_email TEXT NOT NULL,
          event_type TEXT NOT NULL, -- 'signup', 'purchase', ...
          revenue DECIMAL(12,2) NOT NULL DEFAULT 0,
          occurred_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
        );
        """

    /// The six tables the reports read, in the order seeding loads them.
    public static let tables = [
        "real_time_metrics", "partnership_analytics", "partner_costs",
        "viral_metrics", "ab_test_assignments", "conversion_events",
    ]

    /// Indexes for the report queries, each with the query it serves. Time filters are half-open
    /// ranges on the raw column (SPEC §3), so a plain b-tree on the column serves them. Not taken
    /// from the seed plan: its `PARTITION BY` by `ALTER TABLE` is not valid PostgreSQL, and its
    /// indexes belong to other tables.
    public static let indexes: [IndexDefinition] = [
        IndexDefinition(
            name: "partnership_analytics_period_idx", table: "partnership_analytics",
            columns: "(analytics_period)",
            reason: "partner-roi: rows of the period and of the previous period, WHERE analytics_period BETWEEN $1 AND $2"),
        IndexDefinition(
            name: "partner_costs_period_idx", table: "partner_costs",
            columns: "(analytics_period)",
            reason: "partner-roi: spend of the period; the UNIQUE (partner_name, analytics_period) index leads with the name and cannot serve a date range"),
        IndexDefinition(
            name: "viral_metrics_created_at_idx", table: "viral_metrics",
            columns: "(created_at)",
            reason: "viral: actions of the period and of the 8-week trend, WHERE created_at >= $1 AND created_at < $2"),
        IndexDefinition(
            name: "viral_metrics_user_created_idx", table: "viral_metrics",
            columns: "(user_email, created_at)",
            reason: "attribution: a converting user's touches in [occurred_at - lookback, occurred_at]"),
        IndexDefinition(
            name: "ab_test_assignments_created_at_idx", table: "ab_test_assignments",
            columns: "(created_at)",
            reason: "ab-test: which tests have assignments in the period, WHERE created_at >= $1 AND created_at < $2"),
        IndexDefinition(
            name: "ab_test_assignments_test_created_idx", table: "ab_test_assignments",
            columns: "(test_name, created_at)",
            reason: "ab-test: a running test's whole life up to the period end, WHERE test_name = ANY($1) AND created_at < $2"),
        IndexDefinition(
            name: "conversion_events_occurred_at_idx", table: "conversion_events",
            columns: "(occurred_at)",
            reason: "attribution: conversions of the period, WHERE occurred_at >= $1 AND occurred_at < $2"),
    ]

    /// The migrations, in order. Their checksums are recorded, so an edited migration is noticed.
    public static let migrations: [Migration] = [
        Migration(version: 1, name: "seed_tables", sql: seedTables),
        Migration(version: 2, name: "product_tables", sql: productTables),
        Migration(version: 3, name: "report_indexes", indexes: indexes),
    ]
}

/// One index of `Schema.indexes`.
public struct IndexDefinition: Sendable {
    public var name: String
    public var table: String
    public var columns: String
    /// The report query it serves, written above it as a comment.
    public var reason: String

    /// The statement; `concurrently` for a table that already holds rows.
    public func createStatement(concurrently: Bool) -> String {
        "-- \(reason)\nCREATE INDEX \(concurrently ? "CONCURRENTLY " : "")IF NOT EXISTS \(name) ON \(table) \(columns);"
    }
}
