import Foundation
import GraphvizRenderer
import PathwayCore
import PathwayReports

/// What a drawing is written as: a Graphviz drawing, or a file for the tools people edit in.
public enum DrawingOutput: Equatable, Sendable {
    case graphviz(DiagramFormat)
    /// A Mermaid flowchart (`.mmd`).
    case mermaid
    /// An uncompressed draw.io file (`.drawio`), laid out by Graphviz.
    case drawio

    /// The Graphviz formats a user may ask a drawing in.
    public static let drawn: [DiagramFormat] = [.svg, .png, .pdf, .dot]
    public static let names = "svg, png, pdf, dot, drawio or mermaid"
    public static let extensions = ".svg, .png, .pdf, .dot, .drawio or .mmd"

    public init?(name: String) {
        switch name.lowercased() {
        case "mermaid", "mmd": self = .mermaid
        case "drawio": self = .drawio
        default:
            guard let format = DiagramFormat(rawValue: name.lowercased()), Self.drawn.contains(format) else {
                return nil
            }
            self = .graphviz(format)
        }
    }

    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "mmd", "mermaid": self = .mermaid
        case "drawio": self = .drawio
        default:
            guard let format = DiagramFormat(fileExtension: fileExtension), Self.drawn.contains(format) else {
                return nil
            }
            self = .graphviz(format)
        }
    }

    /// Whether it can be fitted to a sheet of paper.
    public var fitsPaper: Bool { [.graphviz(.svg), .graphviz(.png), .graphviz(.pdf)].contains(self) }
}

/// A drawing in one output, with what its reader should be told.
public struct DrawingFile: Sendable {
    public var bytes: [UInt8]
    /// Set when the drawing was fitted to a sheet.
    public var readability: Readability?
    /// Limits of the tool that will read it, passed (Mermaid's).
    public var warnings: [String]
}

extension Drawing {
    /// One view of a pathway in `output`.
    public static func file(
        _ pathway: Pathway, options: Options = Options(), output: DrawingOutput, worker: RenderWorker = .current()
    ) throws(DrawingError) -> DrawingFile {
        switch output {
        case .graphviz(let format):
            let drawn = try Drawing.pathway(pathway, options: options, format: format, worker: worker)
            return DrawingFile(bytes: drawn.bytes, readability: drawn.readability, warnings: [])
        case .mermaid:
            let flowchart = try mermaid(pathway, view: options.view)
            return DrawingFile(bytes: Array(flowchart.text.utf8), readability: nil, warnings: flowchart.warnings)
        case .drawio:
            return DrawingFile(
                bytes: Array(try drawio(pathway, options: options, worker: worker).utf8), readability: nil, warnings: []
            )
        }
    }

    /// The sides of a redesign's view asked for, each in its output, in order: the Graphviz
    /// drawings in one shared layout; a draw.io file holds every side as a page.
    public static func files(
        _ diff: PathwayDiff, view: PathwayView = .services, sides: [(DiagramSide, DrawingOutput)],
        worker: RenderWorker = .current()
    ) throws(DrawingError) -> [DrawingFile] {
        var files: [DrawingFile?] = Array(repeating: nil, count: sides.count)
        var graphviz: [(k: Int, side: DiagramSide, format: DiagramFormat)] = []
        for (k, (side, output)) in sides.enumerated() {
            switch output {
            case .graphviz(let format): graphviz.append((k, side, format))
            case .mermaid:
                let flowchart = try mermaid(diff, view: view, side: side)
                files[k] = DrawingFile(
                    bytes: Array(flowchart.text.utf8), readability: nil, warnings: flowchart.warnings)
            case .drawio:
                files[k] = DrawingFile(
                    bytes: Array(try drawio(diff, view: view, worker: worker).utf8), readability: nil, warnings: [])
            }
        }
        if !graphviz.isEmpty {
            let drawn = try redesign(diff, view: view, sides: graphviz.map { ($0.side, $0.format) }, worker: worker)
            for (entry, bytes) in zip(graphviz, drawn) {
                files[entry.k] = DrawingFile(bytes: bytes, readability: nil, warnings: [])
            }
        }
        return files.map { $0! }
    }

}

/// The formats of the tools people finish a diagram in: draw.io (which exports to Visio) with
/// our Graphviz layout, and Mermaid, which GitHub draws inside Markdown.
extension Drawing {
    /// The view as a Mermaid flowchart, with a warning for each of Mermaid's default limits it
    /// passes. Mermaid lays it out itself.
    public static func mermaid(_ pathway: Pathway, view: PathwayView = .services) throws(DrawingError) -> (
        text: String, warnings: [String]
    ) {
        MermaidWriter.mermaid(try viewed(pathway, metrics: nil, view: view).0)
    }

    /// One side of a redesign's view as a Mermaid flowchart: the difference, or a side alone.
    public static func mermaid(_ diff: PathwayDiff, view: PathwayView = .services, side: DiagramSide)
        throws(DrawingError) -> (text: String, warnings: [String])
    {
        do throws(ViewError) {
            var diagram = try Redesign(diff, view: view).diagram(for: side)
            if side != .difference {
                // Only what the side has.
                let hidden: Diagram.Change = side == .before ? .added : .removed
                let kept = diagram.nodes.indices.filter { diagram.nodes[$0].change != hidden }
                var index: [Int: Int] = [:]
                for (k, old) in kept.enumerated() { index[old] = k }
                diagram.nodes = kept.map { diagram.nodes[$0] }
                diagram.edges = diagram.edges.compactMap { edge in
                    guard edge.change != hidden, let from = index[edge.from], let to = index[edge.to] else {
                        return nil
                    }
                    var moved = edge
                    (moved.from, moved.to) = (from, to)
                    return moved
                }
            }
            return MermaidWriter.mermaid(diagram, side: side)
        } catch {
            throw DrawingError(message: error.description)
        }
    }

    /// The view as a draw.io file, laid out by Graphviz exactly as `render` lays it out with
    /// lanes (`--lanes`): a swimlane per organisation where dot draws lanes.
    public static func drawio(_ pathway: Pathway, options: Options = Options(), worker: RenderWorker = .current())
        throws(DrawingError) -> String
    {
        let (diagram, shape) = try viewed(pathway, metrics: nil, view: options.view)
        var laned = options
        laned.lanes = true
        let positions = try laidOut(diagram, shape: shape, options: laned, worker: worker)
        let page = DrawioWriter.Page(name: "\(options.view)", diagram: diagram, positions: positions)
        return DrawioWriter.drawio([page], agent: agent)
    }

    /// A redesign's view as a draw.io file of three pages (the difference, before, after) in one
    /// shared layout with lanes: a box present on both sides sits in the same place on every page.
    public static func drawio(_ diff: PathwayDiff, view: PathwayView = .services, worker: RenderWorker = .current())
        throws(DrawingError) -> String
    {
        let redesign: Redesign
        do throws(ViewError) {
            redesign = try Redesign(diff, view: view)
        } catch {
            throw DrawingError(message: error.description)
        }
        let union = redesign.difference
        var options = Options(view: view, lanes: true)
        options.engine = nil
        let positions = try laidOut(
            union, shape: DiagramShape(nodes: union.nodes.count, edges: union.edges.count), options: options,
            side: .difference, worker: worker)
        let pages = [
            DrawioWriter.Page(name: "What changed", diagram: union, positions: positions, side: .difference),
            DrawioWriter.Page(name: "Before", diagram: redesign.before, positions: positions, side: .before),
            DrawioWriter.Page(name: "After", diagram: redesign.after, positions: positions, side: .after),
        ]
        return DrawioWriter.drawio(pages, agent: agent)
    }

    static let agent = "pathway"

    /// Where the layout that ``draw(_:shape:options:format:worker:)`` would draw puts every box,
    /// lane and arrow: the same engine, search and label placement, and sfdp when dot, chosen
    /// from the shape, runs past a third of the time limit.
    static func laidOut(
        _ diagram: Diagram, shape: DiagramShape, options: Options, side: DiagramSide? = nil, worker: RenderWorker
    ) throws(DrawingError) -> DiagramPositions {
        let timeLimit = worker.timeout
        var plan = LayoutPlan(engine: options.engine, shape: shape)
        var dot = DOTOptions(lanes: plan.engine == .dot, edgeLabels: plan.edgeLabels, side: side)
        let start = Date()
        do throws(GraphvizError) {
            if plan.engine == .dot && LayoutSearch.searches(diagram) {
                if let best = try LayoutSearch.best(
                    diagram, options: dot, worker: worker, firstLimit: options.engine == nil ? timeLimit / 3 : nil)
                {
                    return best.placed.positions
                }
                guard options.engine == nil else { throw RenderWorker.timeLimitError(engine: .dot, limit: timeLimit) }
            } else {
                var bounded = worker
                if options.engine == nil && plan.engine == .dot { bounded.timeout = timeLimit / 3 }
                do {
                    let layout = try Layout(diagram, options: dot, engine: plan.engine, worker: bounded)
                    return LayoutSearch.placeLabels(diagram, layout, options: dot).positions
                } catch let error where error.timeLimit != nil && options.engine == nil && plan.engine == .dot {}
            }
            plan = LayoutPlan(engine: .sfdp, shape: shape)
            dot.lanes = false
            dot.edgeLabels = plan.edgeLabels
            var rest = worker
            rest.timeout = max(0.1, timeLimit - Date().timeIntervalSince(start))
            let layout = try Layout(diagram, options: dot, engine: .sfdp, worker: rest)
            return LayoutSearch.placeLabels(diagram, layout, options: dot).positions
        } catch {
            var failure = DrawingError(error)
            if error.timeLimit != nil { failure.advice = "; try a longer --time-limit" }
            throw failure
        }
    }
}
