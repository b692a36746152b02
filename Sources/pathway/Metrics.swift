import ArgumentParser
import Foundation
import PathwayCore
import PathwayReports

extension PathwayCommand {
    struct Metrics: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure how fragmented a pathway is.",
            discussion: paragraphs(
                """
                Counts boundary crossings (referrals between different organisations), the
                spread of ownership, the fewest referrals and boundaries a patient passes to
                reach each function, the points of entry for each function, loops,
                bottlenecks, dead ends and services no entry reaches. Every number is defined
                in the pathway format (section 2); --json prints exactly those keys, plus
                'betweenness' (per service, the normalised share of shortest referral paths
                between other services that pass through it; exact up to 10,000 services,
                estimated from 1,000 sampled sources beyond, with 'betweennessSources').

                Patient profiles (the pathway's own 'profiles', and those of --profiles FILE)
                are followed through the pathway: whether each mix of needs gets through, in
                order, at services that accept it, and with how few referrals and
                organisation boundaries ('profiles' in --json; see also 'pathway journeys').

                --format csv prints a table for spreadsheets instead, one row per service:
                \(CSVReport.serviceColumns.joined(separator: ", ")).

                Example: pathway metrics pathways/dementia-london-after.yaml
                         pathway metrics --json services-folder/
                         pathway metrics --format csv pathways/urgent-care-after.yaml > services.csv

                \(Exit.help)
                """)
        )

        @Argument(help: "A pathway file, or a folder holding services.csv and routes.csv.")
        var path: String

        @Flag(help: "Leave out betweenness (the slowest metric on very large networks).")
        var noBetweenness = false

        @OptionGroup var profileOptions: ProfilesOption
        @OptionGroup var output: FormatOptions

        func run() throws {
            let profiles = try profileOptions.load()
            switch output.chosen {
            case .json:
                // Only the numbers: read the pathway as columns, which is fastest.
                useLargeHeap()
                let network: PathwayNetwork
                do {
                    network = try PathwayFiles.loadNetwork(path).adding(profiles: profiles)
                } catch {
                    printError(error.description)
                    throw Exit.dataError
                }
                try PathwayMetrics(network, betweenness: !noBetweenness).writeJSON(emit)
                // Done: the process's memory goes back with it, without freeing each array.
                Foundation.exit(0)
            case .csv:
                let pathway = try loadOrExit(path, profiles: profiles)
                let metrics = PathwayMetrics(pathway, betweenness: !noBetweenness)
                try emit(CSVReport.services(pathway, metrics: metrics))
            case .text:
                let pathway = try loadOrExit(path, profiles: profiles)
                let metrics = PathwayMetrics(pathway, betweenness: !noBetweenness)
                try emit(MetricsReport.text(metrics, pathway: pathway))
            }
        }
    }
}
