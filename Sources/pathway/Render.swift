import ArgumentParser
import Foundation
import GraphvizRenderer
import PathwayCore
import PathwayDrawing
import PathwayReports

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
            let bytes = try drawOrExit(
                pathway, file: path, engine: engine, format: format, timeLimit: timeLimit, suggestOptions: true)
            try writeWhole(bytes, to: output)
        }
    }

    /// Draws one pathway in a worker, with the layout `engine` or the one its shape calls for,
    /// or prints why not and exits 65. When dot was chosen from the shape and runs past a third
    /// of the time limit after all, sfdp draws the pathway in the time left. With
    /// `suggestOptions`, a layout that failed or ran out of time names the options of `render`
    /// to try.
    static func drawOrExit(
        _ pathway: Pathway, metrics: PathwayMetrics? = nil, file: String, engine: LayoutEngine? = nil,
        format: DiagramFormat, timeLimit: Double = RenderWorker.defaultTimeLimit, suggestOptions: Bool = false
    ) throws -> [UInt8] {
        let metrics = metrics ?? PathwayMetrics(pathway, betweenness: false)
        let shape = DiagramShape(pathway, metrics: metrics)
        var plan = LayoutPlan(engine: engine, shape: shape)
        func draw(_ plan: LayoutPlan, within limit: Double) throws(GraphvizError) -> [UInt8] {
            let dot = PathwayDiagram.dot(pathway, metrics: metrics, lanes: plan.lanes, routeLabels: plan.edgeLabels)
            return try RenderWorker.current(timeout: limit).render(dot: dot, engine: plan.engine, format: format)
        }
        do throws(GraphvizError) {
            if engine == nil && plan.engine == .dot {
                let start = Date()
                do {
                    return try draw(plan, within: timeLimit / 3)
                } catch let error where error.timeLimit != nil {
                    plan = LayoutPlan(engine: .sfdp, shape: shape)
                    do {
                        return try draw(plan, within: max(0.1, timeLimit - Date().timeIntervalSince(start)))
                    } catch let error where error.timeLimit != nil {
                        var total = GraphvizError(
                            message: "laying out the diagram with dot, then sfdp, took longer than the limit of"
                                + " \(String(format: "%g", timeLimit)) s")
                        total.timeLimit = timeLimit
                        throw total
                    }
                }
            }
            return try draw(plan, within: timeLimit)
        } catch {
            var advice = ""
            if suggestOptions && error.timeLimit != nil {
                advice = plan.engine == .sfdp ? "; try a longer --time-limit"
                    : "; try --layout sfdp, which lays out thousands of services in seconds, or a longer --time-limit"
            } else if suggestOptions && plan.engine == .dot {
                advice = "; try --layout sfdp"
            }
            printError("\(file): error: the diagram could not be drawn: \(error.message)\(advice)")
            throw Exit.dataError
        }
    }

    struct Diagrams: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Redraw the SVG diagram of every sample pathway into diagrams/.",
            discussion: """
                Renders each pathway file in the pathways folder to an SVG of the same name in
                the diagrams folder, the same bytes for the same input. With --check, writes
                nothing and exits 1 if any diagram is missing or out of date.

                \(Exit.help)
                """
        )

        @Option(help: "The folder of pathway files.")
        var pathways = "pathways"

        @Option(help: "The folder to write the diagrams to.")
        var output = "diagrams"

        @Flag(help: "Only report stale or missing diagrams (exit 1 if there are any).")
        var check = false

        func run() throws {
            let files = PathwayFiles.expand([pathways])
            if files.isEmpty {
                printError("\(pathways): error: no pathway files found")
                throw Exit.dataError
            }
            var stale: [String] = []
            for file in files {
                let pathway = try loadOrExit(file)
                let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension + ".svg"
                let target = (output as NSString).appendingPathComponent(name)
                let svg: [UInt8]
                do throws(GraphvizError) {
                    svg = try RenderWorker.current().render(dot: PathwayDiagram.dot(pathway), format: .svg)
                } catch {
                    printError("\(file): error: the diagram could not be drawn: \(error.message)")
                    throw Exit.dataError
                }
                let current = FileManager.default.contents(atPath: target).map { [UInt8]($0) }
                if current == svg { continue }
                stale.append(target)
                if !check {
                    try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                    try writeWhole(svg, to: target)
                    print("wrote \(target)")
                }
            }
            if check && !stale.isEmpty {
                for target in stale { printError("\(target): out of date: run 'pathway diagrams'") }
                throw Exit.found
            }
        }
    }
}
