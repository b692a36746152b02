import Foundation
import PathwayCore

/// Writes diagrams as an uncompressed draw.io file (`mxfile`, one `diagram` page each, an
/// `mxGraphModel` in each), which draw.io (diagrams.net) opens and edits, and exports to Visio.
///
/// Every box, lane and arrow goes where our Graphviz layout put it: a swimlane per
/// organisation at its lane's bounds, a cell per service at its box (relative to its lane, as
/// draw.io places children), an edge per arrow with the curve's points as waypoints. Styles
/// follow our drawings: sector fills, flag-shaped entries, hexagonal terminal services, dashed
/// informal routes, blue crossings, two heads where two services refer both ways. Labels are
/// plain text (`html=0`) and XML-escaped, so no name can become markup.
public enum DrawioWriter {
    /// One page: a name for its tab, the diagram, and where the layout put everything.
    public struct Page: Sendable {
        public var name: String
        public var diagram: Diagram
        public var positions: DiagramPositions
        /// Which side of a redesign the page shows (boxes and arrows the side does not have
        /// are left out); nil for a pathway.
        public var side: DiagramSide?

        public init(name: String, diagram: Diagram, positions: DiagramPositions, side: DiagramSide? = nil) {
            self.name = name
            self.diagram = diagram
            self.positions = positions
            self.side = side
        }
    }

    /// Room around the drawing, in points.
    static let margin = 20.0
    /// The height of a lane's heading.
    static let laneHeading = 30.0

    /// The file: every page in order.
    public static func drawio(_ pages: [Page], agent: String) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<mxfile host=\"pathway\" agent=\"\(escape(agent))\" compressed=\"false\">\n"
        for (k, page) in pages.enumerated() { out += self.page(page, number: k) }
        return out + "</mxfile>\n"
    }

    /// A point of the layout (Graphviz's points, y upwards) on draw.io's page (y downwards).
    struct Frame {
        var x0: Double
        var y1: Double

        func point(_ x: Double, _ y: Double) -> (x: Double, y: Double) {
            (x - x0 + DrawioWriter.margin, y1 - y + DrawioWriter.margin)
        }
    }

    static func numbers(_ text: String?) -> [Double] {
        (text ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).compactMap { Double($0) }
    }

    static func page(_ page: Page, number: Int) -> String {
        let diagram = page.diagram
        let positions = page.positions
        func shown(_ change: Diagram.Change?) -> Bool {
            switch (page.side, change) {
            case (.before?, .added?), (.after?, .removed?): false
            default: true
            }
        }
        let bb = numbers(positions.graph["bb"])
        let (x0, y0, x1, y1) = bb.count == 4 ? (bb[0], bb[1], bb[2], bb[3]) : (0, 0, 1000, 1000)
        let frame = Frame(x0: x0, y1: y1)
        let width = x1 - x0 + 2 * margin
        let height = y1 - y0 + 2 * margin

        var out = "  <diagram id=\"page\(number)\" name=\"\(escape(page.name))\">\n"
        out +=
            "    <mxGraphModel dx=\"0\" dy=\"0\" grid=\"1\" gridSize=\"10\" guides=\"1\" tooltips=\"1\" connect=\"1\""
        out += " arrows=\"1\" fold=\"1\" page=\"1\" pageScale=\"1\" pageWidth=\"\(n(width))\""
        out += " pageHeight=\"\(n(height))\" math=\"0\" shadow=\"0\">\n      <root>\n"
        out += "        <mxCell id=\"0\"/>\n        <mxCell id=\"1\" parent=\"0\"/>\n"

        // Each box, on the page.
        var boxes: [Int: (x: Double, y: Double, w: Double, h: Double)] = [:]
        for (k, node) in diagram.nodes.enumerated() where shown(node.change) {
            let attributes = positions.nodes["n\(k)"] ?? [:]
            let centre = numbers(attributes["pos"])
            guard centre.count >= 2, let w = Double(attributes["width"] ?? ""),
                let h = Double(attributes["height"] ?? "")
            else { continue }
            let p = frame.point(centre[0], centre[1])
            boxes[k] = (p.x - w * 36, p.y - h * 36, w * 72, h * 72)
        }

        // Lanes: a lane's bounds from its cluster, or around its boxes when there was none.
        var laneBox: [Int: (x: Double, y: Double, w: Double, h: Double)] = [:]
        for lane in diagram.lanes.indices {
            let members = boxes.filter { diagram.nodes[$0.key].lane == lane }.map(\.value)
            guard !members.isEmpty else { continue }
            let cluster = numbers(positions.clusters["cluster_\(lane)"]?["bb"])
            if cluster.count == 4 {
                let top = frame.point(cluster[0], cluster[3])
                laneBox[lane] = (
                    top.x, top.y - laneHeading, cluster[2] - cluster[0], cluster[3] - cluster[1] + laneHeading
                )
            } else {
                let left = members.map(\.x).min()! - 10
                let top = members.map(\.y).min()! - laneHeading - 10
                let right = members.map { $0.x + $0.w }.max()! + 10
                let bottom = members.map { $0.y + $0.h }.max()! + 10
                laneBox[lane] = (left, top, right - left, bottom - top)
            }
        }
        for (lane, info) in diagram.lanes.enumerated() {
            guard let box = laneBox[lane] else { continue }
            let colours = DOTWriter.sectorColours[info.sector]!
            let style =
                "swimlane;html=0;whiteSpace=wrap;startSize=\(n(laneHeading));fillColor=\(colours.fill);"
                + "swimlaneFillColor=#FFFFFF;strokeColor=\(colours.border);fontFamily=Helvetica;fontSize=11;"
                + "fontStyle=1;rounded=1;arcSize=4;"
            out +=
                "        <UserObject id=\"lane\(lane)\" label=\"\(escape(info.label))\" tooltip=\"\(escape(info.tooltip))\">\n"
            out += "          <mxCell style=\"\(style)\" vertex=\"1\" parent=\"1\">\n"
            out += geometry(box) + "          </mxCell>\n        </UserObject>\n"
        }

        for (k, node) in diagram.nodes.enumerated() {
            guard var box = boxes[k] else { continue }
            var parent = "1"
            if let lane = node.lane, let outer = laneBox[lane] {
                parent = "lane\(lane)"
                box.x -= outer.x
                box.y -= outer.y
            }
            var label = node.label
            if let note = node.note { label += "\n" + note }
            out += "        <UserObject id=\"n\(k)\" label=\"\(escape(label))\" tooltip=\"\(escape(node.tooltip))\">\n"
            out += "          <mxCell style=\"\(style(node))\" vertex=\"1\" parent=\"\(parent)\">\n"
            out += geometry(box) + "          </mxCell>\n        </UserObject>\n"
        }

        let maxVolume = DOTWriter.maxVolume(diagram)
        for (k, edge) in diagram.edges.enumerated() where shown(edge.change) {
            guard boxes[edge.from] != nil, boxes[edge.to] != nil else { continue }
            let label = DOTWriter.label(edge, in: diagram, positions: positions)
            out += "        <UserObject id=\"e\(k)\" label=\"\(escape(label))\" tooltip=\"\(escape(edge.tooltip))\">\n"
            out +=
                "          <mxCell style=\"\(style(edge, maxVolume: maxVolume, side: page.side))\" edge=\"1\" parent=\"1\" source=\"n\(edge.from)\""
            out += " target=\"n\(edge.to)\">\n"
            out += "            <mxGeometry relative=\"1\" as=\"geometry\">\n"
            var points = waypoints(positions.edges["e\(k)"]?["pos"], frame: frame)
            // An arrow the layout was given head to tail runs from its target: draw.io's run
            // from the source.
            if positions.reversedEdges.contains(k) { points.reverse() }
            if !points.isEmpty {
                out += "              <Array as=\"points\">\n"
                for p in points { out += "                <mxPoint x=\"\(n(p.x))\" y=\"\(n(p.y))\"/>\n" }
                out += "              </Array>\n"
            }
            out += "            </mxGeometry>\n          </mxCell>\n        </UserObject>\n"
        }

        // The heading, above the drawing as in ours.
        let heading = [diagram.title, diagram.subtitle].compactMap { $0 }.joined(separator: "\n")
        out += "        <mxCell id=\"title\" value=\"\(escape(heading))\" style=\"text;html=0;align=center;"
        out += "verticalAlign=top;fontFamily=Helvetica;fontSize=12;whiteSpace=wrap;\" vertex=\"1\" parent=\"1\">\n"
        out += geometry((margin, -40, x1 - x0, 40)) + "        </mxCell>\n"
        out += legend(diagram, side: page.side, x: x1 - x0 + 2 * margin + 20)
        return out + "      </root>\n    </mxGraphModel>\n  </diagram>\n"
    }

    /// The legend beside the drawing, as ours has it: what each colour, shape and line in this
    /// drawing means, the sectors with their swatches.
    static func legend(_ diagram: Diagram, side: DiagramSide?, x: Double) -> String {
        let rows = DOTWriter.legendRows(diagram, DOTOptions(lanes: true, side: side))
        let font = "html=0;fontFamily=Helvetica;fontSize=10;align=left;verticalAlign=middle;"
        var out = "        <mxCell id=\"legend\" value=\"Legend\" style=\"text;\(font)fontStyle=1;\" vertex=\"1\""
        out += " parent=\"1\">\n" + geometry((x, margin, 240, 18)) + "        </mxCell>\n"
        for (k, row) in rows.enumerated() {
            let y = margin + 20 * Double(k + 1)
            // Our shapes in draw.io's terms: the terminal services' octagons are hexagons there.
            let text = row.text.replacingOccurrences(of: "octagon", with: "hexagon")
            var left = x
            if let swatch = row.swatch {
                out +=
                    "        <mxCell id=\"legend-\(k)-swatch\" value=\"\" style=\"html=0;rounded=1;fillColor=\(swatch.fill);"
                out += "strokeColor=\(swatch.border);\" vertex=\"1\" parent=\"1\">\n"
                out += geometry((x, y + 3, 14, 14)) + "        </mxCell>\n"
                left += 20
            }
            let colour = row.colour.map { "fontColor=\($0);" } ?? ""
            out += "        <mxCell id=\"legend-\(k)\" value=\"\(escape(text))\" style=\"text;\(font)\(colour)\""
            out += " vertex=\"1\" parent=\"1\">\n" + geometry((left, y, 240, 20)) + "        </mxCell>\n"
        }
        return out
    }

    static func geometry(_ box: (x: Double, y: Double, w: Double, h: Double)) -> String {
        "            <mxGeometry x=\"\(n(box.x))\" y=\"\(n(box.y))\" width=\"\(n(box.w))\" height=\"\(n(box.h))\""
            + " as=\"geometry\"/>\n"
    }

    /// The on-curve points of Graphviz's B-spline between its ends (every third point, the
    /// arrowheads' `e,`/`s,` points left out), on the page: the curve draw.io draws through
    /// them follows ours.
    static func waypoints(_ pos: String?, frame: Frame) -> [(x: Double, y: Double)] {
        guard let pos else { return [] }
        let points: [(Double, Double)] = pos.split(separator: " ").compactMap { part in
            if part.hasPrefix("e,") || part.hasPrefix("s,") { return nil }
            let xy = part.split(separator: ",").compactMap { Double($0) }
            return xy.count == 2 ? (xy[0], xy[1]) : nil
        }
        guard points.count > 4 else { return [] }
        return stride(from: 3, to: points.count - 1, by: 3).map { frame.point(points[$0].0, points[$0].1) }
    }

    static func style(_ node: Diagram.Node) -> String {
        let colours = node.sector.map { DOTWriter.sectorColours[$0]! } ?? ("#FFFFFF", "#333333")
        var style = "html=0;whiteSpace=wrap;fontFamily=Helvetica;fontSize=10;"
        var fill = colours.0
        var stroke = colours.1
        switch node.shape {
        case .entry: style += "shape=step;perimeter=stepPerimeter;size=0.1;fixedSize=0;strokeWidth=2;"
        case .terminal: style += "shape=hexagon;perimeter=hexagonPerimeter2;size=0.1;"
        case .ghost:
            style += "rounded=1;dashed=1;fontColor=\(DOTWriter.orphanColour);"
            (fill, stroke) = ("#FFFFFF", DOTWriter.orphanColour)
        case .organisation, .service: style += "rounded=1;arcSize=20;"
        }
        if node.unreachable {
            (fill, stroke) = ("#E0E0E0", "#9A9A9A")
            style += "fontColor=#555555;"
        }
        if node.deadEnd { stroke = DOTWriter.orphanColour }
        if let change = node.change, change != .unchanged {
            stroke = DOTWriter.changeColours[change]!
            style += "strokeWidth=2.5;" + (change == .removed ? "dashed=1;" : "")
        }
        return style + "fillColor=\(fill);strokeColor=\(stroke);"
    }

    static func style(_ edge: Diagram.Edge, maxVolume: Int, side: DiagramSide?) -> String {
        let line = DOTWriter.line(edge, maxVolume: maxVolume, side: side)
        let colour = line.colour ?? DOTWriter.withinColour
        var style = "html=0;curved=1;rounded=1;fontFamily=Helvetica;fontSize=8;"
        style += line.replacement ? "endArrow=block;endFill=0;dashed=1;dashPattern=1 3;" : "endArrow=block;endFill=1;"
        style += "strokeColor=\(colour);fontColor=\(colour);strokeWidth=\(String(format: "%.2f", line.width));"
        if edge.back != nil { style += "startArrow=block;startFill=1;" }
        if line.dashed { style += "dashed=1;" }
        return style
    }

    /// Text for an XML attribute: markup characters and line breaks as references.
    public static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#xa;"
            case "\r": out += "&#xd;"
            case "\t": out += "&#x9;"
            default:
                // XML 1.0 cannot hold other controls, even as references; they are dropped.
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func n(_ x: Double) -> String {
        let rounded = (x * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.2f", rounded)
    }
}
