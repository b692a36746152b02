import Foundation
import GraphvizRenderer
import PathwayReports

/// A point of a layout, in points (1/72 inch), Graphviz's y growing upwards.
struct Point: Equatable {
    var x: Double
    var y: Double
}

/// An axis-aligned box.
struct Box: Equatable {
    var x0: Double
    var y0: Double
    var x1: Double
    var y1: Double

    init(x0: Double, y0: Double, x1: Double, y1: Double) {
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
    }

    init(centre: Point, width: Double, height: Double) {
        self.init(
            x0: centre.x - width / 2, y0: centre.y - height / 2, x1: centre.x + width / 2, y1: centre.y + height / 2)
    }

    var width: Double { x1 - x0 }
    var height: Double { y1 - y0 }

    func overlaps(_ other: Box) -> Bool {
        x0 < other.x1 && other.x0 < x1 && y0 < other.y1 && other.y0 < y1
    }

    func union(_ other: Box) -> Box {
        Box(x0: min(x0, other.x0), y0: min(y0, other.y0), x1: max(x1, other.x1), y1: max(y1, other.y1))
    }

    func contains(_ point: Point) -> Bool {
        point.x >= x0 && point.x <= x1 && point.y >= y0 && point.y <= y1
    }

    func contains(_ other: Box) -> Bool {
        other.x0 >= x0 && other.x1 <= x1 && other.y0 >= y0 && other.y1 <= y1
    }
}

/// How much room text takes, estimated as a reader's measure of a drawing does: 0.52 of the
/// font size a character, lines 1.2 font sizes apart.
enum TextSize {
    static let characterWidth = 0.52
    static let lineHeight = 1.2

    static func box(_ text: String, fontSize: Double) -> (width: Double, height: Double) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let widest = lines.map(\.count).max() ?? 0
        return (Double(widest) * characterWidth * fontSize, Double(lines.count) * lineHeight * fontSize)
    }
}

/// A layout read back from Graphviz: where it put each box, arrow and label, and how it reads.
struct Layout {
    var positions: DiagramPositions
    /// The layout's bounding box.
    var bounds: Box
    /// Each box by DOT name, grown to the text it holds.
    var nodeBoxes: [String: Box]
    /// Each arrow's curve by id, sampled into a polyline.
    var curves: [String: [Point]]
    /// The heading's box, when it has one.
    var titleBox: Box?
    /// Pairs of arrows whose curves cross (``Crossings``).
    var crossings: Int

    /// Reads a layout from Graphviz's DOT output (``DiagramFormat/positions``) of a ``DOTWriter``
    /// drawing.
    init(laidOut: [UInt8]) throws(GraphvizError) {
        let graph = try Graphviz.shared.read(dot: String(decoding: laidOut, as: UTF8.self))
        func pick(_ attributes: [String: String], _ keys: [String]) -> [String: String] {
            attributes.filter { keys.contains($0.key) }
        }
        func byName(_ pairs: [(String, [String: String])]) -> [String: [String: String]] {
            Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        }
        positions = DiagramPositions(
            graph: pick(graph.attributes, DiagramPositions.graphKeys),
            clusters: byName(graph.clusters.map { ($0.name, pick($0.attributes, DiagramPositions.graphKeys)) }),
            nodes: byName(graph.nodes.map { ($0.name, pick($0.attributes, DiagramPositions.nodeKeys)) }),
            edges: byName(
                graph.edges.compactMap { edge in
                    edge.attributes["id"].map { ($0, pick(edge.attributes, DiagramPositions.edgeKeys)) }
                }))
        let box = (positions.graph["bb"] ?? "0,0,0,0").split(separator: ",").compactMap { Double($0) }
        bounds = box.count == 4 ? Box(x0: box[0], y0: box[1], x1: box[2], y1: box[3]) : Box(x0: 0, y0: 0, x1: 0, y1: 0)
        var nodeBoxes: [String: Box] = [:]
        for node in graph.nodes {
            guard let centre = Self.point(node.attributes["pos"]), let w = Double(node.attributes["width"] ?? ""),
                let h = Double(node.attributes["height"] ?? "")
            else { continue }
            var box = Box(centre: centre, width: w * 72, height: h * 72)
            if let label = node.attributes["label"], !label.hasPrefix("<") {
                let text = TextSize.box(label.replacingOccurrences(of: "\\n", with: "\n"), fontSize: 10)
                box = box.union(Box(centre: centre, width: text.width, height: text.height))
            }
            nodeBoxes[node.name] = box
        }
        self.nodeBoxes = nodeBoxes
        var curves: [String: [Point]] = [:]
        for edge in graph.edges {
            guard let id = edge.attributes["id"], let pos = edge.attributes["pos"] else { continue }
            curves[id] = Self.sample(Self.controlPoints(pos))
        }
        self.curves = curves
        if let lp = Self.point(positions.graph["lp"]), let w = Double(positions.graph["lwidth"] ?? ""),
            let h = Double(positions.graph["lheight"] ?? "")
        {
            titleBox = Box(centre: lp, width: w * 72, height: h * 72)
        }
        crossings = Crossings.count(curves.keys.sorted().map { curves[$0]! })
    }

    /// Lays out `diagram` with `engine` in the worker, without its legend, which then goes
    /// beside the drawing (``addLegend(_:)``) when `options` draw one.
    init(_ diagram: Diagram, options: DOTOptions, engine: LayoutEngine, worker: RenderWorker) throws(GraphvizError) {
        var unkeyed = options
        unkeyed.legend = false
        try self.init(
            laidOut: try worker.render(
                dot: DOTWriter.dot(diagram, options: unkeyed), engine: engine, format: .positions))
        positions.reversedEdges = options.positions?.reversedEdges ?? options.reversedEdges
        if options.legend { addLegend(DOTWriter.legendSize(diagram, options: options)) }
    }

    /// Makes room for a legend of `size` beside the drawing (``LegendPlacement``): its box
    /// becomes an obstacle to labels and the bounds grow to hold it.
    mutating func addLegend(_ size: (width: Double, height: Double)) {
        let (centre, grown) = LegendPlacement.place(size, beside: bounds)
        positions.nodes["legend"] = ["pos": "\(DOTNumber.format(centre.x)),\(DOTNumber.format(centre.y))"]
        nodeBoxes["legend"] = Box(centre: centre, width: size.width, height: size.height)
        bounds = grown
        positions.graph["bb"] = [grown.x0, grown.y0, grown.x1, grown.y1].map(DOTNumber.format).joined(separator: ",")
    }

    static func point(_ text: String?) -> Point? {
        guard let parts = text?.split(separator: ","), parts.count >= 2, let x = Double(parts[0]),
            let y = Double(parts[1].split(separator: "!")[0])
        else { return nil }
        return Point(x: x, y: y)
    }

    /// The B-spline control points of an edge's `pos`, without its arrowhead ends (`e,x,y` and
    /// `s,x,y`), as SVG draws the curve.
    static func controlPoints(_ pos: String) -> [Point] {
        // A spline of several pieces (around a loop) separates them by ';': the first is used.
        let piece = pos.split(separator: ";").first ?? ""
        return piece.split(separator: " ").compactMap { token in
            token.hasPrefix("e,") || token.hasPrefix("s,") ? nil : point(String(token))
        }
    }

    /// Cubic Bézier pieces sampled at 8 steps each into a polyline.
    static func sample(_ points: [Point], steps: Int = 8) -> [Point] {
        guard points.count >= 4 else { return points }
        var out = [points[0]]
        var k = 1
        while k + 2 < points.count {
            let (p0, p1, p2, p3) = (out[out.count - 1], points[k], points[k + 1], points[k + 2])
            for i in 1...steps {
                let t = Double(i) / Double(steps)
                let u = 1 - t
                let a = u * u * u
                let b = 3 * u * u * t
                let c = 3 * u * t * t
                let d = t * t * t
                out.append(
                    Point(x: a * p0.x + b * p1.x + c * p2.x + d * p3.x, y: a * p0.y + b * p1.y + c * p2.y + d * p3.y))
            }
            k += 3
        }
        return out
    }
}

/// Pairs of arrows that cross, counted as a reader's measure of a drawing counts them: two
/// curves cross when two of their segments properly intersect, except where they touch near
/// an end they share (within 12 points), as arrows into one box do.
enum Crossings {
    static let near = 12.0

    /// - Complexity: O(C² · s²) at worst for C curves of s segments; boxes that do not meet are
    ///   skipped first.
    static func count(_ curves: [[Point]]) -> Int {
        let boxes = curves.map { curve -> Box in
            Box(
                x0: curve.map(\.x).min() ?? 0, y0: curve.map(\.y).min() ?? 0, x1: curve.map(\.x).max() ?? 0,
                y1: curve.map(\.y).max() ?? 0)
        }
        var count = 0
        for i in curves.indices where curves[i].count > 1 {
            for j in (i + 1)..<curves.count where curves[j].count > 1 {
                let (a, b) = (boxes[i], boxes[j])
                guard a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1 else { continue }
                if cross(curves[i], curves[j]) { count += 1 }
            }
        }
        return count
    }

    static func cross(_ p: [Point], _ q: [Point]) -> Bool {
        func close(_ u: Point, _ v: Point) -> Bool { abs(u.x - v.x) < near && abs(u.y - v.y) < near }
        let ends = [p[0], p[p.count - 1], q[0], q[q.count - 1]]
        let shared = [p[0], p[p.count - 1]].contains { x in [q[0], q[q.count - 1]].contains { close(x, $0) } }
        for s in 0..<(p.count - 1) {
            for t in 0..<(q.count - 1) where segmentsCross(p[s], p[s + 1], q[t], q[t + 1]) {
                if shared && [p[s], p[s + 1]].contains(where: { x in ends.contains { close(x, $0) } }) { continue }
                return true
            }
        }
        return false
    }

    static func segmentsCross(_ a: Point, _ b: Point, _ c: Point, _ d: Point) -> Bool {
        func orient(_ p: Point, _ q: Point, _ r: Point) -> Double {
            (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x)
        }
        return orient(a, b, c) * orient(a, b, d) < 0 && orient(c, d, a) * orient(c, d, b) < 0
    }
}

/// Places each arrow's label where it covers no box, no heading and no other label: at the
/// first free spot along its curve (its middle first, then further out, on either side), so
/// that no text is drawn over another. A label with no free spot keeps Graphviz's place.
enum LabelPlacement {
    /// Room kept around each label, in points.
    static let margin = 1.5

    /// The labels' new places (`xlp`), by arrow id; the drawing's bounds grown to hold them; and
    /// what the places cost in all (text covered, lines crossed, room added, distance moved).
    ///
    /// - Parameter labels: each labelled arrow's text, by id, in the order to place them.
    /// - Complexity: O(L · k · (N + L)) for L labels, N boxes and k spots tried per label.
    static func place(_ labels: [(id: String, text: String)], fontSize: Double, in layout: Layout)
        -> (places: [String: String], bounds: Box, cost: Double)
    {
        var total = 0.0
        var bounds = layout.bounds
        var texts = Grid()
        for box in layout.nodeBoxes.values { texts.insert(box) }
        if let title = layout.titleBox { texts.insert(title) }
        // Points along every arrow: a label should not sit on a line either.
        var lines = Grid()
        for curve in layout.curves.values { for point in curve { lines.insert(point) } }
        var result: [String: String] = [:]
        let fractions = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.12, 0.88]
        for (id, text) in labels {
            guard let curve = layout.curves[id], curve.count > 1 else { continue }
            let path = Path(curve)
            let size = TextSize.box(text, fontSize: fontSize)
            let (w, h) = (size.width + 2 * margin, size.height + 2 * margin)
            var best: (box: Box, cost: Double)?
            func consider(_ centre: Point, distance: Double) {
                let box = Box(centre: centre, width: w, height: h)
                // Covering text is far worse than a larger drawing, which is worse than a label
                // on a line, which is worse than one a little further from its arrow.
                let grown = bounds.union(box)
                var cost = grown.width * grown.height - bounds.width * bounds.height + 20 * distance
                if let best, cost >= best.cost { return }
                cost += 100 * texts.overlap(box)
                if let best, cost >= best.cost { return }
                cost += 300 * Double(lines.points(in: box, atMost: 3))
                if best == nil || cost < best!.cost { best = (box, cost) }
            }
            // Beside the curve on either side, along its length; then around its middle,
            // further and further out.
            for step in [1.0, 1.8, 2.8] {
                for fraction in fractions {
                    let (at, direction) = path.along(fraction)
                    let normal = Point(x: -direction.y, y: direction.x)
                    let reach = abs(normal.x) * w / 2 + abs(normal.y) * h / 2 + 2
                    for offset in [reach * step, -reach * step] {
                        consider(
                            Point(x: at.x + normal.x * offset, y: at.y + normal.y * offset),
                            distance: abs(offset) - reach)
                    }
                }
            }
            if best.map({ $0.cost > 0 }) ?? true {
                let (middle, _) = path.along(0.5)
                for ring in 1...16 {
                    let r = Double(ring) * 9
                    for k in 0..<12 {
                        let angle = Double(k) * .pi / 6
                        consider(Point(x: middle.x + r * cos(angle), y: middle.y + r * sin(angle)), distance: r)
                    }
                }
            }
            guard let chosen = best else { continue }
            total += chosen.cost
            texts.insert(chosen.box)
            bounds = bounds.union(chosen.box)
            let centre = Point(x: (chosen.box.x0 + chosen.box.x1) / 2, y: (chosen.box.y0 + chosen.box.y1) / 2)
            result[id] = "\(DOTNumber.format(centre.x)),\(DOTNumber.format(centre.y))"
        }
        return (result, bounds, total)
    }

    /// A polyline with the length along it measured once.
    struct Path {
        let points: [Point]
        let lengths: [Double]

        init(_ points: [Point]) {
            self.points = points
            var lengths = [0.0]
            for k in 1..<points.count {
                lengths.append(lengths[k - 1] + hypot(points[k].x - points[k - 1].x, points[k].y - points[k - 1].y))
            }
            self.lengths = lengths
        }

        /// The point `fraction` of the way along, and the unit direction there.
        func along(_ fraction: Double) -> (Point, Point) {
            let goal = lengths[lengths.count - 1] * fraction
            var k = 1
            while k < points.count - 1 && lengths[k] < goal { k += 1 }
            let (a, b) = (points[k - 1], points[k])
            let piece = max(lengths[k] - lengths[k - 1], 1e-9)
            let t = min(1, max(0, (goal - lengths[k - 1]) / piece))
            let length = max(hypot(b.x - a.x, b.y - a.y), 1e-9)
            return (
                Point(x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t),
                Point(x: (b.x - a.x) / length, y: (b.y - a.y) / length)
            )
        }
    }

    /// Boxes and points filed by the square cells of the drawing they fall in, so that what
    /// lies under a label is found without looking at everything.
    struct Grid {
        static let cell = 32.0
        var boxes: [Box] = []
        var boxCells: [Int64: [Int]] = [:]
        var pointCells: [Int64: [Point]] = [:]

        static func key(_ i: Int, _ j: Int) -> Int64 { Int64(i) << 32 | Int64(UInt32(bitPattern: Int32(j))) }
        static func span(_ a: Double, _ b: Double) -> ClosedRange<Int> { Int(floor(a / cell))...Int(floor(b / cell)) }

        mutating func insert(_ box: Box) {
            boxes.append(box)
            for i in Self.span(box.x0, box.x1) {
                for j in Self.span(box.y0, box.y1) { boxCells[Self.key(i, j), default: []].append(boxes.count - 1) }
            }
        }

        mutating func insert(_ point: Point) {
            pointCells[Self.key(Int(floor(point.x / Self.cell)), Int(floor(point.y / Self.cell))), default: []].append(
                point)
        }

        /// The area of `box` that the boxes filed here cover.
        func overlap(_ box: Box) -> Double {
            var seen: Set<Int> = []
            var total = 0.0
            for i in Self.span(box.x0, box.x1) {
                for j in Self.span(box.y0, box.y1) {
                    for k in boxCells[Self.key(i, j)] ?? [] where seen.insert(k).inserted {
                        let other = boxes[k]
                        guard box.overlaps(other) else { continue }
                        total +=
                            (min(box.x1, other.x1) - max(box.x0, other.x0))
                            * (min(box.y1, other.y1) - max(box.y0, other.y0))
                    }
                }
            }
            return total
        }

        /// How many of the points filed here lie in `box`, counting up to `limit`.
        func points(in box: Box, atMost limit: Int) -> Int {
            var count = 0
            for i in Self.span(box.x0, box.x1) {
                for j in Self.span(box.y0, box.y1) {
                    for point in pointCells[Self.key(i, j)] ?? [] where box.contains(point) {
                        count += 1
                        if count >= limit { return count }
                    }
                }
            }
            return count
        }
    }
}

/// Numbers as DOT positions take them.
enum DOTNumber {
    static func format(_ x: Double) -> String {
        let hundredths = Int((x * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let whole = abs(hundredths)
        return "\(sign)\(whole / 100).\(whole % 100 < 10 ? "0" : "")\(whole % 100)"
    }
}

/// Where the legend goes beside a laid-out drawing: to its right, level with its top, or below
/// it at its left, whichever makes a drawing that fits A4 landscape at the larger scale.
enum LegendPlacement {
    static let gap = 12.0

    /// The legend's centre, and the drawing's bounds with the legend in them.
    static func place(_ size: (width: Double, height: Double), beside bounds: Box) -> (centre: Point, bounds: Box) {
        let right = Point(x: bounds.x1 + gap + size.width / 2, y: bounds.y1 - size.height / 2)
        let below = Point(x: bounds.x0 + size.width / 2, y: bounds.y0 - gap - size.height / 2)
        func scored(_ centre: Point) -> (centre: Point, bounds: Box, scale: Double) {
            let grown = bounds.union(Box(centre: centre, width: size.width, height: size.height))
            let scale = min(Paper.a4Landscape.width / grown.width, Paper.a4Landscape.height / grown.height)
            return (centre, grown, scale)
        }
        let (a, b) = (scored(right), scored(below))
        let best = a.scale >= b.scale ? a : b
        return (best.centre, best.bounds)
    }
}
