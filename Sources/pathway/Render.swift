import ArgumentParser
import Foundation
import GraphvizRenderer
import PathwayCore
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

        @Option(help: "The Graphviz layout engine: dot (lanes left to right), neato or sfdp.")
        var layout: String = "dot"

        func validate() throws {
            guard let engine = LayoutEngine(rawValue: layout), LayoutEngine.chosen.contains(engine) else {
                throw ValidationError("unknown layout '\(layout)': use dot, neato or sfdp")
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
            let dot = PathwayDiagram.dot(pathway)
            let format = try resolvedFormat()
            let bytes: [UInt8]
            do throws(GraphvizError) {
                bytes = try RenderWorker.current().render(dot: dot, engine: LayoutEngine(rawValue: layout)!, format: format)
            } catch {
                printError("\(path): error: the diagram could not be drawn: \(error.message)")
                throw Exit.dataError
            }
            try writeWhole(bytes, to: output)
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
