import ArgumentParser
import Foundation
import GraphvizRenderer
import PathwayCore
import PathwayDrawing

extension PathwayCommand {
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a pathway as a diagram for a board paper (SVG, PNG, PDF or DOT), draw.io or Mermaid.",
            discussion: paragraphs(
                """
                Draws one view of the pathway (--view): every service (the default), one box per
                organisation, how patients reach one function, or who refers to one service and
                where it refers on. \(ViewOptions.help)

                Services are filled with their organisation's sector colour (a colour-blind-safe
                palette, with a legend), or drawn in a lane per organisation with --lanes; entry
                points are arrow-shaped, terminal services octagonal; formal routes solid,
                informal dashed, line weight by referrals a year; the routes between two services
                are one arrow listing their purposes and volumes (two heads when they refer both
                ways); routes that cross an organisation boundary are blue; orphaned routes red
                to a ghost box named after the missing service; unreachable services grey; dead
                ends red-bordered. In SVG, hovering a service or route shows its details.

                --format drawio (.drawio) writes a file that draw.io opens and edits (and exports
                to Visio): a swimlane per organisation, a cell per service and an edge per route,
                styled as the drawing and placed where the Graphviz layout with lanes puts them.
                --format mermaid (.mmd) writes a Mermaid flowchart, which GitHub draws in Markdown:
                a subgraph per organisation, classes for sectors and kinds of route; Mermaid lays
                it out itself, and a warning says when it passes Mermaid's default limits.

                The layout is chosen from the diagram's size and shape (--layout auto, the
                default): dot for up to 500 boxes and 1,500 arrows, laid out several ways when
                small and the one with the fewest crossing arrows kept, labels placed where they
                cover nothing; sfdp beyond, which lays out thousands of services in seconds.
                Should dot still need more than a third of the time limit, sfdp draws it instead.
                Laying out stops after --time-limit seconds (default 12, and 1 more for every 500
                services and routes, up to 120) with an error that names
                the limit.

                Example: pathway render pathways/dementia-london-after.yaml -o london-after.svg
                         pathway render pathways/dementia-london-after.yaml \\
                           --view organisations --page a4 -o london-organisations.pdf
                         pathway render pathways/dementia-london-after.yaml \\
                           --view focus:memory-service -o memory-service.svg
                         pathway render pathways/dementia-london-after.yaml -o london.drawio
                         pathway render pathways/urgent-care-after.yaml -o urgent-care.mmd

                \(Exit.help) An output is written whole or not at all.
                """)
        )

        @Argument(help: "A pathway file, or a folder holding services.csv and routes.csv.")
        var path: String

        @Option(name: .shortAndLong, help: "The file to write.")
        var output: String

        @Option(help: "svg, png, pdf, dot, drawio or mermaid (default: from the output's extension).")
        var format: String?

        @OptionGroup var drawing: ViewOptions

        @Option(
            help: """
                The Graphviz layout engine: auto (dot or sfdp, from the diagram's size and shape), \
                dot (referrals flowing left to right), neato or sfdp (large networks).
                """)
        var layout: String = "auto"

        @OptionGroup var time: TimeLimitOption
        @OptionGroup var profileOptions: ProfilesOption

        /// The engine the user named, or nil for auto.
        var engine: LayoutEngine? {
            LayoutEngine(rawValue: layout).flatMap { LayoutEngine.chosen.contains($0) ? $0 : nil }
        }

        func validate() throws {
            guard layout == "auto" || engine != nil else {
                throw ValidationError("unknown layout '\(layout)': use auto, dot, neato or sfdp")
            }
            if !(try DrawingOutput.named(format, output: output)).fitsPaper, drawing.page != nil {
                throw ValidationError("--page fits a drawing to a sheet: it is for svg, png and pdf")
            }
        }

        func run() throws {
            let pathway = try loadOrExit(path, profiles: try profileOptions.load())
            let view = try drawing.view(for: pathway)
            let options = Drawing.Options(view: view, engine: engine, lanes: drawing.lanes, paper: drawing.paper)
            let inputs = [path] + profileOptions.inputs
            let kind = try DrawingOutput.named(format, output: output)
            let drawn: DrawingFile
            do {
                drawn = try Drawing.file(pathway, options: options, output: kind, worker: time.worker(for: [pathway]))
            } catch {
                throw drawingFailed(error, file: path, advice: true)
            }
            try writeWhole(drawn.bytes, to: output, inputs: inputs)
            for warning in drawn.warnings { printError("\(path): warning: \(warning)") }
            if let readability = drawn.readability, !readability.readable {
                let better = Drawing.readableView(of: pathway, on: readability.paper, besides: view)
                printError(
                    "\(path): warning: the \(view) view on \(readability.paper) shows its smallest text at "
                        + String(format: "%.1f pt", readability.smallestText) + ", below the 8 pt a printed page needs"
                        + (better.map { "; --view \($0.view) reads at " + String(format: "%.1f pt", $0.text) } ?? ""))
            }
        }
    }
}
