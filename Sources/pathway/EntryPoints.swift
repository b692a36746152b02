import ArgumentParser
import PathwayCore
import PathwayReports

extension PathwayCommand {
    struct EntryPoints: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "entry-points",
            abstract: "Show where patients first reach each function, and how.",
            discussion: paragraphs(
                """
                For each function (diagnosis, treatment, …), lists its points of entry: the
                services offering it that a patient can reach first, either because they are
                an entry, or because some route from an entry gets there without passing
                another service that offers it. For each point of entry it shows one shortest
                referral path from an entry, as evidence. A function has a single point of
                entry when exactly one service is its door. Bottlenecks are the services that
                every route from an entry to the function passes through.

                --format csv prints a table for spreadsheets, one row per function:
                \(CSVReport.functionColumns.joined(separator: ", ")).

                Example: pathway entry-points pathways/dementia-london-after.yaml --function diagnosis
                         pathway entry-points --format csv pathways/dementia-london-after.yaml

                \(Exit.help)
                """)
        )

        @Argument(help: "A pathway file, or a folder holding services.csv and routes.csv.")
        var path: String

        @Option(name: .long, help: "Only this function (a word from the services' functions).")
        var function: String?

        @OptionGroup var output: FormatOptions

        func run() throws {
            let pathway = try loadOrExit(path)
            var entries = ServiceGraph(pathway).entries(of: pathway)
            if let function {
                entries = entries.filter { $0.function == function }
                if entries.isEmpty {
                    let words = Set(pathway.services.flatMap(\.functions)).sorted()
                    throw ValidationError(
                        "no service of \(path) offers '\(function)'; its functions are: "
                            + (words.isEmpty ? "none" : words.joined(separator: ", ")))
                }
            }
            switch output.chosen {
            case .json: try emit(EntryPointsReport.json(entries, pathway: pathway).serialized())
            case .csv:
                try emit(CSVReport.functions(entries, metrics: PathwayMetrics(pathway, betweenness: false)))
            case .text: try emit(EntryPointsReport.text(entries, pathway: pathway))
            }
        }
    }
}
