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

/// Draws views of pathways and redesigns in a worker process (``RenderWorker``), with the
/// engine and the drawing each one's size and shape call for: the policy that `render`,
/// `diff` and `report` share.
///
/// A small diagram (up to ``LayoutSearch/searchNodes`` boxes) is laid out by dot several ways
/// (``LayoutSearch``), its labels are then placed where they cover nothing
/// (``LabelPlacement``), and it is drawn from those positions. A larger one is laid out once,
/// with the engine ``LayoutChoice`` picks.
public enum Drawing {
    /// A drawing, and how it reads on the paper it was fitted to.
    public struct Drawn: Sendable {
        public var bytes: [UInt8]
        /// Set when the drawing was fitted to a sheet.
        public var readability: Readability?
    }

    /// How to draw one view.
    public struct Options: Sendable {
        public var view: PathwayView
        /// The layout engine the user chose; nil to choose from the diagram's shape.
        public var engine: LayoutEngine?
        /// A lane per organisation (dot only).
        public var lanes: Bool
        /// Fit the drawing to this sheet.
        public var paper: Paper?

        public init(
            view: PathwayView = .services, engine: LayoutEngine? = nil, lanes: Bool = false, paper: Paper? = nil
        ) {
            self.view = view
            self.engine = engine
            self.lanes = lanes
            self.paper = paper
        }
    }

    /// Draws one view of a pathway.
    ///
    /// When the engine was chosen from the shape and dot runs past a third of the worker's
    /// time limit after all, sfdp draws the diagram in the time left; if that runs out too, the
    /// error names both engines and the whole limit. The error's ``DrawingError/advice`` names
    /// the options to try: sfdp after dot, a longer time limit after a layout that ran out.
    ///
    /// - Parameters:
    ///   - metrics: the pathway's metrics, if already computed.
    ///   - worker: the process to draw in; its timeout is the time limit of the whole drawing.
    public static func pathway(
        _ pathway: Pathway, metrics: PathwayMetrics? = nil, options: Options = Options(), format: DiagramFormat,
        worker: RenderWorker = .current()
    ) throws(DrawingError) -> Drawn {
        let (diagram, shape) = try viewed(pathway, metrics: metrics, view: options.view)
        return try draw(diagram, shape: shape, options: options, format: format, worker: worker)
    }

    /// The diagram of one view of a pathway, and the shape its layout is chosen by: the shape
    /// of the whole pathway stands for the services view; a smaller view is measured by what
    /// it draws.
    static func viewed(_ pathway: Pathway, metrics: PathwayMetrics?, view: PathwayView) throws(DrawingError) -> (
        Diagram, DiagramShape
    ) {
        let metrics = metrics ?? PathwayMetrics(pathway, betweenness: false)
        let diagram: Diagram
        do throws(ViewError) {
            diagram = try view.diagram(pathway, metrics: metrics)
        } catch {
            throw DrawingError(message: error.description)
        }
        let shape =
            view == .services
            ? DiagramShape(pathway, metrics: metrics)
            : DiagramShape(nodes: diagram.nodes.count, edges: diagram.edges.count)
        return (diagram, shape)
    }

    /// Draws a diagram made elsewhere (the conformance diagram of referral records), laid out
    /// as its size calls for, with the same fallback and limits as a view of a pathway.
    public static func diagram(
        _ diagram: Diagram, options: Options = Options(), format: DiagramFormat, worker: RenderWorker = .current()
    ) throws(DrawingError) -> Drawn {
        try draw(
            diagram, shape: DiagramShape(nodes: diagram.nodes.count, edges: diagram.edges.count), options: options,
            format: format, worker: worker)
    }

    /// Draws a diagram, laying it out as its shape calls for.
    static func draw(
        _ diagram: Diagram, shape: DiagramShape, options: Options, format: DiagramFormat, worker: RenderWorker
    ) throws(DrawingError) -> Drawn {
        let timeLimit = worker.timeout
        var plan = LayoutPlan(engine: options.engine, shape: shape)
        // Lanes when asked for; and always for dot beyond a small diagram, because dot orders
        // each lane on its own: 500 generated services took it 1.3 s in lanes, over 12 s without.
        func lanes(_ plan: LayoutPlan) -> Bool {
            plan.engine == .dot && (options.lanes || !LayoutSearch.searches(diagram))
        }
        var dot = DOTOptions(lanes: lanes(plan), edgeLabels: plan.edgeLabels)
        func direct(_ plan: LayoutPlan, within limit: Double) throws(GraphvizError) -> Drawn {
            var bounded = worker
            bounded.timeout = limit
            var written = dot
            written.lanes = lanes(plan)
            written.edgeLabels = plan.edgeLabels
            guard let paper = options.paper else {
                return Drawn(
                    bytes: try bounded.render(
                        dot: DOTWriter.dot(diagram, options: written), engine: plan.engine, format: format),
                    readability: nil)
            }
            let layout = try Layout(diagram, options: written, engine: plan.engine, worker: bounded)
            return try finish(diagram, layout, written, format: format, paper: paper, worker: bounded)
        }
        do throws(GraphvizError) {
            let start = Date()
            if plan.engine == .dot && LayoutSearch.searches(diagram) {
                if let best = try LayoutSearch.best(
                    diagram, options: dot, worker: worker, firstLimit: options.engine == nil ? timeLimit / 3 : nil)
                {
                    var rest = worker
                    rest.timeout = max(0.1, timeLimit - Date().timeIntervalSince(start))
                    return try finish(
                        diagram, best.layout, best.options, format: format, paper: options.paper, worker: rest,
                        placed: best.placed)
                }
                guard options.engine == nil else { throw RenderWorker.timeLimitError(engine: .dot, limit: timeLimit) }
            } else if options.engine == nil && plan.engine == .dot {
                do {
                    return try direct(plan, within: timeLimit / 3)
                } catch let error where error.timeLimit != nil {}
            } else {
                return try direct(plan, within: timeLimit)
            }
            // dot, chosen from the shape, ran past a third of the limit: sfdp in the time left.
            plan = LayoutPlan(engine: .sfdp, shape: shape)
            dot.lanes = false
            do {
                return try direct(plan, within: max(0.1, timeLimit - Date().timeIntervalSince(start)))
            } catch let error where error.timeLimit != nil {
                var total = GraphvizError(
                    message: "laying out the diagram with dot, then sfdp, took longer than the limit of"
                        + " \(String(format: "%g", timeLimit)) s")
                total.timeLimit = timeLimit
                throw total
            }
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

    /// Draws a laid-out diagram from its positions, its labels first moved where they cover
    /// nothing, fitted to `paper` when one is given.
    static func finish(
        _ diagram: Diagram, _ layout: Layout, _ options: DOTOptions, format: DiagramFormat, paper: Paper?,
        worker: RenderWorker, placed known: (positions: DiagramPositions, bounds: Box)? = nil
    ) throws(GraphvizError) -> Drawn {
        let placed =
            known
            ?? {
                let placed = LayoutSearch.placeLabels(diagram, layout, options: options)
                return (placed.positions, placed.bounds)
            }()
        var final = options
        final.positions = placed.positions
        final.fitInches = paper?.printableInches
        let bytes = try worker.render(dot: DOTWriter.dot(diagram, options: final), engine: .positioned, format: format)
        let (width, height) = LayoutSearch.canvas(placed.bounds, options: options)
        let smallest = options.edgeLabels ? diagram.smallestFontSize : 10
        return Drawn(
            bytes: bytes,
            readability: paper.map { Readability(width: width, height: height, smallestText: smallest, paper: $0) })
    }

    /// Draws the sides of a redesign asked for, in one view and one shared layout, in order: a
    /// box present in both pathways sits in the same place in every drawing.
    public static func redesign(
        _ diff: PathwayDiff, view: PathwayView = .services, sides: [(DiagramSide, DiagramFormat)],
        worker: RenderWorker = .current()
    ) throws(DrawingError) -> [[UInt8]] {
        let redesign: Redesign
        do throws(ViewError) {
            redesign = try Redesign(diff, view: view)
        } catch {
            throw DrawingError(message: error.description)
        }
        let union = redesign.difference
        let plan = LayoutPlan(shape: DiagramShape(nodes: union.nodes.count, edges: union.edges.count))
        let options = DOTOptions(edgeLabels: plan.edgeLabels, side: .difference)
        do throws(GraphvizError) {
            var chosen = options
            if plan.engine == .dot && LayoutSearch.searches(union) {
                guard let best = try LayoutSearch.best(union, options: options, worker: worker) else {
                    throw RenderWorker.timeLimitError(engine: .dot, limit: worker.timeout)
                }
                chosen = best.options
                chosen.positions = best.placed.positions
            } else {
                let layout = try Layout(union, options: options, engine: plan.engine, worker: worker)
                chosen.positions = LayoutSearch.placeLabels(union, layout, options: chosen).positions
            }
            var drawn: [[UInt8]] = []
            for (side, format) in sides {
                var written = chosen
                written.side = side
                drawn.append(
                    try worker.render(
                        dot: DOTWriter.dot(redesign.diagram(for: side), options: written), engine: .positioned,
                        format: format))
            }
            return drawn
        } catch {
            throw DrawingError(error)
        }
    }
}
