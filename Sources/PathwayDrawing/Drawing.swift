import Foundation
import GraphvizRenderer
import PathwayCore
import PathwayReports

/// Why a diagram could not be drawn: Graphviz's reason or the limit that stopped it, and what
/// to try instead.
public struct DrawingError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Graphviz's own words, or the time limit the layout ran past.
    public var message: String
    /// The options of `pathway render` to try instead (`"; try --layout sfdp, …"`), empty when
    /// none would help. Only commands that take those options show it.
    public var advice: String
    /// The time limit in seconds, when the layout was stopped for running past it.
    public var timeLimit: Double?

    public var description: String { message }

    public init(message: String, advice: String = "", timeLimit: Double? = nil) {
        self.message = message
        self.advice = advice
        self.timeLimit = timeLimit
    }

    init(_ error: GraphvizError) {
        self.init(message: error.message, timeLimit: error.timeLimit)
    }
}

/// Draws pathways and redesigns, in a worker process (``RenderWorker``), with the engine and
/// the drawing each one's size and shape call for; the policy that `render`, `diff` and
/// `report` share.
public enum Drawing {
    /// Draws one pathway, with the layout `engine` or, when it is nil, the one
    /// ``LayoutChoice`` picks from the pathway's shape, within the worker's time limit.
    ///
    /// When dot was picked and runs past a third of the limit after all, sfdp draws the pathway
    /// in the time left; if that runs out too, the error names both engines and the whole
    /// limit. The error's ``DrawingError/advice`` names the options to try: sfdp after dot, a
    /// longer time limit after a layout that ran out of time.
    ///
    /// - Parameters:
    ///   - metrics: the pathway's metrics, if already computed (the drawing marks unreachable
    ///     services and dead ends, and the shape counts loops).
    ///   - worker: the process to draw in; its timeout is the time limit of the whole drawing.
    public static func pathway(
        _ pathway: Pathway, metrics: PathwayMetrics? = nil, engine: LayoutEngine? = nil, format: DiagramFormat,
        worker: RenderWorker = .current()
    ) throws(DrawingError) -> [UInt8] {
        let metrics = metrics ?? PathwayMetrics(pathway, betweenness: false)
        let shape = DiagramShape(pathway, metrics: metrics)
        let timeLimit = worker.timeout
        var plan = LayoutPlan(engine: engine, shape: shape)
        func draw(_ plan: LayoutPlan, within limit: Double) throws(GraphvizError) -> [UInt8] {
            let dot = PathwayDiagram.dot(pathway, metrics: metrics, lanes: plan.lanes, routeLabels: plan.edgeLabels)
            var bounded = worker
            bounded.timeout = limit
            return try bounded.render(dot: dot, engine: plan.engine, format: format)
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
            var failure = DrawingError(error)
            if error.timeLimit != nil {
                failure.advice =
                    plan.engine == .sfdp
                    ? "; try a longer --time-limit"
                    : "; try --layout sfdp, which lays out thousands of services in seconds, or a longer --time-limit"
            } else if plan.engine == .dot {
                failure.advice = "; try --layout sfdp"
            }
            throw failure
        }
    }

    /// Draws the sides of a redesign asked for, in one shared layout, in order: a service
    /// present in both pathways sits in the same place in every drawing.
    public static func redesign(
        _ diff: PathwayDiff, sides: [(DiffDiagram.Side, DiagramFormat)], worker: RenderWorker = .current()
    ) throws(DrawingError) -> [[UInt8]] {
        do throws(GraphvizError) {
            let positions = try sharedLayout(diff, worker: worker)
            var drawn: [[UInt8]] = []
            for (side, format) in sides {
                drawn.append(
                    try worker.render(
                        dot: DiffDiagram.dot(diff, side: side, positions: positions), engine: .positioned,
                        format: format))
            }
            return drawn
        } catch {
            throw DrawingError(error)
        }
    }

    /// Lays out the union of both pathways once, with Graphviz's dot layout in the worker, and
    /// reads back where everything went.
    static func sharedLayout(_ diff: PathwayDiff, worker: RenderWorker) throws(GraphvizError)
        -> DiffDiagram.Positions
    {
        let laidOut = try worker.render(dot: DiffDiagram.dot(diff, side: .difference), engine: .dot, format: .xdot)
        let graph = try Graphviz.shared.read(dot: String(decoding: laidOut, as: UTF8.self))
        typealias Positions = DiffDiagram.Positions
        func pick(_ attributes: [String: String], _ keys: [String]) -> [String: String] {
            attributes.filter { keys.contains($0.key) }
        }
        func byName(_ pairs: [(String, [String: String])]) -> [String: [String: String]] {
            Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        }
        return Positions(
            graph: pick(graph.attributes, Positions.graphKeys),
            clusters: byName(graph.clusters.map { ($0.name, pick($0.attributes, Positions.graphKeys)) }),
            nodes: byName(graph.nodes.map { ($0.name, pick($0.attributes, Positions.nodeKeys)) }),
            edges: byName(
                graph.edges.compactMap { edge in
                    edge.attributes["id"].map { ($0, pick(edge.attributes, Positions.edgeKeys)) }
                }
            ))
    }
}
