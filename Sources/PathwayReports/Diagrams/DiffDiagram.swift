import PathwayCore

/// The diagram of a redesign: the union of both pathways in one layout, drawn three ways.
///
/// - The difference: services and routes added in blue, removed in orange and dashed, changed
///   in reddish purple, unchanged in grey; orphaned routes of the after pathway in vermillion
///   to a ghost box; a dotted line from each replaced service to the one that replaces it; and
///   a legend. The colours are from the Okabe–Ito palette, and every state also differs in
///   line style or weight, so the drawing reads without colour too.
/// - The before and after pathways alone, each in the same positions.
///
/// The union is laid out once (``dot(_:side:positions:)`` with no positions, by Graphviz's dot
/// layout); each side is then drawn from those positions (`pos`, `bb`, `lp`, `xlp`) with no
/// layout of its own, so a service present in both sits in the same place in every drawing
/// and a reader can flip between them. All user text is escaped as in ``PathwayDiagram``.
public enum DiffDiagram {
    public enum Side: String, Sendable, CaseIterable {
        case difference, before, after
    }

    /// Where the union layout put things, by DOT name: the graph, each cluster, each node, and
    /// each edge by its `id`.
    public struct Positions: Sendable, Equatable {
        public var graph: [String: String]
        public var clusters: [String: [String: String]]
        public var nodes: [String: [String: String]]
        public var edges: [String: [String: String]]

        public init(
            graph: [String: String], clusters: [String: [String: String]], nodes: [String: [String: String]],
            edges: [String: [String: String]]
        ) {
            self.graph = graph
            self.clusters = clusters
            self.nodes = nodes
            self.edges = edges
        }

        /// The attributes that carry a layout, which are copied to each side.
        public static let graphKeys = ["bb", "lp", "lwidth", "lheight"]
        public static let nodeKeys = ["pos", "width", "height"]
        public static let edgeKeys = ["pos", "xlp", "lp"]
    }

    static let added = "#0072B2"
    static let removed = "#E69F00"
    static let changed = "#CC79A7"
    static let unchanged = "#9A9A9A"
    static let orphan = "#D55E00"

    enum State { case unchanged, added, removed, changed }

    struct Item {
        var name: String
        var state: State
        var inBefore: Bool { state != .added }
        var inAfter: Bool { state != .removed }
        func on(_ side: Side) -> Bool {
            switch side {
            case .difference: true
            case .before: inBefore
            case .after: inAfter
            }
        }
    }

    /// The DOT of one side. Without `positions`, the union for the dot layout (every service
    /// and route of both sides, so that any side can be drawn from its layout); with them,
    /// the side alone, to be drawn with no layout (Graphviz's `nop2`).
    public static func dot(_ diff: PathwayDiff, side: Side, positions: Positions? = nil) -> String {
        let before = diff.before
        let after = diff.after
        let drawn: Side = positions == nil ? .difference : side
        let oldServices = Dictionary(before.services.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let newServices = Dictionary(after.services.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let changedIDs = Set(diff.changedServices.map(\.id))

        // The union of services: the after pathway's in file order, then those removed.
        var services: [(service: Service, item: Item)] = []
        for service in after.services {
            let state: State =
                oldServices[service.id] == nil ? .added : changedIDs.contains(service.id) ? .changed : .unchanged
            services.append((service, Item(name: "s\(services.count)", state: state)))
        }
        for service in before.services where newServices[service.id] == nil {
            services.append((service, Item(name: "s\(services.count)", state: .removed)))
        }
        var node: [String: Item] = [:]
        for (service, item) in services where node[service.id] == nil { node[service.id] = item }

        var organisations: [(Organisation, inBefore: Bool, inAfter: Bool)] = []
        var seen: Set<String> = []
        for organisation in after.organisations + before.organisations where seen.insert(organisation.id).inserted {
            organisations.append(
                (
                    organisation, before.organisations.contains { $0.id == organisation.id },
                    after.organisations.contains { $0.id == organisation.id }
                ))
        }

        // The union of routes: the after pathway's, then those removed.
        struct Line {
            var route: Route
            var id: String
            var state: State
            var orphanedAfter: Bool
            var label: String
            var tip: String
        }
        var lines: [Line] = []
        let newIDs = Set(after.services.map(\.id))
        let oldIDs = Set(before.services.map(\.id))
        for (k, route) in after.routes.enumerated() {
            let match = diff.beforeRouteOfAfterRoute[k]
            let old = match.map { before.routes[$0] }
            let state: State = old.map { PathwayDiff.changes($0, route).isEmpty ? .unchanged : .changed } ?? .added
            var volume = route.volume.map { "\($0)/yr" }
            if state == .changed, let old, old.volume != route.volume {
                volume = "\(old.volume.map(String.init) ?? "?") → \(route.volume.map(String.init) ?? "?")/yr"
            }
            let orphaned = !newIDs.contains(route.from) || !newIDs.contains(route.to)
            lines.append(
                Line(
                    route: route, id: "r\(lines.count)", state: state, orphanedAfter: orphaned,
                    label: [route.purpose, volume].compactMap { $0 }.joined(separator: "\n"),
                    tip: tip(route, state: state, old: old, orphaned: orphaned)))
        }
        for route in diff.removedRoutes {
            lines.append(
                Line(
                    route: route, id: "r\(lines.count)", state: .removed, orphanedAfter: false,
                    label: [route.purpose, route.volume.map { "\($0)/yr" }].compactMap { $0 }.joined(separator: "\n"),
                    tip: tip(
                        route, state: .removed, old: nil,
                        orphaned: !oldIDs.contains(route.from) || !oldIDs.contains(route.to))))
        }
        // Ends that name no service of either side: ghost boxes.
        var ghosts: [String: String] = [:]
        for line in lines {
            for end in [line.route.from, line.route.to] where node[end] == nil && ghosts[end] == nil {
                ghosts[end] = "g\(ghosts.count)"
            }
        }

        func visible(_ line: Line) -> Bool {
            switch drawn {
            case .difference: true
            case .before: line.state != .added
            case .after: line.state != .removed
            }
        }
        func place(_ attributes: inout [String], _ table: [String: String]?, keys: [String]) {
            guard let table else { return }
            for key in keys { if let value = table[key] { attributes.append("\(key)=\(PathwayDiagram.quote(value))") } }
        }

        let sideTitle: String
        switch drawn {
        case .difference: sideTitle = "What changed: \(before.title) → \(after.title)"
        case .before: sideTitle = "Before: " + before.title
        case .after: sideTitle = "After: " + after.title
        }
        var out = "digraph redesign {\n"
        var graph = [
            "rankdir=LR", "charset=\"UTF-8\"", "fontname=\"Helvetica\"", "fontsize=12", "nodesep=0.3",
            "ranksep=0.6", "pad=0.3", "forcelabels=true", "labelloc=t",
            "label=\(PathwayDiagram.quote(sideTitle))",
        ]
        place(&graph, positions?.graph, keys: Positions.graphKeys)
        if positions != nil { graph.append("notranslate=true") }
        out += "  graph [\(graph.joined(separator: ", "))];\n"
        // Two invisible points at the union's corners keep every side's canvas the same, so
        // that the sides line up when a reader flips between them.
        // They sit half an inch outside the layout's box, where external labels may reach.
        if let box = positions?.graph["bb"]?.split(separator: ",").compactMap({ Double($0) }), box.count == 4 {
            let margin = 36.0
            for (k, corner) in ["\(box[0] - margin),\(box[1] - margin)", "\(box[2] + margin),\(box[3] + margin)"]
                .enumerated()
            {
                out +=
                    "  corner\(k) [shape=point, style=invis, width=0.01, height=0.01, label=\"\", pos=\"\(corner)\"];\n"
            }
        }
        out +=
            "  node [fontname=\"Helvetica\", fontsize=10, shape=box, style=\"rounded,filled\", fillcolor=\"#FFFFFF\", color=\"#333333\"];\n"
        out += "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#555555\", arrowsize=0.7];\n"

        for (k, entry) in organisations.enumerated() {
            let (organisation, inBefore, inAfter) = entry
            let members = services.filter { ($0.service.organisation == organisation.id) && $0.item.on(drawn) }
            guard !members.isEmpty else { continue }
            let colours = PathwayDiagram.sectorColours[organisation.sector]!
            var state = ""
            if drawn == .difference && !inBefore { state = " (new)" }
            if drawn == .difference && !inAfter { state = " (gone)" }
            var attributes = [
                "label=\(PathwayDiagram.quote(organisation.name + "\n" + organisation.sector.rawValue + state))",
                "style=\"rounded,filled\"",
                "fillcolor=\"\(drawn == .difference ? "#F7F7F7" : colours.fill)\"",
                "color=\"\(drawn == .difference ? "#BBBBBB" : colours.border)\"", "fontsize=11",
                "tooltip=\(PathwayDiagram.quote("\(organisation.name) (\(organisation.id)), \(organisation.sector.rawValue)"))",
            ]
            place(&attributes, positions?.clusters["cluster_\(k)"], keys: Positions.graphKeys)
            out += "  subgraph cluster_\(k) {\n    graph [\(attributes.joined(separator: ", "))];\n"
            for (service, item) in members {
                out +=
                    "    \(item.name) [\(serviceAttributes(service, item: item, drawn: drawn, diff: diff, positions: positions).joined(separator: ", "))];\n"
            }
            out += "  }\n"
        }

        // Ends of drawn routes that are not services on this side: ghost boxes, in place.
        let present = drawn == .before ? oldIDs : drawn == .after ? newIDs : oldIDs.union(newIDs)
        var ghostsDrawn: Set<String> = []
        for line in lines where visible(line) {
            for id in [line.route.from, line.route.to] where !present.contains(id) && ghostsDrawn.insert(id).inserted {
                let name = node[id]?.name ?? ghosts[id]!
                var attributes = [
                    "label=\(PathwayDiagram.quote("missing: " + id))", "style=\"dashed\"", "color=\"\(orphan)\"",
                    "fontcolor=\"\(orphan)\"",
                    "tooltip=\(PathwayDiagram.quote("'\(id)' is not a service of this pathway"))",
                ]
                place(&attributes, positions?.nodes[name], keys: Positions.nodeKeys)
                out += "  \(name) [\(attributes.joined(separator: ", "))];\n"
            }
        }

        for line in lines where visible(line) {
            let from = node[line.route.from]?.name ?? ghosts[line.route.from]!
            let to = node[line.route.to]?.name ?? ghosts[line.route.to]!
            var attributes = [
                "id=\"\(positions == nil ? line.id : "\(side.rawValue)-\(line.id)")\"",
                "xlabel=\(PathwayDiagram.quote(line.label))", "tooltip=\(PathwayDiagram.quote(line.tip))",
            ]
            var dashed = line.route.kind == .informal
            switch (drawn, line.state) {
            case (.difference, .added): attributes += ["color=\"\(added)\"", "fontcolor=\"\(added)\"", "penwidth=2.5"]
            case (.difference, .removed):
                attributes += ["color=\"\(removed)\"", "fontcolor=\"\(removed)\"", "penwidth=2.5"]
                dashed = true
            case (.difference, .changed):
                attributes += ["color=\"\(changed)\"", "fontcolor=\"\(changed)\"", "penwidth=2.5"]
            case (.difference, .unchanged): attributes += ["color=\"\(unchanged)\"", "fontcolor=\"\(unchanged)\""]
            default: break
            }
            let broken =
                drawn == .difference
                ? line.orphanedAfter : !present.contains(line.route.from) || !present.contains(line.route.to)
            if broken {
                attributes += ["color=\"\(orphan)\"", "fontcolor=\"\(orphan)\"", "penwidth=2.5"]
            }
            if dashed { attributes.append("style=dashed") }
            place(&attributes, positions?.edges[line.id], keys: Positions.edgeKeys)
            out += "  \(from) -> \(to) [\(attributes.joined(separator: ", "))];\n"
        }

        // A dotted line from each replaced service to the service that replaces it.
        var links = 0
        for merge in diff.merged {
            for old in merge.from {
                guard let from = node[old], let to = node[merge.into] else { continue }
                let id = "m\(links)"
                links += 1
                guard drawn == .difference else { continue }
                var attributes = [
                    "id=\"\(positions == nil ? id : "\(side.rawValue)-\(id)")\"", "style=dotted", "color=\"#000000\"",
                    "arrowhead=empty", "penwidth=1.5",
                    "tooltip=\(PathwayDiagram.quote("\(merge.into) replaces \(old)"))",
                ]
                place(&attributes, positions?.edges[id], keys: Positions.edgeKeys)
                out += "  \(from.name) -> \(to.name) [\(attributes.joined(separator: ", "))];\n"
            }
        }
        if drawn == .difference {
            var attributes = ["shape=plain", "style=\"\"", "tooltip=\"Legend\"", "label=<\(legend())>"]
            place(&attributes, positions?.nodes["legend"], keys: Positions.nodeKeys)
            out += "  legend [\(attributes.joined(separator: ", "))];\n"
        }
        out += "}\n"
        return out
    }

    static func serviceAttributes(_ service: Service, item: Item, drawn: Side, diff: PathwayDiff, positions: Positions?)
        -> [String]
    {
        var attributes = [
            "id=\(PathwayDiagram.quote("svc-" + service.id))", "label=\(PathwayDiagram.quote(service.name))",
        ]
        if service.entry {
            attributes += ["shape=cds", "style=\"filled,bold\""]
        } else if service.terminal {
            attributes += ["shape=octagon", "style=\"filled\""]
        }
        var tip = "\(service.name) (\(service.id)), run by \(service.organisation)"
        if drawn == .difference {
            switch item.state {
            case .added:
                attributes += ["color=\"\(added)\"", "fillcolor=\"#DCEBF5\"", "penwidth=2.5"]
                tip += "; ADDED"
            case .removed:
                attributes += [
                    "color=\"\(removed)\"", "fontcolor=\"#7A5200\"", "penwidth=2.5",
                    "style=\"\(service.entry ? "dashed,bold" : "rounded,dashed")\"",
                ]
                tip += "; REMOVED"
                if let into = diff.replacedBy[service.id] { tip += ", replaced by \(into)" }
            case .changed:
                attributes += ["color=\"\(changed)\"", "fillcolor=\"#F7E4EF\"", "penwidth=2.5"]
                let changes = diff.changedServices.first { $0.id == service.id }?.changes ?? []
                tip +=
                    "; CHANGED: "
                    + changes.map { "\($0.field) \(DiffReport.describe($0.before)) → \(DiffReport.describe($0.after))" }
                    .joined(separator: "; ")
            case .unchanged:
                attributes += ["color=\"\(unchanged)\"", "fontcolor=\"#555555\""]
            }
        } else {
            if !service.functions.isEmpty { tip += "; offers " + service.functions.joined(separator: ", ") }
        }
        if !service.replaces.isEmpty { tip += "; replaces " + service.replaces.joined(separator: ", ") }
        attributes.append("tooltip=\(PathwayDiagram.quote(tip))")
        if let table = positions?.nodes[item.name] {
            for key in Positions.nodeKeys {
                if let value = table[key] { attributes.append("\(key)=\(PathwayDiagram.quote(value))") }
            }
        }
        return attributes
    }

    static func tip(_ route: Route, state: State, old: Route?, orphaned: Bool) -> String {
        var tip = PathwayDiff.RouteKey(route).description + ", \(route.kind.rawValue)"
        if let volume = route.volume { tip += ", \(volume) referrals a year" }
        switch state {
        case .added: tip += "; ADDED"
        case .removed: tip += "; REMOVED"
        case .changed:
            if let old {
                tip +=
                    "; CHANGED: "
                    + PathwayDiff.changes(old, route).map {
                        "\($0.field) \(DiffReport.describe($0.before)) → \(DiffReport.describe($0.after))"
                    }.joined(separator: "; ")
            }
        case .unchanged: break
        }
        if orphaned { tip += "; ORPHANED: names a service that does not exist" }
        if let note = route.note { tip += "\n\(note)" }
        return tip
    }

    static func legend() -> String {
        let rows = [
            "<FONT COLOR=\"\(added)\"><B>blue, bold: added</B></FONT>",
            "<FONT COLOR=\"\(removed)\"><B>orange, dashed: removed</B></FONT>",
            "<FONT COLOR=\"\(changed)\"><B>purple, bold: changed</B></FONT>",
            "<FONT COLOR=\"\(unchanged)\">grey: unchanged</FONT>",
            "<FONT COLOR=\"\(orphan)\">vermillion: orphaned route after the redesign</FONT>",
            "dotted, open arrow: replaced by",
            "entry point: arrow-shaped box; terminal: octagon",
        ]
        return "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"2\"><TR><TD><B>Legend</B></TD></TR>"
            + rows.map { "<TR><TD ALIGN=\"LEFT\">\($0)</TD></TR>" }.joined() + "</TABLE>"
    }
}
