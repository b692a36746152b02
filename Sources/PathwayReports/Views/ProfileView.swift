import PathwayCore

/// How one patient profile gets through the pathway: the services of its journey with the
/// fewest referrals, each marked with its step and the needs met there; or, for a profile with
/// no journey, the entries it presents at and the furthest services it reaches.
enum ProfileView {
    static func profile(_ id: String, in pathway: Pathway) throws(ViewError) -> Profile {
        if let profile = pathway.profiles.first(where: { $0.id == id }) { return profile }
        let ids = pathway.profiles.map(\.id)
        if ids.isEmpty {
            throw ViewError(
                "the pathway has no patient profiles, so there is no profile:\(id) view: add 'profiles' to it, "
                    + "or give --profiles FILE")
        }
        let hint =
            Identifiers.closest(to: id, in: ids).map { "; did you mean '\($0)'?" }
            ?? "; its profiles are: " + ids.prefix(12).joined(separator: ", ") + (ids.count > 12 ? ", …" : "")
        throw ViewError("no profile '\(id)', so there is no profile:\(id) view" + hint)
    }

    /// The most services drawn for a profile with no journey.
    static let furthestDrawn = 30

    /// - Complexity: O(|S| + |R|) beside the journey search.
    static func diagram(_ pathway: Pathway, metrics: PathwayMetrics, profile id: String) throws(ViewError) -> Diagram {
        let profile = try profile(id, in: pathway)
        let journey = metrics.profiles[id] ?? Journeys.search(profile, in: PathwayNetwork(pathway))
        var index: [String: Int] = [:]
        for (k, service) in pathway.services.enumerated() where index[service.id] == nil { index[service.id] = k }
        var included: Set<Int> = []
        var roles: [Int: Diagram.Role] = [:]
        var notes: [String: [String]] = [:]
        // The journey, or the partial journey to where the last need that can be met is met.
        for (k, step) in (journey.served ? journey.journey : journey.partial).enumerated() {
            guard let v = index[step.service] else { continue }
            included.insert(v)
            if !step.meets.isEmpty || roles[v] == nil { roles[v] = step.meets.isEmpty ? .context : .subject }
            let what = step.meets.isEmpty ? (k == 0 ? "presents" : "passes") : step.meets.joined(separator: ", ")
            notes[step.service, default: []].append("\(k + 1): \(what)")
        }
        if !journey.served {
            let entries = profile.entry ?? pathway.services.filter(\.entry).map(\.id)
            for id in entries { if let v = index[id] { included.insert(v) } }
            for id in journey.furthest.prefix(furthestDrawn) {
                guard let v = index[id] else { continue }
                included.insert(v)
                roles[v] = .subject
                if notes[id] == nil { notes[id] = ["also \(journey.needsMet) met here"] }
            }
        }
        let who = Diagram.bounded(profile.name, to: 80)
        let subtitle: String
        if let referrals = journey.minReferrals {
            subtitle =
                "\(who): the journey with the fewest referrals (\(referrals)), meeting "
                + profile.needs.map(ProfileReport.words).joined(separator: ", then ")
        } else {
            subtitle =
                "\(who) cannot get through: no journey meets \(ProfileReport.words(journey.unmet ?? "?"))"
                + (journey.furthest.isEmpty ? "" : "; how far patients get")
        }
        var diagram = ServiceDiagram(pathway, metrics: metrics).diagram(of: included, roles: roles, subtitle: subtitle)
        diagram.subjectMeaning =
            journey.served ? "meets a need ([step: the needs met])" : "meets a need, up to the furthest a patient gets"
        for k in diagram.nodes.indices {
            let key = diagram.nodes[k].key
            guard key.hasPrefix("svc:"), let steps = notes[String(key.dropFirst(4))] else { continue }
            diagram.nodes[k].note = "[" + steps.joined(separator: "; ") + "]"
        }
        if diagram.nodes.count <= 15 { diagram.edgeFontSize = 10 }
        return diagram
    }
}
