import ArgumentParser
import Foundation
import GraphvizRenderer
import PathwayCore
import PathwayDrawing

extension PathwayCommand {
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a pathway as a diagram for a board paper (SVG, PNG, PDF or DOT).",
            discussion: """
                One lane per organisation, coloured by sector (a colour-blind-safe palette, with
                a legend); entry points arrow-shaped, terminal services octagonal; formal routes
                solid, informal dashed, line weight by referrals a year; routes that cross an
                organisation boundary in blue; orphaned routes in red to a ghost box named after
                the missing service; unreachable services grey; dead ends red-bordered. In SVG,
                hovering a service or route shows its details.

                The layout is chosen from the pathway's size and shape (--layout auto, the
                default): dot, with its lanes, for a pathway of up to 500 services and 1,500
                routes where no organisation holds a large knot of referral loops; sfdp beyond,
                which lays out thousands of services in seconds and fills each service with its
                sector's colour instead of drawing lanes. Should dot still need more than a third
                of the time limit, sfdp draws the pathway instead. Above 1,500 routes, routes
                carry no labels (hovering one in SVG still shows its details). Laying out stops
                after --time-limit seconds (default 12) with an error that names the limit.

                Example: pathway render pathways/dementia-london-after.yaml -o london-after.svg
                         pathway render pathways/sexual-health-after.yaml -o sh.pdf

                \(Exit.help) An output is written whole or not at all.
                """
        )

        @Argument(help: "A pathway file, or a folder holding services.csv and routes.csv.")
        var path: String

        @Option(name: .shortAndLong, help: "The file to write.")
        var output: String

        @Option(help: "svg, png, pdf or dot (default: from the output's extension).")
        var format: String?

        @Option(
            help: """
                The Graphviz layout engine: auto (dot or sfdp, from the pathway's size and shape), \
                dot (lanes left to right), neato or sfdp (large networks).
                """)
        var layout: String = "auto"

        @Option(help: "Seconds that laying out may take before the tool stops it with an error.")
        var timeLimit: Double = RenderWorker.defaultTimeLimit

        /// The engine the user named, or nil for auto.
        var engine: LayoutEngine? {
            LayoutEngine(rawValue: layout).flatMap { LayoutEngine.chosen.contains($0) ? $0 : nil }
        }

        func validate() throws {
            guard layout == "auto" || engine != nil else {
                throw ValidationError("unknown layout '\(layout)': use auto, dot, neato or sfdp")
            }
            guard timeLimit > 0 && timeLimit <= 86_400 else {
                throw ValidationError("--time-limit must be a number of seconds above 0, up to 86400 (a day)")
            }
            _ = try resolvedFormat()
        }

        func resolvedFormat() throws -> DiagramFormat {
            if let format {
                guard let f = DiagramFormat(rawValue: format.lowercased()) else {
                    throw ValidationError("unknown format '\(format)': use svg, png, pdf or dot")
                }
                return f
            }
            let ext = (output as NSString).pathExtension
            guard let f = DiagramFormat(fileExtension: ext) else {
                throw ValidationError(
                    "cannot tell the format from '\(output)': end it in .svg, .png, .pdf or .dot, or give --format")
            }
            return f
        }

        func run() throws {
            let pathway = try loadOrExit(path)
            let format = try resolvedFormat()
            let bytes: [UInt8]
            do {
                bytes = try Drawing.pathway(
                    pathway, engine: engine, format: format, worker: .current(timeout: timeLimit))
            } catch {
                throw drawingFailed(error, file: path, advice: true)
            }
            try writeWhole(bytes, to: output)
        }
    }
}
