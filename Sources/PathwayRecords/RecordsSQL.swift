/// The SQL that computes, inside a database or Spark, the aggregates `pathway discover` needs,
/// so that records that may not leave their secure environment need not: run each query, save
/// its result as `DIR/NAME.csv` with a header, and `pathway discover --aggregates DIR` gives the
/// same JSON and observed pathway as a local run.
///
/// The table holds one row per record with the mapped columns, `time` as a timestamp in UTC,
/// and a column giving the file order (`--row`, default `row`), which breaks ties of time as
/// section 5 of the format does. Waits are exact to the microsecond (the engines' timestamps).
/// Medians and 90th percentiles are each engine's exact, linearly interpolated percentile
/// (DuckDB `quantile_cont`, Spark `percentile`, PostgreSQL `percentile_cont`), numpy's
/// definition; means are the engine's `avg`, so they may differ from a local run in the last
/// digits.
public enum RecordsSQL {
    public enum Dialect: String, Sendable, CaseIterable {
        case duckdb, spark, postgres
    }

    /// The aggregates, in the order they are printed: each is saved as `NAME.csv`.
    public static let names = ["summary", "services", "routes", "variants", "continuity", "organisations"]

    /// Each aggregate's query, by name; `organisations` only when the table has the column.
    public static func queries(
        table: String, shape: RecordShape, columns: RecordColumns, row: String, organisation: Bool,
        dialect: Dialect
    ) -> [(name: String, sql: String)] {
        let q = { (name: String) in quote(name, dialect) }
        let window = "PARTITION BY p ORDER BY t, r"
        var select = "\(q(columns.patient)) AS p, \(q(columns.time)) AS t, \(q(row)) AS r"
        if shape == .events {
            select += ", \(q(columns.service)) AS s"
        } else {
            select += ", \(q(columns.from)) AS f, \(q(columns.to)) AS s"
        }
        if organisation { select += ", \(q(columns.organisation)) AS o" }
        let provider = organisation ? "o" : "s"
        let with = """
            WITH base AS (SELECT \(select) FROM \(table)),
            ordered AS (
              SELECT base.*,
                ROW_NUMBER() OVER (\(window)) AS k,
                COUNT(*) OVER (PARTITION BY p) AS n,
                LAG(s) OVER (\(window)) AS prev_s,
                LAG(t) OVER (\(window)) AS prev_t,
                LAG(\(provider)) OVER (\(window)) AS prev_provider
              FROM base)
            """
        let wait = "CASE WHEN prev_t IS NULL THEN NULL ELSE \(seconds(from: "prev_t", to: "t", dialect)) END"
        let transitions =
            shape == .events
            ? "SELECT p, prev_s AS from_id, s AS to_id, \(wait) AS wait FROM ordered WHERE prev_s IS NOT NULL"
            : "SELECT p, f AS from_id, s AS to_id, \(wait) AS wait FROM ordered"
        let startColumn = shape == .events ? "s" : "f"
        let ids =
            shape == .events
            ? "SELECT DISTINCT s AS id FROM ordered" : "SELECT s AS id FROM ordered UNION SELECT f FROM ordered"
        let separator = "chr(31)"
        var path: String
        switch dialect {
        case .spark:
            path =
                "array_join(transform(array_sort(collect_list(named_struct('t', t, 'r', r, 's', s))), x -> x.s), \(separator))"
        case .duckdb, .postgres:
            path = "string_agg(s, \(separator) ORDER BY t, r)"
        }
        if shape == .referrals {
            path = "concat(MAX(CASE WHEN k = 1 THEN f END), \(separator), \(path))"
        }
        let median = { (x: String) in percentile(x, 0.5, dialect) }
        let p90 = { (x: String) in percentile(x, 0.9, dialect) }
        var out: [(String, String)] = [
            (
                "summary",
                """
                \(with)
                SELECT COUNT(*) AS events, COUNT(DISTINCT p) AS patients,
                  \(timestamp("MIN(t)", dialect)) AS period_from, \(timestamp("MAX(t)", dialect)) AS period_to,
                  '\(shape.rawValue)' AS shape
                FROM ordered
                """
            ),
            (
                "services",
                """
                \(with),
                ids AS (\(ids)),
                reached AS (SELECT s AS id, COUNT(*) AS events, COUNT(DISTINCT p) AS patients FROM ordered GROUP BY s),
                firsts AS (SELECT \(startColumn) AS id, COUNT(*) AS starts FROM ordered WHERE k = 1 GROUP BY \(startColumn)),
                lasts AS (SELECT s AS id, COUNT(*) AS ends FROM ordered WHERE k = n GROUP BY s)
                SELECT ids.id, COALESCE(reached.events, 0) AS events, COALESCE(reached.patients, 0) AS patients,
                  COALESCE(firsts.starts, 0) AS starts, COALESCE(lasts.ends, 0) AS ends
                FROM ids LEFT JOIN reached ON reached.id = ids.id LEFT JOIN firsts ON firsts.id = ids.id
                  LEFT JOIN lasts ON lasts.id = ids.id
                """
            ),
            (
                "routes",
                """
                \(with),
                transitions AS (\(transitions))
                SELECT from_id, to_id, COUNT(*) AS transitions, COUNT(DISTINCT p) AS patients,
                  AVG(wait) AS mean_seconds, \(median("wait")) AS median_seconds, \(p90("wait")) AS p90_seconds
                FROM transitions GROUP BY from_id, to_id
                """
            ),
            (
                "variants",
                """
                \(with),
                paths AS (SELECT p, \(path) AS path FROM ordered GROUP BY p)
                SELECT path, COUNT(*) AS patients FROM paths GROUP BY path
                """
            ),
            (
                "continuity",
                """
                \(with),
                counts AS (SELECT p, \(provider) AS provider, COUNT(*) AS c FROM ordered GROUP BY p, \(provider)),
                per_patient AS (
                  SELECT counts.p, MAX(counts.c) AS largest, SUM(counts.c * counts.c) AS squares, MAX(runs.n) AS n,
                    MAX(runs.same) AS same
                  FROM counts JOIN (
                    SELECT p, MAX(n) AS n, SUM(CASE WHEN prev_provider = \(provider) THEN 1 ELSE 0 END) AS same
                    FROM ordered GROUP BY p) runs ON runs.p = counts.p
                  GROUP BY counts.p),
                measures AS (
                  SELECT CAST(largest AS DOUBLE PRECISION) / n AS upc,
                    CAST(squares - n AS DOUBLE PRECISION) / (n * (n - 1)) AS coc,
                    CAST(same AS DOUBLE PRECISION) / (n - 1) AS secon, n - 1 - same AS crossings
                  FROM per_patient WHERE n >= 2)
                SELECT COUNT(*) AS patients, AVG(upc) AS upc_mean, \(median("upc")) AS upc_median,
                  AVG(coc) AS coc_mean, \(median("coc")) AS coc_median, AVG(secon) AS secon_mean,
                  \(median("secon")) AS secon_median, AVG(crossings) AS crossings_mean,
                  \(median("crossings")) AS crossings_median, MAX(crossings) AS crossings_max
                FROM measures
                """
            ),
        ]
        if organisation {
            out.append(
                (
                    "organisations",
                    """
                    \(with)
                    SELECT s AS service, o AS organisation, COUNT(*) AS records FROM ordered GROUP BY s, o
                    """
                ))
        }
        return out.map {
            (
                name: $0.0,
                sql: dialect == .spark ? $0.1.replacingOccurrences(of: "DOUBLE PRECISION", with: "DOUBLE") : $0.1
            )
        }
    }

    /// The whole script: each query headed by the file its result is to be saved as.
    public static func script(
        table: String, shape: RecordShape, columns: RecordColumns, row: String, organisation: Bool,
        dialect: Dialect
    ) -> String {
        var out =
            "-- pathway discover --aggregates DIR: the aggregates of \(table) (\(shape.rawValue) rows), \(dialect.rawValue)\n"
        out +=
            "-- Save each result with its header as DIR/<name>.csv; time is a timestamp in UTC, \(row) the file order.\n"
        for query in queries(
            table: table, shape: shape, columns: columns, row: row, organisation: organisation, dialect: dialect)
        {
            out += "\n-- \(query.name).csv\n\(query.sql);\n"
        }
        return out
    }

    static func quote(_ name: String, _ dialect: Dialect) -> String {
        switch dialect {
        case .spark: "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
        case .duckdb, .postgres: "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }

    /// Seconds from `a` to `b`, exact to the microsecond.
    static func seconds(from a: String, to b: String, _ dialect: Dialect) -> String {
        switch dialect {
        case .duckdb: "date_diff('microsecond', \(a), \(b)) / 1000000.0"
        case .spark: "(unix_micros(\(b)) - unix_micros(\(a))) / 1000000.0"
        case .postgres: "CAST(EXTRACT(EPOCH FROM (\(b) - \(a))) AS DOUBLE PRECISION)"
        }
    }

    static func percentile(_ x: String, _ q: Double, _ dialect: Dialect) -> String {
        switch dialect {
        case .duckdb: "quantile_cont(\(x), \(q))"
        case .spark: "percentile(\(x), \(q))"
        case .postgres: "percentile_cont(\(q)) WITHIN GROUP (ORDER BY \(x))"
        }
    }

    /// A timestamp as ISO text with microseconds, which ``RecordTime`` reads back.
    static func timestamp(_ x: String, _ dialect: Dialect) -> String {
        switch dialect {
        case .duckdb: "strftime(\(x), '%Y-%m-%dT%H:%M:%S.%fZ')"
        case .spark: "date_format(\(x), \"yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'\")"
        case .postgres: "to_char(\(x), 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
        }
    }
}
