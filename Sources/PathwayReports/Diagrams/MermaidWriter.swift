import Foundation
import PathwayCore

/// Writes a ``Diagram`` as a Mermaid flowchart, which GitHub and GitLab draw inside Markdown.
///
/// One subgraph per organisation (its lane), a node per box and a link per arrow, styled as
/// our drawings: classes for sectors (fill and border from the same palette), entries,
/// terminal services, ghost boxes, unreachable services and dead ends; dashed links for
/// informal routes, blue for those that cross an organisation boundary, a link each way where
/// two services refer both ways. Mermaid lays it out itself, so positions are not ours.
///
/// Ids are ours (`n0`, `lane0`), never a user's text, so no name can collide with Mermaid's
/// keywords; every label is quoted and each character that Mermaid, its Markdown or HTML would
/// read inside quotes (`"`, `#`, `&`, `<`, `>`, `` ` ``, `%`, `*`, `_`, `~`) written as a Mermaid
/// entity (`#quot;`, `#35;`),
/// so a service named `<script>` or `end` is shown as written and does nothing.
public enum MermaidWriter {
    /// Mermaid's defaults past which it refuses to draw: `maxEdges` links, `maxTextSize`
    /// characters of text (Mermaid 11).
    public static let maximumEdges = 500
    public static let maximumText = 50_000

    /// The flowchart, and a warning for each of Mermaid's default limits it passes.
    public static func mermaid(_ diagram: Diagram, side: DiagramSide? = nil) -> (text: String, warnings: [String]) {
        var out = "---\ntitle: \(JSONValue.string(heading(diagram)).serialized())---\n"
        out += "flowchart LR\n"
        out += "  %% Written by pathway. Fill: the organisation's sector; entry points are flag-shaped,\n"
        out += "  %% terminal services hexagons; dashed: informal; blue: crosses to another organisation.\n"
        for sector in Sector.allCases {
            let colours = DOTWriter.sectorColours[sector]!
            out += "  classDef \(sectorClass(sector)) fill:\(colours.fill),stroke:\(colours.border),color:#000000\n"
        }
        out += "  classDef entry stroke-width:3px\n"
        out +=
            "  classDef ghost fill:#FFFFFF,stroke:\(DOTWriter.orphanColour),stroke-dasharray:4 3,color:\(DOTWriter.orphanColour)\n"
        out += "  classDef unreachable fill:#E0E0E0,stroke:#9A9A9A,color:#555555\n"
        out += "  classDef deadEnd stroke:\(DOTWriter.orphanColour),stroke-width:2px\n"
        for change in Diagram.Change.allCases where change != .unchanged {
            out += "  classDef \(change.rawValue) stroke:\(DOTWriter.changeColours[change]!),stroke-width:3px\n"
        }

        // Boxes in their organisation's subgraph, in lane order; the rest at the top level.
        var byLane: [Int: [Int]] = [:]
        var loose: [Int] = []
        for (k, node) in diagram.nodes.enumerated() {
            if let lane = node.lane, lane < diagram.lanes.count {
                byLane[lane, default: []].append(k)
            } else {
                loose.append(k)
            }
        }
        for (lane, info) in diagram.lanes.enumerated() {
            guard let members = byLane[lane] else { continue }
            out += "  subgraph lane\(lane)[\"\(text(info.label))\"]\n"
            for k in members { out += "    " + node(diagram.nodes[k], k) + "\n" }
            out += "  end\n"
        }
        for k in loose { out += "  " + node(diagram.nodes[k], k) + "\n" }

        // Links, then their styles by index (Mermaid styles links by their order). Two services
        // that refer both ways get a link each way, each labelled with its own referrals:
        // Mermaid lays the drawing out itself, so a label cannot say "→" or "←" and be sure
        // which way that points.
        var styles: [String] = []
        let maxVolume = DOTWriter.maxVolume(diagram)
        for edge in diagram.edges {
            let line = DOTWriter.line(edge, maxVolume: maxVolume, side: side)
            let arrow = line.dashed || line.replacement ? "-.->" : "-->"
            var ways = [(edge.from, edge.to, edge.forth)]
            if let back = edge.back { ways.append((edge.to, edge.from, back)) }
            for (from, to, flow) in ways {
                let label = DOTWriter.wrapLabel(flow.text)
                out += "  n\(from) \(arrow)" + (label.isEmpty ? "" : "|\"\(text(label))\"|") + " n\(to)\n"
                let colour = line.colour ?? DOTWriter.withinColour
                styles.append(
                    "  linkStyle \(styles.count) stroke:\(colour),stroke-width:\(String(format: "%.1f", line.width))px\n"
                )
            }
        }
        out += styles.joined()

        // Classes, one line per class so the file diffs cleanly.
        var members: [String: [String]] = [:]
        for (k, node) in diagram.nodes.enumerated() {
            for name in classes(node) { members[name, default: []].append("n\(k)") }
        }
        for name in members.keys.sorted() { out += "  class \(members[name]!.joined(separator: ",")) \(name)\n" }

        var warnings: [String] = []
        if styles.count > maximumEdges {
            warnings.append(
                "the flowchart has \(styles.count) links, more than the \(maximumEdges) Mermaid draws by"
                    + " default: draw a smaller view (--view organisations, function:F or focus:S), or raise"
                    + " maxEdges in Mermaid's configuration where you render it")
        }
        if out.count > maximumText {
            warnings.append(
                "the flowchart is \(out.count) characters, more than the \(maximumText) Mermaid reads by default:"
                    + " draw a smaller view (--view organisations, function:F or focus:S), or raise maxTextSize in"
                    + " Mermaid's configuration where you render it")
        }
        return (out, warnings)
    }

    static func heading(_ diagram: Diagram) -> String {
        [diagram.title, diagram.subtitle].compactMap { $0 }.joined(separator: " — ")
            .split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    static func sectorClass(_ sector: Sector) -> String { "sector-" + sector.rawValue }

    /// The classes of a box: its sector and whatever marks it.
    static func classes(_ node: Diagram.Node) -> [String] {
        var out: [String] = []
        if node.shape == .ghost {
            out.append("ghost")
        } else if node.unreachable {
            out.append("unreachable")
        } else if let sector = node.sector {
            out.append(sectorClass(sector))
        }
        if node.shape == .entry { out.append("entry") }
        if node.deadEnd { out.append("deadEnd") }
        if let change = node.change, change != .unchanged { out.append(change.rawValue) }
        return out
    }

    /// A box: its id and its shape around its quoted label.
    static func node(_ node: Diagram.Node, _ k: Int) -> String {
        var label = text(node.label)
        if let note = node.note { label += "\n" + text(note) }
        let quoted = "\"\(label)\""
        switch node.shape {
        case .entry: return "n\(k)>\(quoted)]"
        case .terminal: return "n\(k){{\(quoted)}}"
        case .ghost: return "n\(k)[\(quoted)]"
        case .organisation: return "n\(k)[\(quoted)]"
        case .service: return "n\(k)(\(quoted))"
        }
    }

    /// A label as Mermaid reads it: every character that Mermaid's syntax, its Markdown or HTML
    /// would act on as an entity. Lines are broken with a newline inside the quotes, not `<br>`,
    /// which would make Mermaid read the label as HTML-bearing Markdown and drop a backtick's
    /// text.
    public static func text(_ value: String) -> String {
        var out = ""
        for (k, line) in value.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            if k > 0 { out += "\n" }
            for scalar in line.unicodeScalars {
                switch scalar {
                case "\"": out += "#quot;"
                case "&": out += "#amp;"
                case "<": out += "#lt;"
                case ">": out += "#gt;"
                case "#", "`", "%", "*", "_", "~":
                    out += "#\(scalar.value);"
                default:
                    // Controls and invisible format characters are written as entities too.
                    if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                        || (0x200B...0x200F).contains(scalar.value) || (0x202A...0x202E).contains(scalar.value)
                        || (0x2066...0x2069).contains(scalar.value)
                    {
                        out += "#\(scalar.value);"
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
        }
        return out
    }
}
