import Foundation
import GraphvizRenderer
import PathwayCore
import PathwayReports

/// Lays out a small diagram several ways and keeps the one that reads best.
///
/// dot's crossing minimisation is a heuristic that starts from the order in which boxes and
/// arrows are written, and on a pathway of a few dozen services full of loops its result
/// moves a lot with that order: on London's memory services after the redesign, 16 orders
/// gave between 52 and 92 pairs of crossing arrows. So a diagram of up to ``searchNodes`` boxes
/// and ``searchEdges`` arrows is laid out from several orders (the file's, reversed, breadth-
/// and depth-first from the entries, by organisation, and seeded shuffles) and in both
/// directions (left to right, top to bottom), and the layout kept is, in turn: one that reads
/// at ``Paper/readableText`` or more on A4 landscape, the fewest crossing arrows, the smallest
/// area. The orders are fixed, so the same file always gives the same drawing.
enum LayoutSearch {
    /// Boxes up to which a diagram is laid out several ways.
    static let searchNodes = 80
    /// Arrows up to which a diagram is laid out several ways.
    static let searchEdges = 200

    /// How many layouts are tried: more for a larger diagram, where they differ more.
    static func tries(for diagram: Diagram) -> Int {
        diagram.nodes.count <= 15 ? 20 : 24
    }

    static func searches(_ diagram: Diagram) -> Bool {
        diagram.nodes.count <= searchNodes && diagram.edges.count <= searchEdges
    }

    /// One layout tried: the options it was written with and what came back.
    struct Candidate {
        var options: DOTOptions
        var layout: Layout
        /// The layout with its labels placed, and the bounds that hold them.
        var placed: (positions: DiagramPositions, bounds: Box)
        /// How it reads on A4 landscape (0: inside the margins, 1: on the whole sheet, 2: not at
        /// 8 pt), its crossing arrows, what its labels' places cost, and its area.
        var score: (unreadable: Int, crossings: Int, labels: Double, area: Double)
    }

    /// The best of the layouts tried; nil when the first did not finish within `firstLimit`
    /// seconds (for the caller to try another engine).
    ///
    /// Every other layout must finish within the worker's time limit, counted from the start,
    /// or the search fails with the time-limit error: a search that dropped slow layouts would
    /// give another drawing on a slower machine, and the drawings are to be the same bytes for
    /// the same file everywhere.
    ///
    /// - Throws: ``GraphvizError`` when Graphviz refuses the first layout or time runs out.
    static func best(_ diagram: Diagram, options base: DOTOptions, worker: RenderWorker, firstLimit: Double? = nil)
        throws(GraphvizError) -> Candidate?
    {
        let variants = self.variants(diagram, base: base, count: tries(for: diagram))
        // Every layout of the search by workers that stay up between them: starting a process
        // costs more than a small layout.
        let worker = worker.serving()
        defer { worker.endServing() }
        let start = Date()
        let first: Candidate
        do {
            var bounded = worker
            bounded.timeout = min(worker.timeout, firstLimit ?? worker.timeout)
            first = try lay(diagram, variants[0], worker: bounded)
        } catch let error where error.timeLimit != nil {
            return nil
        }
        var best = first
        let rest = Array(variants.dropFirst())
        let results = Results(count: rest.count)
        // Two at a time: each in a worker process, and Graphviz's reader is shared under a lock.
        DispatchQueue.concurrentPerform(iterations: min(2, max(1, rest.count))) { lane in
            var k = lane
            while k < rest.count && !results.outOfTime {
                lay(diagram, rest[k], worker: worker, start: start, into: results, at: k)
                k += 2
            }
        }
        if results.outOfTime { throw RenderWorker.timeLimitError(engine: .dot, limit: worker.timeout) }
        for candidate in results.all() where better(candidate, than: best) { best = candidate }
        return try refine(diagram, from: best, worker: worker, start: start)
    }

    /// Layouts tried after the first ones, for a diagram of more than 15 boxes and up to
    /// ``refineNodes`` boxes and ``refineEdges`` arrows; none for others.
    static func refinements(for diagram: Diagram) -> Int {
        let n = diagram.nodes.count
        return n > 15 && n <= refineNodes && diagram.edges.count <= refineEdges ? 64 : 0
    }
    static let refineNodes = 40
    static let refineEdges = 100

    /// Improves the best of the first layouts step by step: each step turns one arrow round for
    /// ranking (``DOTOptions/reversedEdges``) or, one time in three, swaps two boxes in the order
    /// written, and is kept when it reads at least as well and crosses no more arrows.
    ///
    /// The order in which the first layouts are written moves dot's crossings only so far (the
    /// best of 150 shuffles of London after the redesign crossed 49 pairs of arrows); which
    /// arrows it turns round to break the loops moves them much more, and dot chooses those
    /// from a depth-first search in the order written, blind to what they cost. An arrow out of
    /// an entry is never turned, so that entries still come first. The steps come from a fixed
    /// seed, two laid out at a time, and the better of each pair (the first on a tie) is the one
    /// weighed: the same file gives the same drawing on every machine.
    static func refine(_ diagram: Diagram, from first: Candidate, worker: RenderWorker, start: Date)
        throws(GraphvizError) -> Candidate
    {
        let steps = refinements(for: diagram)
        let turnable = diagram.edges.indices.filter {
            !diagram.edges[$0].replacement && diagram.nodes[diagram.edges[$0].from].shape != .entry
        }
        guard steps > 0, !turnable.isEmpty else { return first }
        var generator = SplitMix64(seed: 0x7E57)
        var current = first
        var best = first
        for _ in 0..<(steps / 2) {
            var tries: [DOTOptions] = []
            for _ in 0..<2 {
                var options = current.options
                var order = options.nodeOrder ?? Array(diagram.nodes.indices)
                if generator.next() % 3 == 0 && order.count > 1 {
                    let a = Int(generator.next() % UInt64(order.count))
                    let b = (a + 1 + Int(generator.next() % UInt64(order.count - 1))) % order.count
                    order.swapAt(a, b)
                    options.nodeOrder = order
                } else {
                    let k = turnable[Int(generator.next() % UInt64(turnable.count))]
                    if options.reversedEdges.remove(k) == nil { options.reversedEdges.insert(k) }
                }
                tries.append(options)
            }
            let results = Results(count: 2)
            let pair = tries
            DispatchQueue.concurrentPerform(iterations: 2) { k in
                lay(diagram, pair[k], worker: worker, start: start, into: results, at: k)
            }
            if results.outOfTime { throw RenderWorker.timeLimitError(engine: .dot, limit: worker.timeout) }
            let laid = results.all()
            guard var step = laid.first else { continue }
            for other in laid.dropFirst() where better(other, than: step) { step = other }
            if (step.score.unreadable, step.score.crossings) <= (current.score.unreadable, current.score.crossings) {
                current = step
                if better(step, than: best) { best = step }
            }
        }
        return best
    }

    /// Lays out `options` in what is left of the worker's time limit, counted from `start`, into
    /// `results` at `k`. A layout Graphviz refuses is left out; one out of time marks the
    /// search out of time, which ends it.
    fileprivate static func lay(
        _ diagram: Diagram, _ options: DOTOptions, worker: RenderWorker, start: Date, into results: Results, at k: Int
    ) {
        var bounded = worker
        bounded.timeout = worker.timeout - Date().timeIntervalSince(start)
        do throws(GraphvizError) {
            guard bounded.timeout > 0 else { throw RenderWorker.timeLimitError(engine: .dot, limit: worker.timeout) }
            results.set(k, try lay(diagram, options, worker: bounded))
        } catch {
            if error.timeLimit != nil { results.ranOut() }
        }
    }

    static func better(_ a: Candidate, than b: Candidate) -> Bool {
        if a.score.unreadable != b.score.unreadable { return a.score.unreadable < b.score.unreadable }
        if a.score.crossings != b.score.crossings { return a.score.crossings < b.score.crossings }
        if abs(a.score.labels - b.score.labels) > 0.5 { return a.score.labels < b.score.labels }
        return a.score.area < b.score.area - 0.5
    }

    static func lay(_ diagram: Diagram, _ options: DOTOptions, worker: RenderWorker) throws(GraphvizError)
        -> Candidate
    {
        let layout = try Layout(diagram, options: options, engine: .dot, worker: worker)
        // Scored as it will be drawn: with its labels placed.
        let placed = placeLabels(diagram, layout, options: options)
        let (width, height) = canvas(placed.bounds, options: options)
        let smallest = options.edgeLabels ? diagram.smallestFontSize : 10
        // Best readable on A4 landscape inside its margins; else readable on the whole sheet.
        let margins = Readability(width: width, height: height, smallestText: smallest, paper: .a4Landscape, largest: 1)
        let sheet = smallest * min(Paper.a4Landscape.width / width, Paper.a4Landscape.height / height, 1)
        let tier = margins.readable ? 0 : sheet >= Paper.readableText - 0.005 ? 1 : 2
        return Candidate(
            options: options, layout: layout, placed: (placed.positions, placed.bounds),
            score: (tier, layout.crossings, placed.cost, width * height))
    }

    /// The layout's positions with each label moved by ``LabelPlacement`` (the longest first),
    /// the bounds grown to hold them, and what their places cost.
    static func placeLabels(_ diagram: Diagram, _ layout: Layout, options: DOTOptions)
        -> (positions: DiagramPositions, bounds: Box, cost: Double)
    {
        var positions = layout.positions
        guard options.edgeLabels, diagram.edges.count <= LayoutPlan.labelledEdgeLimit else {
            return (positions, layout.bounds, 0)
        }
        var labels: [(id: String, text: String)] = []
        for (k, edge) in diagram.edges.enumerated() where !edge.replacement {
            guard positions.edges["e\(k)"]?["xlp"] != nil else { continue }
            let text = DOTWriter.label(edge, in: diagram, positions: positions)
            if !text.isEmpty { labels.append(("e\(k)", text)) }
        }
        labels.sort { ($0.text.count, $1.id) > ($1.text.count, $0.id) }
        let placed = LabelPlacement.place(labels, fontSize: diagram.edgeFontSize, in: layout)
        for (id, xlp) in placed.places { positions.edges[id]?["xlp"] = xlp }
        let box = placed.bounds
        positions.graph["bb"] = [box.x0, box.y0, box.x1, box.y1].map(DOTNumber.format).joined(separator: ",")
        return (positions, box, placed.cost)
    }

    /// The size of the drawing made from a layout with `bounds`: the layout with Graphviz's
    /// padding (0.3 inch a side), and for a side of a redesign the corner points half an inch
    /// further out.
    static func canvas(_ bounds: Box, options: DOTOptions) -> (Double, Double) {
        let extra = 2 * 21.6 + (options.side != nil ? 72 : 0)
        return (bounds.width + extra, bounds.height + extra)
    }

    /// The options of each layout to try: the first is the diagram as written, left to right.
    static func variants(_ diagram: Diagram, base: DOTOptions, count: Int) -> [DOTOptions] {
        let n = diagram.nodes.count
        let file = Array(0..<n)
        var orders = [
            file, Array(file.reversed()), search(diagram, breadthFirst: true), search(diagram, breadthFirst: false),
        ]
        orders.append(file.sorted { (diagram.nodes[$0].lane ?? -1, $0) < (diagram.nodes[$1].lane ?? -1, $1) })
        var edgeOrders: [[Int]] = orders.map { order in
            var position = [Int](repeating: 0, count: n)
            for (k, v) in order.enumerated() { position[v] = k }
            return diagram.edges.indices.sorted {
                let (a, b) = (diagram.edges[$0], diagram.edges[$1])
                return (position[a.from], position[a.to], $0) < (position[b.from], position[b.to], $1)
            }
        }
        // Seeded shuffles of both the boxes and the arrows.
        var generator = SplitMix64(seed: 0x5EED)
        while orders.count < (count + 3) / 4 {
            var boxes = file
            boxes.shuffle(using: &generator)
            var arrows = Array(diagram.edges.indices)
            arrows.shuffle(using: &generator)
            orders.append(boxes)
            edgeOrders.append(arrows)
        }
        // The largest label, for the room between ranks.
        var label = (width: 0.0, height: 0.0)
        if base.edgeLabels {
            for edge in diagram.edges where !edge.replacement {
                let size = TextSize.box(
                    DOTWriter.label(edge, in: diagram, positions: nil), fontSize: diagram.edgeFontSize)
                label = (max(label.width, size.width), max(label.height, size.height))
            }
        }
        var variants: [DOTOptions] = []
        // A few boxes are to fit a page: closer together, with ranks either close or as far
        // apart as the longest label; more boxes keep Graphviz's spacing and try a harder
        // crossing minimisation instead.
        let small = n <= 15
        let ways: [(String, Double?, Bool)] =
            small
            ? [("LR", nil, false), ("TB", nil, false), ("LR", nil, true), ("TB", nil, true)]
            : [("LR", nil, false), ("TB", nil, false), ("LR", 4.0, false), ("TB", 4.0, false)]
        for (rankdir, effort, roomy) in ways {
            for (order, edges) in zip(orders, edgeOrders) {
                var options = base
                options.rankdir = rankdir
                options.crossingEffort = effort
                if small {
                    options.nodeSeparation = 0.15
                    let room = (rankdir == "LR" ? label.width : label.height) / 72 + 0.15
                    options.rankSeparation = roomy ? min(1.6, max(0.3, room)) : 0.3
                }
                options.nodeOrder = order
                options.edgeOrder = edges
                variants.append(options)
            }
        }
        return Array(variants.prefix(count))
    }

    /// The boxes in the order a search along the arrows from the entries meets them, then the
    /// rest in file order.
    static func search(_ diagram: Diagram, breadthFirst: Bool) -> [Int] {
        var next = [[Int]](repeating: [], count: diagram.nodes.count)
        for edge in diagram.edges where !edge.replacement {
            next[edge.from].append(edge.to)
            if edge.back != nil { next[edge.to].append(edge.from) }
        }
        var seen = [Bool](repeating: false, count: diagram.nodes.count)
        var order: [Int] = []
        var pending = diagram.nodes.indices.filter { diagram.nodes[$0].shape == .entry }
        if !breadthFirst { pending.reverse() }
        while !pending.isEmpty {
            let v = breadthFirst ? pending.removeFirst() : pending.removeLast()
            if seen[v] { continue }
            seen[v] = true
            order.append(v)
            let onward = next[v].filter { !seen[$0] }
            pending += breadthFirst ? onward : onward.reversed()
        }
        return order + diagram.nodes.indices.filter { !seen[$0] }
    }
}

/// The layouts finished by the concurrent tries, under a lock.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [LayoutSearch.Candidate?]
    private var late = false

    var outOfTime: Bool { lock.withLock { late } }
    func ranOut() { lock.withLock { late = true } }

    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ k: Int, _ candidate: LayoutSearch.Candidate?) { lock.withLock { slots[k] = candidate } }
    func all() -> [LayoutSearch.Candidate] { lock.withLock { slots.compactMap { $0 } } }
}
