import ArgumentParser
import GraphvizRenderer
import PathwayCore
import PathwayDrawing
import PathwayRecords
import PathwayReports

extension PathwayCommand {
    struct Conform: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hold referral records against a designed pathway.",
            discussion: paragraphs(
                """
                Matches each service in the records to the design's, by id, else by exact name, and
                says what a commissioner acts on: the routes patients take that nobody designed
                (most used first), the designed routes nobody uses, journeys that start where the
                design has no entry, and services over their capacity on the observed volumes a
                year. Fitness is the share of transitions along designed routes; coverage the
                share of designed routes used. --json prints every figure (section 5 of the
                format). Records are read as by 'pathway discover', with the same options.
                --diagram draws the design with what patients did on it: each designed route with
                its observed volume a year, the ones nobody took grey and dashed, the routes
                nobody designed in vermilion (svg, png, pdf or dot, from the extension).

                Example: pathway conform pathways/dementia-london-after.yaml \\
                             pathways/records/dementia-london-after-events.csv

                \(Exit.help)
                """)
        )

        @Argument(help: "The designed pathway file, or a folder holding services.csv and routes.csv.")
        var design: String

        @Argument(help: "The records file (.csv, .tsv, .txt or .xes).")
        var records: String

        @Option(name: .long, help: ArgumentHelp("Draw the conformance diagram to this file.", valueName: "file"))
        var diagram: String?

        @OptionGroup var columns: RecordsOptions
        @OptionGroup var safeOutput: DisclosureOptions
        @OptionGroup var format: OutputOptions
        @OptionGroup var time: TimeLimitOption

        func validate() throws {
            if let diagram { _ = try DiagramFormat.named(nil, output: diagram) }
        }

        func run() throws {
            let pathway = try loadOrExit(design)
            useLargeHeap()
            let progress = terminalProgress()
            let log = try columns.load(records, progress: progress)
            progress?.update("ordering journeys", rows: log.count)
            let journeys = PatientJourneys(log)
            progress?.update("measuring", rows: log.count)
            let discovery = Discovery(log, journeys: journeys)
            let conformance = Conformance(design: pathway, log: log, discovery: discovery, journeys: journeys)
            progress?.finish()
            let disclosure = safeOutput.disclosure
            if let diagram {
                let picture = ConformanceView.diagram(
                    design: pathway, observed: conformance.drawing(discovery: discovery, disclosure: disclosure))
                let format = try DiagramFormat.named(nil, output: diagram)
                let worker = time.worker(for: [pathway])
                let drawn: Drawing.Drawn
                do {
                    drawn = try Drawing.diagram(picture, format: format, worker: worker)
                } catch {
                    throw drawingFailed(error, file: design)
                }
                try writeWhole(drawn.bytes, to: diagram, inputs: [design, records])
            }
            if format.json {
                try emit(conformance.json(disclosure: disclosure).serialized())
            } else {
                try emit(
                    RecordsReport.conformance(conformance, design: pathway, records: records, disclosure: disclosure))
            }
        }
    }
}
