import PathwayCore

/// Which drawing of a redesign: the difference (every box and arrow of both pathways, coloured
/// by how it changed), or one side alone in the same places.
public enum DiagramSide: String, Sendable, CaseIterable {
    case difference, before, after
}

/// Where a layout put things, by DOT name: the graph, each lane (`cluster_K`), each box (`nK`,
/// `legend`) and each arrow by its id (`eK`).
public struct DiagramPositions: Sendable, Equatable {
    public var graph: [String: String]
    public var clusters: [String: [String: String]]
    public var nodes: [String: [String: String]]
    public var edges: [String: [String: String]]
    /// The arrows (by index) that the layout was given head to tail
    /// (``DOTOptions/reversedEdges``): their curves run from the box referred to back to the one
    /// that refers, and a drawing from these positions writes them the same way.
    public var reversedEdges: Set<Int>

    public init(
        graph: [String: String] = [:], clusters: [String: [String: String]] = [:],
        nodes: [String: [String: String]] = [:], edges: [String: [String: String]] = [:],
        reversedEdges: Set<Int> = []
    ) {
        self.graph = graph
        self.clusters = clusters
        self.nodes = nodes
        self.edges = edges
        self.reversedEdges = reversedEdges
    }

    /// The attributes that carry a layout, which a drawing from positions copies.
    public static let graphKeys = ["bb", "lp", "lwidth", "lheight"]
    public static let nodeKeys = ["pos", "width", "height"]
    public static let edgeKeys = ["pos", "xlp", "lp"]
}

/// How ``DOTWriter`` draws a diagram.
public struct DOTOptions: Sendable {
    /// A lane (cluster) per organisation; without, each service is filled with the colour of
    /// its organisation's sector. Only the dot layout draws lanes.
    public var lanes = false
    /// Arrows carry their purposes and volumes (their tooltips always do).
    public var edgeLabels = true
    /// For a redesign: which side to draw; nil for one pathway.
    public var side: DiagramSide?
    /// The heading, instead of the diagram's own.
    public var title: String?
    /// `LR` (referrals flow left to right) or `TB` (top to bottom).
    public var rankdir = "LR"
    /// The order in which boxes and arrows are written, by index: the layout's starting point,
    /// which a search for fewer crossings varies. Nil: the diagram's own order.
    public var nodeOrder: [Int]?
    public var edgeOrder: [Int]?
    /// A layout to draw from instead of laying out (Graphviz's `nop2`).
    public var positions: DiagramPositions?
    /// A key to the colours, shapes and lines.
    public var legend = true
    /// Scale the drawing to fit this size, in inches (Graphviz's `size`, with `!` to scale up).
    public var fitInches: (width: Double, height: Double)?
    /// Arrows (by index) written head to tail, with the arrowhead drawn at the tail's end
    /// (`dir=back`), so that dot ranks the box referred to before the one that refers. dot turns
    /// arrows round itself to break every referral loop, and which ones it turns decides how
    /// tangled the drawing is; the layout search turns others. A drawing from positions turns
    /// the arrows its layout turned (``DiagramPositions/reversedEdges``), whatever this says.
    public var reversedEdges: Set<Int> = []
    /// How hard dot works at fewer crossings (its `mclimit`; 1 is its default).
    public var crossingEffort: Double?
    /// Inches between boxes side by side, and between ranks.
    public var nodeSeparation = 0.3
    public var rankSeparation = 0.6

    public init(
        lanes: Bool = false, edgeLabels: Bool = true, side: DiagramSide? = nil, title: String? = nil,
        rankdir: String = "LR", positions: DiagramPositions? = nil, legend: Bool = true
    ) {
        self.lanes = lanes
        self.edgeLabels = edgeLabels
        self.side = side
        self.title = title
        self.rankdir = rankdir
        self.positions = positions
        self.legend = legend
    }
}

/// Writes a ``Diagram`` as Graphviz DOT, in the house style: services filled with their
/// sector's colour (or lanes per organisation), entries arrow-shaped, terminal services
/// octagonal, formal routes solid and informal dashed, line weight by referrals a year,
/// boundary crossings blue, orphaned routes red to a ghost box, and a legend of what applies.
///
/// All user text goes through ``quote(_:)``, the one escape for DOT strings, and reaches only
/// labels and tooltips. Node names are generated (`n0`, `n1`, …); no attribute that reads
/// local files, nor any that makes Graphviz 2.43 crash (`concentrate`, `newrank`, `sides`,
/// `peripheries`, `weight`), is ever written.
public enum DOTWriter {
    /// Colours by sector from the Okabe–Ito palette, which stays distinguishable under the common
    /// colour-vision deficiencies: a light tint to fill, the full colour for the border.
    public static let sectorColours: [Sector: (fill: String, border: String)] = [
        .primaryCare: ("#DDEFFA", "#56B4E9"),
        .acute: ("#F8DCCB", "#D55E00"),
        .mentalHealth: ("#F3DDEA", "#CC79A7"),
        .communityHealth: ("#CCEBE3", "#009E73"),
        .socialCare: ("#FBF7CC", "#B8A800"),
        .thirdSector: ("#FAEBCC", "#E69F00"),
        .independent: ("#CCE3F0", "#0072B2"),
        .commissioner: ("#E5E5E5", "#555555"),
        .other: ("#F2F2F2", "#999999"),
    ]
    static let crossingColour = "#0072B2"
    static let withinColour = "#555555"
    static let orphanColour = "#D55E00"
    /// A designed route nobody took, and a route patients took that nobody designed (Okabe–Ito
    /// vermilion, apart from the blue of a crossing for colour-blind readers).
    static let dormantColour = "#9A9A9A"
    static let undesignedColour = "#D55E00"

    /// The colours of change, also told apart by line style and weight.
    static let changeColours: [Diagram.Change: String] = [
        .added: "#0072B2", .removed: "#E69F00", .changed: "#CC79A7", .unchanged: "#9A9A9A",
    ]

    /// The DOT of `diagram`.
    ///
    /// - Complexity: O(N + E) for N boxes and E arrows.
    public static func dot(_ diagram: Diagram, options: DOTOptions = DOTOptions()) -> String {
        let side = options.side
        let positions = options.positions
        func shown(_ change: Diagram.Change?) -> Bool {
            switch (side, change) {
            case (.before?, .added?), (.after?, .removed?): false
            default: true
            }
        }
        var out = "digraph pathway {\n"
        var graph = [
            "rankdir=\(options.rankdir == "TB" ? "TB" : "LR")", "charset=\"UTF-8\"", "fontname=\"Helvetica\"",
            "fontsize=12", "nodesep=\(number(options.nodeSeparation))", "ranksep=\(number(options.rankSeparation))",
            "pad=0.3", "forcelabels=true", "labelloc=t",
            "outputorder=edgesfirst",
            "label=\(quote(options.title ?? diagram.title + (diagram.subtitle.map { "\n" + $0 } ?? "")))",
        ]
        if let effort = options.crossingEffort, options.positions == nil {
            graph.append("mclimit=\(number(effort))")
        }
        if let fit = options.fitInches {
            graph.append("size=\"\(number(fit.width)),\(number(fit.height))!\"")
        }
        place(&graph, positions?.graph, keys: DiagramPositions.graphKeys)
        if positions != nil { graph.append("notranslate=true") }
        out += "  graph [\(graph.joined(separator: ", "))];\n"
        out += "  node [fontname=\"Helvetica\", fontsize=10, shape=box, style=\"rounded,filled\","
        out += " fillcolor=\"#FFFFFF\", color=\"#333333\"];\n"
        out += "  edge [fontname=\"Helvetica\", fontsize=\(number(diagram.edgeFontSize)), color=\"\(withinColour)\","
        out += " arrowsize=0.7];\n"
        // Two invisible points at the layout's corners keep every side's canvas the same, so
        // that the sides of a redesign line up when a reader flips between them. They sit half
        // an inch outside the layout's box, where external labels may reach.
        if side != nil, let box = positions?.graph["bb"]?.split(separator: ",").compactMap({ Double($0) }),
            box.count == 4
        {
            for (k, corner) in [(box[0] - 36, box[1] - 36), (box[2] + 36, box[3] + 36)].enumerated() {
                out += "  corner\(k) [shape=point, style=invis, width=0.01, height=0.01, label=\"\","
                out += " pos=\"\(number(corner.0)),\(number(corner.1))\"];\n"
            }
        }

        let order = options.nodeOrder ?? Array(diagram.nodes.indices)
        var lanesUsed = Set<Int>()
        if options.lanes {
            var members: [Int: [Int]] = [:]
            var laneOrder: [Int] = []
            for k in order {
                guard shown(diagram.nodes[k].change), let lane = diagram.nodes[k].lane else { continue }
                if members[lane] == nil { laneOrder.append(lane) }
                members[lane, default: []].append(k)
            }
            for lane in laneOrder {
                lanesUsed.insert(lane)
                let info = diagram.lanes[lane]
                let colours = sectorColours[info.sector]!
                let plain = side == .difference
                var attributes = [
                    "label=\(quote(info.label))", "style=\"rounded,filled\"",
                    "fillcolor=\"\(plain ? "#F7F7F7" : colours.fill)\"",
                    "color=\"\(plain ? "#BBBBBB" : colours.border)\"", "fontsize=11",
                    "tooltip=\(quote(info.tooltip))",
                ]
                place(&attributes, positions?.clusters["cluster_\(lane)"], keys: DiagramPositions.graphKeys)
                out += "  subgraph cluster_\(lane) {\n    graph [\(attributes.joined(separator: ", "))];\n"
                for k in members[lane]! {
                    out +=
                        "    n\(k) [\(nodeAttributes(diagram.nodes[k], name: "n\(k)", options: options).joined(separator: ", "))];\n"
                }
                out += "  }\n"
            }
        }
        for k in order where shown(diagram.nodes[k].change) {
            if options.lanes, let lane = diagram.nodes[k].lane, lanesUsed.contains(lane) { continue }
            out +=
                "  n\(k) [\(nodeAttributes(diagram.nodes[k], name: "n\(k)", options: options).joined(separator: ", "))];\n"
        }

        let maxVolume = Self.maxVolume(diagram)
        let reversed = positions?.reversedEdges ?? options.reversedEdges
        for k in options.edgeOrder ?? Array(diagram.edges.indices) {
            let edge = diagram.edges[k]
            guard shown(edge.change), shown(diagram.nodes[edge.from].change), shown(diagram.nodes[edge.to].change)
            else { continue }
            if edge.replacement && side != .difference { continue }
            var attributes = ["id=\"e\(k)\""]
            if options.edgeLabels && !edge.replacement {
                let text = label(edge, in: diagram, positions: positions)
                // xlabel, not label: Graphviz 2.43's dot double-frees on labels between
                // clusters, and external labels are placed afterwards, clear of everything.
                if !text.isEmpty { attributes.append("xlabel=\(quote(text))") }
            }
            attributes += edgeStyle(edge, maxVolume: maxVolume, side: side)
            let turned = reversed.contains(k) && !edge.replacement
            if turned && edge.back == nil { attributes.append("dir=back") }
            attributes.append("tooltip=\(quote(edge.tooltip))")
            place(&attributes, positions?.edges["e\(k)"], keys: DiagramPositions.edgeKeys)
            let (tail, head) = turned ? (edge.to, edge.from) : (edge.from, edge.to)
            out += "  n\(tail) -> n\(head) [\(attributes.joined(separator: ", "))];\n"
        }
        if options.legend && side != .before && side != .after {
            var attributes = ["shape=plain", "style=\"\"", "tooltip=\"Legend\"", "label=<\(legend(diagram, options))>"]
            place(&attributes, positions?.nodes["legend"], keys: DiagramPositions.nodeKeys)
            out += "  legend [\(attributes.joined(separator: ", "))];\n"
        }
        out += "}\n"
        return out
    }

    static func nodeAttributes(_ node: Diagram.Node, name: String, options: DOTOptions) -> [String] {
        var label = node.label
        if let note = node.note { label += "\n" + note }
        var attributes = ["id=\(quote(node.elementID))", "label=\(quote(label))"]
        let colours = node.sector.map { sectorColours[$0]! }
        var fill: String?
        var border: String?
        var style: String?
        var width: Double?
        switch node.shape {
        case .entry:
            attributes.append("shape=cds")
            style = "filled,bold"
        case .terminal:
            attributes.append("shape=octagon")
            style = "filled"
        case .ghost:
            style = "dashed"
            border = orphanColour
            attributes.append("fontcolor=\"\(orphanColour)\"")
        case .organisation:
            width = 1.5
        case .service:
            break
        }
        if node.shape != .ghost && !options.lanes {
            fill = colours?.fill
            border = colours?.border
        }
        switch node.role {
        case .pointOfEntry, .subject:
            border = "#000000"
            width = 3
        case .provider:
            width = 2
        case .context:
            fill = "#FFFFFF"
        case .plain:
            break
        }
        if node.unreachable {
            fill = "#E0E0E0"
            attributes.append("fontcolor=\"#555555\"")
        }
        if node.deadEnd {
            border = orphanColour
            width = max(width ?? 0, 2)
        }
        if options.side == .difference, let change = node.change {
            let colour = changeColours[change]!
            switch change {
            case .added: (fill, border, width) = ("#DCEBF5", colour, 2.5)
            case .changed: (fill, border, width) = ("#F7E4EF", colour, 2.5)
            case .removed:
                (fill, border, width) = ("#FFFFFF", colour, 2.5)
                style = node.shape == .entry ? "dashed,bold" : "rounded,dashed"
                attributes.append("fontcolor=\"#7A5200\"")
            case .unchanged:
                (fill, border) = ("#FFFFFF", colour)
                attributes.append("fontcolor=\"#555555\"")
            }
        }
        if let style { attributes.append("style=\"\(style)\"") }
        if let fill { attributes.append("fillcolor=\"\(fill)\"") }
        if let border { attributes.append("color=\"\(border)\"") }
        if let width { attributes.append("penwidth=\(number(width))") }
        attributes.append("tooltip=\(quote(node.tooltip))")
        place(&attributes, options.positions?.nodes[name], keys: DiagramPositions.nodeKeys)
        return attributes
    }

    /// What an arrow says: the purposes and volume of each way, the way it points named by an
    /// arrow as it lies in the drawing when the positions are known.
    public static func label(_ edge: Diagram.Edge, in diagram: Diagram, positions: DiagramPositions?) -> String {
        guard let back = edge.back else { return wrapLabel(edge.forth.text) }
        var (forth, reverse) = ("→", "←")
        if let a = point(positions?.nodes["n\(edge.from)"]?["pos"]),
            let b = point(positions?.nodes["n\(edge.to)"]?["pos"])
        {
            let (dx, dy) = (b.x - a.x, b.y - a.y)
            if abs(dx) >= abs(dy) {
                (forth, reverse) = dx >= 0 ? ("→", "←") : ("←", "→")
            } else {
                // Graphviz's y grows upwards.
                (forth, reverse) = dy <= 0 ? ("↓", "↑") : ("↑", "↓")
            }
        }
        return wrapLabel("\(forth) \(edge.forth.text)") + "\n" + wrapLabel("\(reverse) \(back.text)")
    }

    static func wrapLabel(_ text: String) -> String { Diagram.wrap(text, width: 26) }

    static func point(_ text: String?) -> (x: Double, y: Double)? {
        guard let parts = text?.split(separator: ","), parts.count >= 2, let x = Double(parts[0]),
            let y = Double(parts[1].split(separator: "!")[0])
        else { return nil }
        return (x, y)
    }

    /// How an arrow is drawn, whatever the drawing tool: its colour (nil: the default grey),
    /// its weight in points, and whether it is dashed. Shared by the DOT, draw.io and Mermaid
    /// writers, so that an arrow looks the same in each.
    struct Line {
        var colour: String?
        var width: Double
        var dashed: Bool
        /// A replaced service's dotted line to what replaces it, not a route.
        var replacement: Bool
    }

    /// The line of `edge`, its weight by volume against the drawing's largest.
    static func line(_ edge: Diagram.Edge, maxVolume: Int, side: DiagramSide?) -> Line {
        if edge.replacement { return Line(colour: "#000000", width: 1.5, dashed: false, replacement: true) }
        var width = 0.8
        if let volume = edge.volume { width += 3.2 * (Double(volume) / Double(max(1, maxVolume))).squareRoot() }
        var colour: String?
        var dashed = edge.informal
        if side == .difference, let change = edge.change {
            colour = changeColours[change]
            if change != .unchanged { width = max(width, 2.5) }
            if change == .removed { dashed = true }
        } else if edge.observation == .dormant {
            colour = dormantColour
            dashed = true
            width = 1
        } else if edge.observation == .undesigned {
            colour = undesignedColour
            width = max(width, 2)
        } else if edge.crossing {
            colour = crossingColour
        }
        if edge.orphaned && side != .before {
            colour = orphanColour
            width = max(width, 2)
        }
        return Line(colour: colour, width: width, dashed: dashed, replacement: false)
    }

    /// The largest volume of the drawing's arrows, which weighs every line.
    static func maxVolume(_ diagram: Diagram) -> Int { max(1, diagram.edges.compactMap(\.volume).max() ?? 1) }

    static func edgeStyle(_ edge: Diagram.Edge, maxVolume: Int, side: DiagramSide?) -> [String] {
        let line = line(edge, maxVolume: maxVolume, side: side)
        if line.replacement { return ["style=dotted", "color=\"#000000\"", "arrowhead=empty", "penwidth=1.5"] }
        var attributes: [String] = []
        if edge.back != nil { attributes.append("dir=both") }
        if let colour = line.colour { attributes += ["color=\"\(colour)\"", "fontcolor=\"\(colour)\""] }
        if edge.volume != nil || line.width != 0.8 { attributes.append("penwidth=\(number(line.width))") }
        if line.dashed { attributes.append("style=dashed") }
        return attributes
    }

    /// One line of the legend: a sector's colour swatch, or a key in a colour.
    struct LegendRow {
        var swatch: (fill: String, border: String)?
        var text: String
        var colour: String?
    }

    /// What this drawing uses, for its legend: only the colours, shapes and lines that appear in
    /// it.
    static func legendRows(_ diagram: Diagram, _ options: DOTOptions) -> [LegendRow] {
        var rows: [LegendRow] = []
        let difference = options.side == .difference
        if !difference {
            let sectors = Set(diagram.nodes.compactMap(\.sector))
            for sector in Sector.allCases where sectors.contains(sector) {
                rows.append(LegendRow(swatch: sectorColours[sector]!, text: sector.rawValue))
            }
        }
        func key(_ text: String, _ colour: String? = nil) { rows.append(LegendRow(text: text, colour: colour)) }
        let organisations = sectorsOnly(diagram)
        if !difference && !organisations {
            key(options.lanes ? "lane: an organisation, by sector" : "fill: the organisation's sector")
        }
        if organisations && !difference { key("box: an organisation, by sector") }
        let shapes = Set(diagram.nodes.map(\.shape))
        if shapes.contains(.entry) { key("entry point: arrow-shaped box") }
        if shapes.contains(.terminal) { key("terminal service: octagon") }
        let roles = Set(diagram.nodes.map(\.role))
        if roles.contains(.pointOfEntry) { key("black border: a point of entry") }
        if roles.contains(.subject) { key("black border: \(diagram.subjectMeaning)") }
        if roles.contains(.context) { key("white: on the way there") }
        key("line weight: referrals a year")
        if diagram.edges.contains(where: \.informal) { key("dashed line: informal route") }
        if diagram.edges.contains(where: { $0.back != nil }) { key("two heads: they refer both ways") }
        if difference {
            for (change, words) in [
                (Diagram.Change.added, "added"), (.removed, "removed (dashed)"), (.changed, "changed"),
                (.unchanged, "unchanged"),
            ]
            where diagram.nodes.contains(where: { $0.change == change })
                || diagram.edges.contains(where: { $0.change == change && !$0.replacement })
            {
                key(words, changeColours[change]!)
            }
            if diagram.edges.contains(where: \.replacement) { key("dotted arrow: replaced by") }
        } else if diagram.edges.contains(where: {
            $0.crossing && $0.observation != .undesigned && $0.observation != .dormant
        }) {
            key("blue: crosses to another organisation", crossingColour)
        }
        if diagram.edges.contains(where: { $0.observation == .dormant }) {
            key("grey dashed: designed, never taken", dormantColour)
        }
        if diagram.edges.contains(where: { $0.observation == .undesigned }) {
            key("vermilion: taken by patients, not designed", undesignedColour)
        }
        if diagram.edges.contains(where: \.orphaned) || diagram.nodes.contains(where: \.deadEnd) {
            key("red: orphaned route, dead end", orphanColour)
        }
        if diagram.nodes.contains(where: \.unreachable) { key("grey: unreachable from any entry") }
        return rows
    }

    /// The legend as an HTML-like table label. Its text is the tool's own, never the user's.
    static func legend(_ diagram: Diagram, _ options: DOTOptions) -> String {
        var html =
            "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"2\"><TR><TD COLSPAN=\"2\"><B>Legend</B></TD></TR>"
        for row in legendRows(diagram, options) {
            if let swatch = row.swatch {
                html += "<TR><TD BGCOLOR=\"\(swatch.fill)\" COLOR=\"\(swatch.border)\" BORDER=\"1\" WIDTH=\"18\"> </TD>"
            } else {
                html += "<TR><TD></TD>"
            }
            let text = row.colour.map { "<FONT COLOR=\"\($0)\">\(row.text)</FONT>" } ?? row.text
            html += "<TD ALIGN=\"LEFT\">\(text)</TD></TR>"
        }
        return html + "</TABLE>"
    }

    /// The legend's size in points, as Graphviz will draw it (near enough to keep it clear of
    /// the drawing).
    public static func legendSize(_ diagram: Diagram, options: DOTOptions) -> (width: Double, height: Double) {
        let rows = legendRows(diagram, options)
        let widest = rows.map(\.text.count).max() ?? 6
        return (Double(widest) * 0.52 * 10 + 34, Double(rows.count + 1) * 18 + 6)
    }

    /// The organisations view: its boxes are the organisations themselves.
    static func sectorsOnly(_ diagram: Diagram) -> Bool {
        !diagram.nodes.isEmpty && diagram.nodes.allSatisfy { $0.shape == .organisation }
    }

    static func place(_ attributes: inout [String], _ table: [String: String]?, keys: [String]) {
        guard let table else { return }
        for key in keys { if let value = table[key] { attributes.append("\(key)=\(quote(value))") } }
    }

    /// A DOT quoted string showing `text` exactly: quotes and backslashes escaped (so Graphviz's
    /// `\N`-style sequences never expand), line breaks as centred `\n`, other control characters
    /// as spaces, and `&` as `&amp;` so that text which looks like an entity is not read as one.
    /// Every piece of text a DOT writer hands Graphviz goes through here.
    public static func quote(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": break
            case "&": out += "&amp;"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { out += " " } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    /// A number as DOT takes it: at most two decimals, no exponent.
    static func number(_ x: Double) -> String {
        let hundredths = Int((x * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let whole = abs(hundredths)
        return "\(sign)\(whole / 100).\(whole % 100 < 10 ? "0" : "")\(whole % 100)"
    }
}
