import PathwayCore

/// How patients reach one function: the entries, the points of entry and the other providers
/// of the function, and every service on a shortest referral path from an entry to a provider.
///
/// A service v is on such a path when, for some provider p that an entry reaches,
/// d(E, v) + d(v, p) = d(E, p), counting referrals along routes between known services.
enum FunctionView {
    /// The services that offer `word`, by index.
    static func providers(of word: String, in pathway: Pathway) throws(ViewError) -> [Int] {
        let providers = pathway.services.indices.filter { pathway.services[$0].functions.contains(word) }
        if providers.isEmpty {
            let words = Set(pathway.services.flatMap(\.functions)).sorted()
            throw ViewError(
                "no service offers '\(word)', so there is no function:\(word) view; the functions are: "
                    + (words.isEmpty ? "none" : words.joined(separator: ", ")))
        }
        return providers
    }

    /// - Complexity: O(P · (|S| + |R|)) for P providers: one backward search from each.
    static func diagram(_ pathway: Pathway, metrics: PathwayMetrics, function word: String) throws(ViewError)
        -> Diagram
    {
        let providers = try providers(of: word, in: pathway)
        let graph = ServiceGraph(pathway)
        let fromEntries = graph.referralsFromEntries().distance
        var included = Set(graph.entries).union(providers)
        for p in providers where fromEntries[p] >= 0 {
            let toProvider = graph.referralsTo(p)
            for v in 0..<graph.count where fromEntries[v] >= 0 && toProvider[v] >= 0 {
                if fromEntries[v] + toProvider[v] == fromEntries[p] { included.insert(v) }
            }
        }
        let entry = metrics.functions[word]
        let doors = Set(entry?.pointsOfEntry ?? [])
        var roles: [Int: Diagram.Role] = [:]
        for v in included {
            let id = pathway.services[v].id
            roles[v] = doors.contains(id) ? .pointOfEntry : providers.contains(v) ? .provider : .context
        }
        for v in graph.entries where roles[v] == .context { roles[v] = .plain }
        var diagram = ServiceDiagram(pathway, metrics: metrics).diagram(
            of: included, roles: roles, subtitle: subtitle(word, entry, pathway: pathway), function: word)
        if diagram.nodes.count <= 15 { diagram.edgeFontSize = 10 }
        return diagram
    }

    static func subtitle(_ word: String, _ entry: FunctionMetrics?, pathway: Pathway) -> String {
        guard let entry, let referrals = entry.minReferrals else {
            return "How patients reach \(word): no entry reaches a service that offers it"
        }
        let names = Dictionary(pathway.services.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let doors = entry.pointsOfEntry
        var text = "How patients reach \(word): "
        text +=
            doors.count == 1
            ? "a single point of entry, \(Diagram.bounded(names[doors[0]] ?? doors[0], to: 60))"
            : "\(doors.count) points of entry"
        if referrals == 0 { return text + "; an entry offers it" }
        text += "; at least \(referrals) referral\(referrals == 1 ? "" : "s")"
        if let boundaries = entry.minBoundaries {
            text += " and \(boundaries) organisation boundar\(boundaries == 1 ? "y" : "ies")"
        }
        return text + " from an entry"
    }
}

/// Who refers to one service, and where it refers on: the service, every service within
/// `depth` referrals before it, and every service within `depth` referrals after it, with the
/// routes among them (and the orphaned routes of those services).
enum FocusView {
    static func index(of id: String, in pathway: Pathway) throws(ViewError) -> Int {
        if let k = pathway.services.firstIndex(where: { $0.id == id }) { return k }
        let ids = pathway.services.map(\.id)
        let hint =
            Identifiers.closest(to: id, in: ids).map { "; did you mean '\($0)'?" }
            ?? "; its services are: " + ids.prefix(12).joined(separator: ", ") + (ids.count > 12 ? ", …" : "")
        throw ViewError("no service '\(id)' in this pathway, so there is no focus:\(id) view" + hint)
    }

    /// - Complexity: O(|S| + |R|).
    static func diagram(_ pathway: Pathway, metrics: PathwayMetrics, service id: String, depth: Int)
        throws(ViewError) -> Diagram
    {
        let subject = try index(of: id, in: pathway)
        let graph = ServiceGraph(pathway)
        var included: Set<Int> = [subject]
        for (distance, _) in [(graph.referralsTo(subject), "before"), (graph.referrals(from: subject), "after")] {
            for v in 0..<graph.count where distance[v] >= 0 && distance[v] <= depth { included.insert(v) }
        }
        let name = Diagram.bounded(pathway.services[subject].name, to: 60)
        let subtitle =
            "Who refers to \(name), and where it refers on"
            + (depth == 1 ? "" : " (up to \(depth) referrals each way)")
        var diagram = ServiceDiagram(pathway, metrics: metrics).diagram(
            of: included, roles: [subject: .subject], subtitle: subtitle)
        if diagram.nodes.count <= 15 { diagram.edgeFontSize = 10 }
        return diagram
    }
}

/// One box per organisation that runs a service, coloured by its sector, with how many
/// services it runs; one arrow per pair of organisations that refer to each other, with the
/// summed volume each way. Routes within an organisation are counted in its box.
enum OrganisationsView {
    /// - Complexity: O(|S| + |R|).
    static func diagram(_ pathway: Pathway, metrics: PathwayMetrics) -> Diagram {
        let organisationOf = Dictionary(
            pathway.services.map { ($0.id, $0.organisation) }, uniquingKeysWith: { a, _ in a })
        var services: [String: [Service]] = [:]
        for service in pathway.services { services[service.organisation, default: []].append(service) }
        var within: [String: Int] = [:]
        for route in pathway.routes {
            if let a = organisationOf[route.from], let b = organisationOf[route.to], a == b {
                within[a, default: 0] += 1
            }
        }
        var diagram = Diagram(
            title: ServiceDiagram.title(pathway), subtitle: "Organisations, and the referrals between them")
        var nodeOf: [String: Int] = [:]
        var seen: Set<String> = []
        for organisation in pathway.organisations where seen.insert(organisation.id).inserted {
            guard let run = services[organisation.id] else { continue }
            let entries = run.filter(\.entry).count
            var note = "\(run.count) service\(run.count == 1 ? "" : "s")"
            if entries > 0 { note += ", \(entries == run.count ? "" : "\(entries) ")entr\(entries == 1 ? "y" : "ies")" }
            let count = within[organisation.id] ?? 0
            var tip = "\(organisation.name) (\(organisation.id)), \(organisation.sector.rawValue): runs "
            tip += run.prefix(30).map(\.name).joined(separator: "; ") + (run.count > 30 ? "; …" : "")
            tip += "; \(count) route\(count == 1 ? "" : "s") within it"
            nodeOf[organisation.id] = diagram.nodes.count
            diagram.nodes.append(
                Diagram.Node(
                    key: "org:\(organisation.id)", elementID: "org-\(organisation.id)",
                    label: Diagram.wrap(Diagram.bounded(organisation.name), width: 20), note: note,
                    sector: organisation.sector, shape: .organisation, tooltip: Diagram.bounded(tip, to: 2_000)))
        }
        var ends: [(Int, Int, Route)] = []
        for route in pathway.routes {
            guard let a = organisationOf[route.from], let b = organisationOf[route.to], a != b,
                let from = nodeOf[a], let to = nodeOf[b]
            else { continue }
            ends.append((from, to, route))
        }
        var edges = ServiceDiagram.arrows(
            ends, nodes: diagram.nodes, organisationOf: { organisationOf[$0] ?? "" },
            known: { organisationOf[$0] != nil })
        // Between organisations the purposes are many: the label gives the volume (or the
        // count of routes), and the tooltip lists every route.
        // Every arrow crosses a boundary here, so none is singled out in blue.
        for k in edges.indices {
            edges[k].forth.purposes = []
            edges[k].back?.purposes = []
            edges[k].crossing = false
        }
        diagram.edges = edges
        diagram.edgeFontSize = 10
        return diagram
    }
}
