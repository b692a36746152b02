import ArgumentParser
import PathwayCore
import PathwayRecords
import PathwayReports

/// `report --records FILE`: the "designed and observed" section.
struct ReportRecordsOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Referral records to hold against the pathway (after a redesign, the after pathway): adds a"
                + " 'designed and observed' section.", valueName: "file"))
    var records: String?

    @OptionGroup var columns: RecordsOptions
    @OptionGroup var safeOutput: DisclosureOptions

    /// The section for `design`, or nil without --records; prints why not and exits with the
    /// data-error status when the records do not load.
    func section(for design: Pathway) throws -> ObservedSection? {
        guard let records else { return nil }
        let log = try columns.load(records)
        let journeys = PatientJourneys(log)
        let discovery = Discovery(log, journeys: journeys)
        let conformance = Conformance(design: design, log: log, discovery: discovery, journeys: journeys)
        return RecordsSection.make(
            design: design, log: log, records: records, discovery: discovery, conformance: conformance,
            disclosure: safeOutput.disclosure)
    }

    var inputs: [String] { records.map { [$0] } ?? [] }
}

/// `discover --sql DIALECT TABLE` and `discover --aggregates DIR`: the work done where the
/// records live.
struct WarehouseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Print the SQL (duckdb, spark or postgres) that computes the aggregates inside that engine;"
                + " the argument is then the table.", valueName: "dialect"))
    var sql: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Read the aggregates the SQL of --sql computed, saved as DIR/NAME.csv, instead of records.",
            valueName: "dir"))
    var aggregates: String?

    @Option(
        name: .long,
        help: ArgumentHelp("With --sql: the column giving the file order (ties of time).", valueName: "name"))
    var row = "row"

    @Option(name: .long, help: ArgumentHelp("With --sql: events or referrals (the table's shape).", valueName: "shape"))
    var shape = "events"

    func validate() throws {
        if let sql, RecordsSQL.Dialect(rawValue: sql) == nil {
            throw ValidationError("unknown SQL dialect '\(sql)': use duckdb, spark or postgres")
        }
        if RecordShape(rawValue: shape) == nil {
            throw ValidationError("unknown shape '\(shape)': use events or referrals")
        }
        if sql != nil && aggregates != nil { throw ValidationError("give --sql or --aggregates, not both") }
    }

    /// The script of `--sql`, or nil without it.
    func script(table: String, columns: RecordsOptions) throws -> String? {
        guard let sql, let dialect = RecordsSQL.Dialect(rawValue: sql) else { return nil }
        let options = try columns.options()
        return RecordsSQL.script(
            table: table, shape: RecordShape(rawValue: shape) ?? .events, columns: options.columns, row: row,
            organisation: options.columns.organisationRequired, dialect: dialect)
    }
}

/// What `discover` found: from records, or from a warehouse's aggregates.
struct Discovered {
    var discovery: Discovery
    var observed: (Pathway?, Disclosure) -> Pathway
    var input: String

    /// Reads `records` (or the aggregates), or prints why not and exits with the data-error status.
    static func load(_ records: String?, columns: RecordsOptions, warehouse: WarehouseOptions) throws -> Discovered {
        if let folder = warehouse.aggregates {
            do {
                let loaded = try Aggregates.load(folder)
                return Discovered(
                    discovery: loaded.discovery, observed: { loaded.observedPathway(design: $0, disclosure: $1) },
                    input: folder)
            } catch {
                printError(error.description)
                throw Exit.dataError
            }
        }
        guard let records else { throw ValidationError("name a records file, or give --aggregates DIR") }
        let progress = terminalProgress()
        var log = try columns.load(records, progress: progress)
        progress?.update("ordering and measuring journeys", rows: log.count)
        let journeys = PatientJourneys(log)
        let organisationRows = Discovery.organisationRows(log)
        // The journeys hold the rows from here: the log's own columns go (1.6 GB at 10^8 rows).
        log.dropRows()
        let discovery = Discovery(log, journeys: journeys)
        progress?.finish()
        let (serviceNames, organisationNames) = (log.serviceNames, log.organisationNames)
        return Discovered(
            discovery: discovery,
            observed: {
                discovery.observedPathway(
                    serviceNames: serviceNames, organisationNames: organisationNames,
                    organisationRows: organisationRows, design: $0, disclosure: $1)
            },
            input: records)
    }
}
