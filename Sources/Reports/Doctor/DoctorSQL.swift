import Database

/// The catalog statements of `db doctor`. Each reads `pg_catalog` and the statistics views
/// only; the tool's tables are named by the code (`Schema`) and bound as values.
enum DoctorSQL {
    /// Every user table, its row estimate and, for a partition, the root of its tree.
    static let relations = Statement(
        "doctor_relations",
        """
        SELECT c.relname AS name, c.relkind::text AS kind, c.reltuples::float8 AS reltuples,
               CASE WHEN c.relispartition THEN (SELECT r.relname FROM pg_class r WHERE r.oid = pg_partition_root(c.oid)) END AS partition_of
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'm', 'f')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
        ORDER BY c.relname, n.nspname
        """)

    /// The first key column of every user index (NULL for an expression).
    static let leadingColumns = Statement(
        "doctor_index_leading_columns",
        """
        SELECT ic.relname AS index_name, a.attname AS leading_column
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_namespace n ON n.oid = ic.relnamespace
        LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] AND i.indkey[0] > 0
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
        ORDER BY ic.relname, n.nspname
        """)

    /// A table's or index's partition tree (`relid`, `isleaf`, `level`): the relation itself
    /// and, when partitioned, its partitions. `pg_partition_tree` lists nothing for a relation
    /// outside any partition tree, so the relation itself is added (once: UNION).
    static func partitionTree(of oid: String) -> String {
        """
        (SELECT relid::oid AS relid, isleaf, level FROM pg_partition_tree(\(oid))
         UNION
         SELECT (\(oid))::oid, (SELECT relkind NOT IN ('p', 'I') FROM pg_class WHERE oid = \(oid)), 0 WHERE \(oid) IS NOT NULL)
        """
    }

    /// The tool's tables and their partitions, as a set of oids (for `IN (…)`).
    static func toolRelations(_ tables: [String]) -> SQL {
        """
        SELECT tree.relid FROM unnest(\(tables)::text[]) AS tool(name)
        CROSS JOIN LATERAL \(raw: partitionTree(of: "to_regclass(tool.name)::oid")) AS tree
        WHERE to_regclass(tool.name) IS NOT NULL
        """
    }

    /// Per tool table: presence, partitions, rows, sizes, dead rows, maintenance and scans,
    /// summed over a partitioned table's leaves.
    static func tables(_ tables: [String]) -> Statement {
        Statement(
            "doctor_tables",
            """
            SELECT tool.name, c.oid IS NOT NULL AS present, coalesce(c.relkind = 'p', false) AS partitioned,
                   leaves.partitions, leaves.reltuples, leaves.rows_known, leaves.total_bytes, leaves.index_bytes,
                   leaves.live_rows, leaves.dead_rows, leaves.modified_rows,
                   leaves.last_vacuum, leaves.last_autovacuum, leaves.last_analyze, leaves.last_autoanalyze,
                   leaves.seq_scan, leaves.idx_scan
            FROM unnest(\(tables)::text[]) WITH ORDINALITY AS tool(name, position)
            LEFT JOIN pg_class c ON c.oid = to_regclass(tool.name)
            LEFT JOIN LATERAL (
              SELECT count(*) FILTER (WHERE tree.isleaf AND tree.level > 0) AS partitions,
                     coalesce(sum(greatest(pc.reltuples, 0)) FILTER (WHERE tree.isleaf), 0)::float8 AS reltuples,
                     coalesce(bool_or(pc.reltuples >= 0) FILTER (WHERE tree.isleaf), false) AS rows_known,
                     coalesce(sum(pg_total_relation_size(tree.relid)), 0)::bigint AS total_bytes,
                     coalesce(sum(pg_indexes_size(tree.relid)), 0)::bigint AS index_bytes,
                     coalesce(sum(s.n_live_tup), 0)::bigint AS live_rows,
                     coalesce(sum(s.n_dead_tup), 0)::bigint AS dead_rows,
                     coalesce(sum(s.n_mod_since_analyze), 0)::bigint AS modified_rows,
                     max(s.last_vacuum) AS last_vacuum, max(s.last_autovacuum) AS last_autovacuum,
                     max(s.last_analyze) AS last_analyze, max(s.last_autoanalyze) AS last_autoanalyze,
                     coalesce(sum(s.seq_scan), 0)::bigint AS seq_scan, coalesce(sum(s.idx_scan), 0)::bigint AS idx_scan
              FROM \(raw: partitionTree(of: "c.oid")) AS tree
              JOIN pg_class pc ON pc.oid = tree.relid
              LEFT JOIN pg_stat_user_tables s ON s.relid = tree.relid AND tree.isleaf
            ) AS leaves ON c.oid IS NOT NULL
            ORDER BY tool.position
            """)
    }

    /// Each expected index: found on its table or not, valid and ready, its scans and size
    /// (summed over the partitions of a partitioned index).
    static func expectedIndexes(_ indexes: [IndexDefinition]) -> Statement {
        Statement(
            "doctor_expected_indexes",
            """
            SELECT expected.name, to_regclass(expected.table_name) IS NOT NULL AS table_present,
                   i.indexrelid IS NOT NULL AS present, coalesce(i.indisvalid, false) AS valid,
                   coalesce(i.indisready, false) AS ready, parts.scans, parts.bytes
            FROM unnest(\(indexes.map(\.name))::text[], \(indexes.map(\.table))::text[])
                 WITH ORDINALITY AS expected(name, table_name, position)
            LEFT JOIN pg_index i ON i.indexrelid = to_regclass(expected.name) AND i.indrelid = to_regclass(expected.table_name)
            LEFT JOIN LATERAL (
              SELECT sum(s.idx_scan)::bigint AS scans, coalesce(sum(pg_relation_size(tree.relid)), 0)::bigint AS bytes
              FROM \(raw: partitionTree(of: "i.indexrelid")) AS tree
              LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = tree.relid
            ) AS parts ON i.indexrelid IS NOT NULL
            ORDER BY expected.position
            """)
    }

    /// Indexes of the tool's tables never scanned since the statistics were reset; those that
    /// enforce a constraint (primary key, unique, exclusion) are needed whether scanned or not.
    static func unusedIndexes(_ tables: [String]) -> Statement {
        Statement(
            "doctor_unused_indexes",
            """
            SELECT s.indexrelname AS name, s.relname AS table_name, pg_relation_size(s.indexrelid)::bigint AS bytes
            FROM pg_stat_user_indexes s
            JOIN pg_index i ON i.indexrelid = s.indexrelid
            WHERE s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary AND NOT i.indisexclusion
              AND s.relid IN (\(toolRelations(tables)))
            ORDER BY pg_relation_size(s.indexrelid) DESC, s.indexrelname
            """)
    }

    /// When this database's statistics were last reset (NULL: never).
    static let statisticsReset = Statement(
        "doctor_statistics_reset",
        """
        SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()
        """)

    /// Indexes of one table that are the same index: access method, key and included columns,
    /// operator classes, collations, orderings (DESC, NULLS FIRST), expressions and predicate. Constraint-backed ones first.
    static func duplicateIndexes(_ tables: [String]) -> Statement {
        Statement(
            "doctor_duplicate_indexes",
            """
            WITH candidates AS (
              SELECT i.indrelid, tc.relname AS table_name, ic.relname AS index_name, ic.relam,
                     i.indkey::text AS keys, i.indclass::text AS classes, i.indcollation::text AS collations, i.indoption::text AS options,
                     i.indnkeyatts, coalesce(pg_get_expr(i.indexprs, i.indrelid), '') AS expressions,
                     coalesce(pg_get_expr(i.indpred, i.indrelid), '') AS predicate,
                     (i.indisprimary OR i.indisunique OR i.indisexclusion
                       OR EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)) AS backs_constraint,
                     pg_get_indexdef(i.indexrelid) AS definition
              FROM pg_index i
              JOIN pg_class ic ON ic.oid = i.indexrelid
              JOIN pg_class tc ON tc.oid = i.indrelid
              WHERE i.indrelid IN (\(toolRelations(tables)))
            )
            SELECT table_name,
                   json_agg(index_name ORDER BY backs_constraint DESC, index_name)::text AS names,
                   json_agg(backs_constraint ORDER BY backs_constraint DESC, index_name)::text AS constraints,
                   (array_agg(definition ORDER BY backs_constraint DESC, index_name))[1] AS definition
            FROM candidates
            GROUP BY indrelid, table_name, relam, keys, classes, collations, options, indnkeyatts, expressions, predicate
            HAVING count(*) > 1
            ORDER BY table_name, min(index_name)
            """)
    }

    /// The schema an extension is installed in, or no row when it is not in this database.
    static func extensionSchema(_ name: String) -> Statement {
        Statement(
            "doctor_extension_\(name)",
            """
            SELECT (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                    WHERE e.extname = \(name)) AS schema_name,
                   EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = \(name)) AS is_available
            """)
    }

    /// `pg_stat_statements` of this database: those slower than `slowMilliseconds` on average
    /// and the top `top` by total time. Columns named `mean_exec_time` from PostgreSQL 13 on.
    static func slowStatements(
        schema quotedSchema: String, serverVersion: Int, slowMilliseconds: Double,
        top: Int, limit: Int
    ) -> Statement {
        let mean = serverVersion >= 130000 ? "mean_exec_time" : "mean_time"
        let total = serverVersion >= 130000 ? "total_exec_time" : "total_time"
        return Statement(
            "doctor_slow_statements",
            """
            WITH tracked AS (
              SELECT query, calls, \(raw: mean) AS mean_ms, \(raw: total) AS total_ms, rows,
                     row_number() OVER (ORDER BY \(raw: total) DESC, queryid) AS total_rank
              FROM \(raw: quotedSchema).pg_stat_statements
              WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND calls > 0
            )
            SELECT query, calls, mean_ms::float8 AS mean_ms, total_ms::float8 AS total_ms, rows,
                   mean_ms > \(PostgresValue.double(slowMilliseconds)) AS slow, total_rank <= \(top) AS top
            FROM tracked
            WHERE mean_ms > \(PostgresValue.double(slowMilliseconds)) OR total_rank <= \(top)
            ORDER BY slow DESC, total_ms DESC
            LIMIT \(limit)
            """)
    }

    /// For the plan PostgreSQL would pick without a sequential scan (inside a savepoint, set back after).
    static let sequentialScansOff = Statement("doctor_sequential_scans_off", "SET LOCAL enable_seqscan = off")
    static let sequentialScansOn = Statement("doctor_sequential_scans_on", "SET LOCAL enable_seqscan = on")

    static let savepoint = Statement("doctor_savepoint", "SAVEPOINT doctor_probe")
    static let releaseSavepoint = Statement("doctor_release_savepoint", "RELEASE SAVEPOINT doctor_probe")
    static let rollbackToSavepoint = Statement("doctor_rollback_to_savepoint", "ROLLBACK TO SAVEPOINT doctor_probe")

    /// A hypothetical index (hypopg): seen by plain EXPLAIN in this session only.
    static func createHypotheticalIndex(schema quotedSchema: String, definition: String) -> Statement {
        Statement(
            "doctor_hypopg_create_index",
            """
            SELECT indexname FROM \(raw: quotedSchema).hypopg_create_index(\(definition))
            """)
    }

    static func resetHypotheticalIndexes(schema quotedSchema: String) -> Statement {
        Statement("doctor_hypopg_reset", "SELECT \(raw: quotedSchema).hypopg_reset()")
    }
}
