import ArgumentParser
import Foundation
import GraphvizRenderer
import PathwayCore
import PathwayReports

extension PathwayCommand {
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare a pathway before and after a redesign.",
            discussion: """
                Prints the headline changes first (services merged, points of entry per
                function, boundary crossings, what the redesign leaves broken), then the
                details: services and routes added, removed and changed, routes redirected to
                the service that replaced their end, every metric that moved, the orphaned
                routes of the after pathway, and the onward referrals lost: each service, in
                both versions, that could reach a function before and cannot after, with a path
                that worked before and where the after pathway breaks it.

                Services match by id, and by 'replaces' in the after file (merges and splits).
                Routes match on from, to and purpose; a change of kind, volume or note is a
                change, not a removal and an addition. --json prints the 'diff' keys of the
                pathway format (section 3).

                --diagram draws the union of both pathways: added in blue, removed in orange
                and dashed, changed in purple, unchanged grey, and a dotted line from each
                merged service to what it replaces. --before-diagram and --after-diagram draw
                each side in the same layout, so a reader can flip between them.

                Example: pathway diff pathways/dementia-london-before.yaml \\
                           pathways/dementia-london-after.yaml --diagram london-diff.svg

                Exit status: with --exit-code, 1 when the after pathway has orphaned routes or
                lost onward referrals (for the CI of a pathway repository), else 0; without it,
                0 whatever the difference. 64 for a mistake in the command line; 65 when an
                input does not load or a diagram cannot be drawn or written.
                """
        )

        @Argument(help: "The pathway before the redesign (file, or CSV folder).")
        var before: String

        @Argument(help: "The pathway after the redesign.")
        var after: String

        @OptionGroup var output: OutputOptions

        @Flag(help: "Exit 1 when the after pathway has orphaned routes or lost onward referrals.")
        var exitCode = false

        @Option(help: "Also draw the difference to this file (.svg, .png, .pdf or .dot).")
        var diagram: String?

        @Option(help: "Also draw the before pathway, laid out as the difference is.")
        var beforeDiagram: String?

        @Option(help: "Also draw the after pathway, laid out as the difference is.")
        var afterDiagram: String?

        func validate() throws {
            for path in [diagram, beforeDiagram, afterDiagram].compactMap({ $0 }) {
                guard DiagramFormat(fileExtension: (path as NSString).pathExtension) != nil else {
                    throw ValidationError("cannot tell the format from '\(path)': end it in .svg, .png, .pdf or .dot")
                }
            }
        }

        func run() throws {
            let old = try loadOrExit(before)
            let new = try loadOrExit(after)
            let diff = PathwayDiff(before: old, after: new)

            // Draw everything first, then write: a failure leaves no file half-done.
            var drawings: [(path: String, bytes: [UInt8])] = []
            let wanted = [(diagram, DiffDiagram.Side.difference), (beforeDiagram, .before), (afterDiagram, .after)]
                .compactMap { path, side in path.map { ($0, side) } }
            if !wanted.isEmpty {
                let drawn = try DiffDiagram.drawOrExit(
                    diff, sides: wanted.map { path, side in (side, DiagramFormat(fileExtension: (path as NSString).pathExtension)!) },
                    file: after)
                drawings = zip(wanted, drawn).map { ($0.0, $1) }
            }
            for drawing in drawings { try writeWhole(drawing.bytes, to: drawing.path) }

            if output.json {
                print(DiffReport.json(diff).serialized(), terminator: "")
            } else {
                print(DiffReport.text(diff), terminator: "")
            }
            if exitCode && diff.hasGaps { throw Exit.found }
        }
    }
}

extension DiffDiagram {
    /// Draws the sides asked for, in one shared layout, or prints why not and exits 65.
    static func drawOrExit(_ diff: PathwayDiff, sides: [(Side, DiagramFormat)], file: String) throws -> [[UInt8]] {
        do throws(GraphvizError) {
            let positions = try layOut(diff)
            var drawn: [[UInt8]] = []
            for (side, format) in sides {
                drawn.append(try RenderWorker.current().render(
                    dot: dot(diff, side: side, positions: positions), engine: .positioned, format: format))
            }
            return drawn
        } catch {
            printError("\(file): error: the diagram could not be drawn: \(error.message)")
            throw Exit.dataError
        }
    }

    /// Lays out the union of both pathways once, with Graphviz's dot layout in a worker, and
    /// reads back where everything went.
    static func layOut(_ diff: PathwayDiff) throws(GraphvizError) -> Positions {
        let laidOut = try RenderWorker.current().render(dot: dot(diff, side: .difference), engine: .dot, format: .xdot)
        let graph = try Graphviz.shared.read(dot: String(decoding: laidOut, as: UTF8.self))
        func pick(_ attributes: [String: String], _ keys: [String]) -> [String: String] {
            attributes.filter { keys.contains($0.key) }
        }
        return Positions(
            graph: pick(graph.attributes, Positions.graphKeys),
            clusters: Dictionary(graph.clusters.map { ($0.name, pick($0.attributes, Positions.graphKeys)) }, uniquingKeysWith: { a, _ in a }),
            nodes: Dictionary(graph.nodes.map { ($0.name, pick($0.attributes, Positions.nodeKeys)) }, uniquingKeysWith: { a, _ in a }),
            edges: Dictionary(
                graph.edges.compactMap { edge in edge.attributes["id"].map { ($0, pick(edge.attributes, Positions.edgeKeys)) } },
                uniquingKeysWith: { a, _ in a }))
    }
}
