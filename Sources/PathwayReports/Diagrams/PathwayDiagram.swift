import PathwayCore

/// The diagram of a pathway as Graphviz DOT: one lane (cluster) per organisation, coloured by
/// sector; entries and terminal services shaped apart; formal routes solid, informal dashed;
/// volume on the route and as line weight; routes across an organisation boundary in blue;
/// orphaned routes in red to a ghost node named after the missing service; unreachable services
/// and dead ends marked; a tooltip on every service and route; and a legend.
///
/// All user text is escaped for DOT quoted strings, so names with quotes, backslashes, `<`, `&`,
/// newlines or any Unicode text show as written. Node names are generated (`s0`, `s1`, …), never
/// taken from the file, and no attribute that reads local files is ever written. Nor is any
/// attribute that makes Graphviz 2.43 crash or run away (`concentrate`, `newrank`, `sides`,
/// `peripheries`, `weight`): user text only ever reaches labels and tooltips.
///
/// A large pathway can be drawn without lanes (each service then filled with its sector's
/// colour, since only the dot layout draws clusters) and without the labels on routes (placing
/// thousands of them costs Graphviz more than the layout; each route's tooltip still says it).
public enum PathwayDiagram {
    /// Colours by sector from the Okabe–Ito palette, which stays distinguishable under the common
    /// colour-vision deficiencies: a light tint for the lane, the full colour for its border.
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

    /// - Parameters:
    ///   - metrics: the pathway's metrics, if already computed (for unreachable services and
    ///     dead ends).
    ///   - lanes: a lane (cluster) per organisation; without, each service is filled with the
    ///     colour of its organisation's sector.
    ///   - routeLabels: each route labelled with its purpose and volume.
    public static func dot(
        _ pathway: Pathway, metrics: PathwayMetrics? = nil, lanes: Bool = true, routeLabels: Bool = true
    ) -> String {
        let metrics = metrics ?? PathwayMetrics(pathway, betweenness: false)
        let unreachable = Set(metrics.unreachable)
        let deadEnds = Set(metrics.deadEnds)
        var node: [String: String] = [:]
        for (k, service) in pathway.services.enumerated() { node[service.id] = "s\(k)" }
        let organisationOf = Dictionary(
            pathway.services.map { ($0.id, $0.organisation) }, uniquingKeysWith: { a, _ in a })
        let sectorOf = Dictionary(pathway.organisations.map { ($0.id, $0.sector) }, uniquingKeysWith: { a, _ in a })
        let maxVolume = max(1, pathway.routes.compactMap(\.volume).max() ?? 1)

        var out = "digraph pathway {\n"
        out += "  graph [rankdir=LR, charset=\"UTF-8\", fontname=\"Helvetica\", fontsize=12,"
        out += " nodesep=0.3, ranksep=0.6, pad=0.3, forcelabels=true, label=\(quote(title(pathway))), labelloc=t];\n"
        out += "  node [fontname=\"Helvetica\", fontsize=10, shape=box, style=\"rounded,filled\","
        out += " fillcolor=\"#FFFFFF\", color=\"#333333\"];\n"
        out += "  edge [fontname=\"Helvetica\", fontsize=8, color=\"\(withinColour)\", arrowsize=0.7];\n"

        if lanes {
            var servicesOf: [String: [Service]] = [:]
            for service in pathway.services { servicesOf[service.organisation, default: []].append(service) }
            for (k, organisation) in pathway.organisations.enumerated() {
                guard let services = servicesOf.removeValue(forKey: organisation.id) else { continue }
                let colours = sectorColours[organisation.sector]!
                out += "  subgraph cluster_\(k) {\n"
                out += "    label=\(quote(organisation.name + "\n" + organisation.sector.rawValue));"
                out += " style=\"rounded,filled\"; fillcolor=\"\(colours.fill)\"; color=\"\(colours.border)\";"
                out +=
                    " fontsize=11; tooltip=\(quote("\(organisation.name) (\(organisation.id)), \(organisation.sector.rawValue)"));\n"
                for service in services {
                    out +=
                        "    "
                        + serviceNode(
                            service, name: node[service.id]!, unreachable: unreachable.contains(service.id),
                            deadEnd: deadEnds.contains(service.id)) + "\n"
                }
                out += "  }\n"
            }
        } else {
            for service in pathway.services {
                let colours = sectorOf[service.organisation].map { sectorColours[$0]! }
                out +=
                    "  "
                    + serviceNode(
                        service, name: node[service.id]!, unreachable: unreachable.contains(service.id),
                        deadEnd: deadEnds.contains(service.id), sectorColours: colours) + "\n"
            }
        }

        var ghosts: [String: String] = [:]
        for route in pathway.routes {
            for end in [route.from, route.to] where node[end] == nil && ghosts[end] == nil {
                let name = "ghost\(ghosts.count)"
                ghosts[end] = name
                out += "  \(name) [label=\(quote("missing: " + end)), style=\"dashed\", color=\"\(orphanColour)\","
                out +=
                    " fontcolor=\"\(orphanColour)\", tooltip=\(quote("'\(end)' is not a service of this pathway"))];\n"
            }
        }

        for route in pathway.routes {
            let from = node[route.from] ?? ghosts[route.from]!
            let to = node[route.to] ?? ghosts[route.to]!
            let orphaned = node[route.from] == nil || node[route.to] == nil
            let crossing = !orphaned && organisationOf[route.from] != organisationOf[route.to]
            var label: [String] = []
            if let purpose = route.purpose { label.append(purpose) }
            if let volume = route.volume { label.append("\(volume)/yr") }
            // xlabel, not label: Graphviz 2.43's dot layout double-frees on edge labels between
            // clusters; external labels are placed after layout and avoid it.
            var attributes = routeLabels ? ["xlabel=\(quote(label.joined(separator: "\n")))"] : []
            if let volume = route.volume {
                let weight = 0.8 + 3.2 * (Double(volume) / Double(maxVolume)).squareRoot()
                attributes.append("penwidth=\(formatted(weight))")
            }
            if route.kind == .informal { attributes.append("style=dashed") }
            if orphaned {
                attributes += ["color=\"\(orphanColour)\"", "fontcolor=\"\(orphanColour)\"", "penwidth=2"]
            } else if crossing {
                attributes.append("color=\"\(crossingColour)\"")
            }
            var tip = "\(route.from) → \(route.to)"
            if let purpose = route.purpose { tip += " for \(purpose)" }
            tip += ", \(route.kind.rawValue)"
            if let volume = route.volume { tip += ", \(volume) referrals a year" }
            if crossing, let a = organisationOf[route.from], let b = organisationOf[route.to] {
                tip += ", crosses from \(a) to \(b)"
            }
            if orphaned { tip += ": ORPHANED, names a service that does not exist" }
            if let note = route.note { tip += "\n\(note)" }
            attributes.append("tooltip=\(quote(tip))")
            out += "  \(from) -> \(to) [\(attributes.joined(separator: ", "))];\n"
        }
        out += legend(sectors: Set(pathway.services.compactMap { sectorOf[$0.organisation] }), lanes: lanes)
        out += "}\n"
        return out
    }

    static func title(_ pathway: Pathway) -> String {
        var parts = [pathway.title]
        let context = [pathway.area, pathway.asOf].compactMap { $0 }
        if !context.isEmpty { parts.append(context.joined(separator: ", ")) }
        return parts.joined(separator: "\n")
    }

    /// One service's node; `sectorColours` fill it when it is drawn outside a lane.
    static func serviceNode(
        _ service: Service, name: String, unreachable: Bool, deadEnd: Bool,
        sectorColours: (fill: String, border: String)? = nil
    ) -> String {
        var label = service.name
        var notes: [String] = []
        if unreachable { notes.append("unreachable") }
        if deadEnd { notes.append("dead end") }
        if !notes.isEmpty { label += "\n[" + notes.joined(separator: ", ") + "]" }
        var attributes = ["id=\(quote("svc-" + service.id))", "label=\(quote(label))"]
        if service.entry {
            attributes += ["shape=cds", "style=\"filled,bold\""]
        } else if service.terminal {
            attributes += ["shape=octagon", "style=\"filled\""]
        }
        if let sectorColours, !unreachable { attributes.append("fillcolor=\"\(sectorColours.fill)\"") }
        if let sectorColours, !deadEnd { attributes.append("color=\"\(sectorColours.border)\"") }
        if unreachable { attributes += ["fillcolor=\"#E0E0E0\"", "fontcolor=\"#555555\""] }
        if deadEnd { attributes += ["color=\"\(orphanColour)\"", "penwidth=2"] }
        var tip = "\(service.name) (\(service.id)), run by \(service.organisation)"
        if service.entry { tip += "; entry point" }
        if service.terminal { tip += "; terminal" }
        if !service.functions.isEmpty { tip += "; offers " + service.functions.joined(separator: ", ") }
        if let capacity = service.capacity { tip += "; capacity \(capacity) a year" }
        if !service.replaces.isEmpty { tip += "; replaces " + service.replaces.joined(separator: ", ") }
        if unreachable { tip += "; no entry reaches it" }
        if deadEnd { tip += "; refers nowhere and is not terminal" }
        attributes.append("tooltip=\(quote(tip))")
        return "\(name) [\(attributes.joined(separator: ", "))];"
    }

    /// A key to the lane colours, shapes and line styles, as an HTML-like table label.
    static func legend(sectors: Set<Sector>, lanes: Bool = true) -> String {
        var rows = ""
        for sector in Sector.allCases where sectors.contains(sector) {
            let colours = sectorColours[sector]!
            rows += "<TR><TD BGCOLOR=\"\(colours.fill)\" COLOR=\"\(colours.border)\" BORDER=\"1\" WIDTH=\"18\"> </TD>"
            rows += "<TD ALIGN=\"LEFT\">\(sector.rawValue)</TD></TR>"
        }
        var keys = lanes ? [] : ["fill: the sector of the organisation that runs the service"]
        keys += [
            "entry point: arrow-shaped box", "terminal service: octagon",
            "solid line: formal route; dashed: informal", "line weight: referrals a year",
            "<FONT COLOR=\"\(crossingColour)\">blue line: crosses an organisation boundary</FONT>",
            "<FONT COLOR=\"\(orphanColour)\">red: orphaned route, dead end</FONT>",
            "grey: unreachable from any entry",
        ]
        for key in keys { rows += "<TR><TD></TD><TD ALIGN=\"LEFT\">\(key)</TD></TR>" }
        return "  legend [shape=plain, style=\"\", tooltip=\"Legend\", label=<<TABLE BORDER=\"0\""
            + " CELLBORDER=\"0\" CELLSPACING=\"2\"><TR><TD COLSPAN=\"2\"><B>Legend</B></TD></TR>\(rows)</TABLE>>];\n"
    }

    /// A DOT quoted string showing `text` exactly: quotes and backslashes escaped (so Graphviz's
    /// `\N`-style sequences never expand), line breaks as centred `\n`, and `&` as `&amp;` so
    /// that text which looks like an entity is not read as one.
    public static func quote(_ text: String) -> String {
        var out = "\""
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

    static func formatted(_ x: Double) -> String {
        let hundredths = Int((x * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}
