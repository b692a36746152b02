import ArgumentParser
import PathwayCore
import PathwayRecords

extension PathwayCommand {
    struct Discover: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find the pathway patients actually took, from referral records.",
            discussion: paragraphs(
                """
                Reads a records file: delimited text (a header row; ',', ';' or tab) of event rows
                (patient, service, time: a patient reached a service) or referral rows (patient,
                from, to, time: one referral each), or an XES event log (.xes) from PM4Py, ProM or
                Disco. Each patient's rows are put in time order (ties in file order); consecutive
                events are transitions. Prints the patients, the period, the busiest routes with
                their waits in days, the most common journeys (variants) and the continuity of care;
                --json prints every figure (section 5 of the format). -o writes the observed
                pathway as a pathway file that every other command reads: the services seen, entry
                where journeys start, one route per observed (from, to) with its volume a year.
                --design names a designed pathway whose services, names, functions and sectors the
                observed file takes where the records match them (by id, else by name).

                Before figures leave a secure environment: --suppress-below 10 --round-to 5.

                Where records may not leave their environment: --sql duckdb|spark|postgres TABLE
                prints the SQL that computes the aggregates inside that engine (the table's
                columns mapped by the same options, --row naming the column of file order,
                --shape referrals for referral rows, --organisation when it has that column);
                save each result as DIR/NAME.csv, and --aggregates DIR gives the same figures
                and observed pathway as a local run.

                Example: pathway discover pathways/records/dementia-london-after-events.csv \\
                             --design pathways/dementia-london-after.yaml -o observed.yaml

                \(Exit.help)
                """)
        )

        @Argument(help: "The records file (.csv, .tsv, .txt or .xes); with --sql, the table that holds them.")
        var records: String?

        @Option(name: .shortAndLong, help: ArgumentHelp("Write the observed pathway file (YAML).", valueName: "file"))
        var output: String?

        @Option(
            name: .long, help: ArgumentHelp("A designed pathway whose services the records name.", valueName: "file"))
        var design: String?

        @Option(
            name: .long,
            help: ArgumentHelp("How many variants to list (default 20 in JSON, 5 in the summary).", valueName: "n"))
        var variants: Int?

        @OptionGroup var columns: RecordsOptions
        @OptionGroup var warehouse: WarehouseOptions
        @OptionGroup var safeOutput: DisclosureOptions
        @OptionGroup var format: OutputOptions

        func validate() throws {
            if let variants, variants < 0 { throw ValidationError("--variants must be 0 or more") }
        }

        func run() throws {
            if let table = records, let script = try warehouse.script(table: table, columns: columns) {
                try emit(script)
                return
            }
            let designPathway = try design.map { try loadOrExit($0) }
            useLargeHeap()
            let found = try Discovered.load(records, columns: columns, warehouse: warehouse)
            let discovery = found.discovery
            let disclosure = safeOutput.disclosure
            if let output {
                let yaml = PathwayYAMLWriter.yaml(found.observed(designPathway, disclosure))
                try writeWhole(Array(yaml.utf8), to: output, inputs: [found.input] + (design.map { [$0] } ?? []))
            }
            if format.json {
                try emit(discovery.json(variants: variants ?? 20, disclosure: disclosure).serialized())
            } else {
                var text = RecordsReport.discovery(discovery, variants: variants ?? 5, disclosure: disclosure)
                if let output { text += "\nwrote \(output): the observed pathway\n" }
                try emit(text)
            }
        }
    }
}
