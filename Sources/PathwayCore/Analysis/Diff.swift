/// What a redesign changed, in the domain's terms (`shared/pathway-format.md` section 3,
/// `diff`): services added, removed and changed; services merged (by `replaces`); routes added,
/// removed and changed (matched on from, to and purpose); how every metric moved; the orphaned
/// routes the "after" pathway is left with; and the onward referrals it lost (`lostReach`).
public struct PathwayDiff: Sendable {
    /// One attribute that differs, with its value on each side (`null` when unset).
    public struct FieldChange: Sendable, Equatable {
        public var field: String
        public var before: JSONValue
        public var after: JSONValue
    }

    public struct ServiceChange: Sendable, Equatable {
        public var id: String
        public var changes: [FieldChange]
    }

    /// What a route is matched on: `(from, to, purpose)`.
    public struct RouteKey: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var from: String
        public var to: String
        public var purpose: String?

        public init(from: String, to: String, purpose: String?) {
            self.from = from
            self.to = to
            self.purpose = purpose
        }

        public init(_ route: Route) { self.init(from: route.from, to: route.to, purpose: route.purpose) }

        public static func < (a: RouteKey, b: RouteKey) -> Bool {
            (a.from, a.to, a.purpose ?? "") < (b.from, b.to, b.purpose ?? "")
        }

        public var description: String { "\(from) → \(to)" + (purpose.map { " (\($0))" } ?? "") }

        public var json: JSONValue {
            .object(["from": .string(from), "to": .string(to), "purpose": .optionalString(purpose)])
        }
    }

    public struct RouteChange: Sendable, Equatable {
        public var route: RouteKey
        public var changes: [FieldChange]
    }

    /// A service of the "after" pathway and the services of the "before" pathway it replaces.
    public struct Merge: Sendable, Equatable {
        public var into: String
        public var from: [String]
    }

    /// A route that followed its service into the one that replaced it: removed as
    /// `before` and added as `after`, with each end equal or replaced by the other.
    public struct Redirect: Sendable, Equatable {
        public var before: RouteKey
        public var after: RouteKey
    }

    /// A service present in both versions that could reach a provider of `function` before and
    /// cannot after: an onward-referral gap. `path` is one shortest referral path that worked
    /// before, from the service to a provider; `reason` says where the after pathway breaks it.
    public struct LostReach: Sendable, Equatable {
        public var service: String
        public var function: String
        public var path: [String]
        public var reason: String
    }

    /// One metric, with its value before and after, as it appears in section 2's JSON.
    public struct MetricChange: Sendable, Equatable {
        public var key: String
        public var before: JSONValue
        public var after: JSONValue
        public var moved: Bool { before != after }
    }

    public struct OrganisationChange: Sendable, Equatable {
        public var id: String
        public var changes: [FieldChange]
    }

    /// A patient profile of either side, and its journey on each (nil where that side has no
    /// such profile).
    public struct ProfileChange: Sendable, Equatable {
        public var id: String
        public var name: String
        public var before: ProfileJourney?
        public var after: ProfileJourney?
    }

    public var before: Pathway
    public var after: Pathway
    public var beforeMetrics: PathwayMetrics
    public var afterMetrics: PathwayMetrics

    public var addedServices: [String]
    public var removedServices: [String]
    public var changedServices: [ServiceChange]
    public var addedOrganisations: [String]
    public var removedOrganisations: [String]
    public var changedOrganisations: [OrganisationChange]
    /// Routes of the after pathway with no match before, in its file order.
    public var addedRoutes: [Route]
    /// Routes of the before pathway with no match after, in its file order.
    public var removedRoutes: [Route]
    public var changedRoutes: [RouteChange]
    /// For each route of the after pathway, the index of the before route it matches, if any.
    public var beforeRouteOfAfterRoute: [Int?]
    public var redirectedRoutes: [Redirect]
    /// By `into`, sorted.
    public var merged: [Merge]
    /// Each replaced service of the before pathway, and the after service that replaces it
    /// (the first by id when several do: a split).
    public var replacedBy: [String: String]
    /// `replaces` entries that name no service of the before pathway, as (service, id).
    public var unmatchedReplaces: [(service: String, replaces: String)]
    /// Sorted by key.
    public var metrics: [MetricChange]
    /// The after pathway's orphaned routes, in file order.
    public var orphanedRoutes: [Route]
    /// Sorted by service, then function.
    public var lostReach: [LostReach]
    /// Every profile of either side, in the order of the before side's profiles, then the
    /// after side's others.
    public var profiles: [ProfileChange]
    /// Profiles of both sides served before and not after, sorted. (A profile only the before
    /// side has is not compared: it is in ``profiles`` with no `after`.)
    public var lostProfiles: [String]

    public init(before: Pathway, after: Pathway) {
        self.before = before
        self.after = after
        let beforeGraph = ServiceGraph(before)
        let afterGraph = ServiceGraph(after)
        beforeMetrics = PathwayMetrics(before, graph: beforeGraph, betweenness: false)
        afterMetrics = PathwayMetrics(after, graph: afterGraph, betweenness: false)

        // Services, by id.
        let old = Dictionary(before.services.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let new = Dictionary(after.services.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        addedServices = after.services.map(\.id).filter { old[$0] == nil }.sorted()
        removedServices = before.services.map(\.id).filter { new[$0] == nil }.sorted()
        changedServices = after.services.compactMap { service in
            guard let previous = old[service.id] else { return nil }
            let changes = PathwayDiff.changes(previous, service)
            return changes.isEmpty ? nil : ServiceChange(id: service.id, changes: changes)
        }.sorted { $0.id < $1.id }

        let oldOrganisations = Dictionary(before.organisations.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let newOrganisations = Dictionary(after.organisations.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        addedOrganisations = after.organisations.map(\.id).filter { oldOrganisations[$0] == nil }.sorted()
        removedOrganisations = before.organisations.map(\.id).filter { newOrganisations[$0] == nil }.sorted()
        changedOrganisations = after.organisations.compactMap { organisation in
            guard let previous = oldOrganisations[organisation.id] else { return nil }
            var changes: [FieldChange] = []
            if previous.name != organisation.name {
                changes.append(
                    FieldChange(field: "name", before: .string(previous.name), after: .string(organisation.name)))
            }
            if previous.sector != organisation.sector {
                changes.append(
                    FieldChange(
                        field: "sector", before: .string(previous.sector.rawValue),
                        after: .string(organisation.sector.rawValue)))
            }
            return changes.isEmpty ? nil : OrganisationChange(id: organisation.id, changes: changes)
        }.sorted { $0.id < $1.id }

        // Merges: each after service with `replaces`, and what of the before pathway it names.
        var merged: [Merge] = []
        var unmatched: [(service: String, replaces: String)] = []
        for service in after.services where !service.replaces.isEmpty {
            let known = service.replaces.filter { old[$0] != nil }
            for id in service.replaces where old[id] == nil { unmatched.append((service.id, id)) }
            if !known.isEmpty { merged.append(Merge(into: service.id, from: known)) }
        }
        self.merged = merged.sorted { $0.into < $1.into }
        replacedBy = Dictionary(
            self.merged.flatMap { m in m.from.map { ($0, m.into) } }, uniquingKeysWith: { a, _ in a })
        unmatchedReplaces = unmatched

        // Routes: matched on (from, to, purpose); the k-th occurrence of a key before matches
        // the k-th after, so duplicated routes pair up in file order.
        var pending: [RouteKey: [Int]] = [:]
        for (k, route) in before.routes.enumerated() { pending[RouteKey(route), default: []].append(k) }
        var next: [RouteKey: Int] = [:]
        var matchedBefore = [Bool](repeating: false, count: before.routes.count)
        var added: [Route] = []
        var changedRoutes: [RouteChange] = []
        var match: [Int?] = []
        for route in after.routes {
            let key = RouteKey(route)
            let k = next[key, default: 0]
            guard let candidates = pending[key], k < candidates.count else {
                added.append(route)
                match.append(nil)
                continue
            }
            match.append(candidates[k])
            next[key] = k + 1
            matchedBefore[candidates[k]] = true
            let changes = PathwayDiff.changes(before.routes[candidates[k]], route)
            if !changes.isEmpty { changedRoutes.append(RouteChange(route: key, changes: changes)) }
        }
        addedRoutes = added
        removedRoutes = before.routes.indices.filter { !matchedBefore[$0] }.map { before.routes[$0] }
        self.changedRoutes = changedRoutes
        beforeRouteOfAfterRoute = match

        // Redirects: a removed route whose ends, mapped through the merges, give an added route.
        var successorsOf: [String: [String]] = [:]
        for service in before.services where new[service.id] != nil { successorsOf[service.id] = [service.id] }
        for merge in self.merged {
            for id in merge.from where new[id] == nil { successorsOf[id, default: []].append(merge.into) }
        }
        var unclaimed: [RouteKey: Int] = [:]
        for route in addedRoutes { unclaimed[RouteKey(route), default: 0] += 1 }
        var redirects: [Redirect] = []
        for route in removedRoutes {
            let ends = (successorsOf[route.from] ?? [], successorsOf[route.to] ?? [])
            search: for from in ends.0 {
                for to in ends.1 where from != route.from || to != route.to {
                    let key = RouteKey(from: from, to: to, purpose: route.purpose)
                    if let n = unclaimed[key], n > 0 {
                        unclaimed[key] = n - 1
                        redirects.append(Redirect(before: RouteKey(route), after: key))
                        break search
                    }
                }
            }
        }
        redirectedRoutes = redirects

        metrics = PathwayDiff.metricChanges(beforeMetrics, afterMetrics)
        orphanedRoutes = after.orphanedRoutes
        lostReach = PathwayDiff.lostReach(
            before: before, beforeGraph: beforeGraph, after: after, afterGraph: afterGraph, replacedBy: replacedBy)

        var seen: Set<String> = []
        let (beforeJourneys, afterJourneys) = (beforeMetrics.profiles, afterMetrics.profiles)
        profiles = (before.profiles + after.profiles).filter { seen.insert($0.id).inserted }.map { profile in
            ProfileChange(
                id: profile.id, name: profile.name, before: beforeJourneys[profile.id], after: afterJourneys[profile.id]
            )
        }
        lostProfiles = profiles.filter { $0.before?.served == true && $0.after?.served == false }.map(\.id).sorted()
    }

    /// Whether the after pathway leaves a gap a pathway repository's CI should stop on: an
    /// orphaned route, a lost onward referral or a patient profile no longer served.
    public var hasGaps: Bool { !orphanedRoutes.isEmpty || !lostReach.isEmpty || !lostProfiles.isEmpty }

    public static func changes(_ a: Service, _ b: Service) -> [FieldChange] {
        var changes: [FieldChange] = []
        func compare(_ field: String, _ x: JSONValue, _ y: JSONValue) {
            if x != y { changes.append(FieldChange(field: field, before: x, after: y)) }
        }
        compare("name", .string(a.name), .string(b.name))
        compare("organisation", .string(a.organisation), .string(b.organisation))
        compare("entry", .bool(a.entry), .bool(b.entry))
        compare("terminal", .bool(a.terminal), .bool(b.terminal))
        compare("functions", .strings(a.functions.sorted()), .strings(b.functions.sorted()))
        compare("capacity", .optionalInt(a.capacity), .optionalInt(b.capacity))
        compare("replaces", .strings(a.replaces.sorted()), .strings(b.replaces.sorted()))
        return changes
    }

    public static func changes(_ a: Route, _ b: Route) -> [FieldChange] {
        var changes: [FieldChange] = []
        func compare(_ field: String, _ x: JSONValue, _ y: JSONValue) {
            if x != y { changes.append(FieldChange(field: field, before: x, after: y)) }
        }
        compare("kind", .string(a.kind.rawValue), .string(b.kind.rawValue))
        compare("volume", .optionalInt(a.volume), .optionalInt(b.volume))
        compare("note", .optionalString(a.note), .optionalString(b.note))
        return changes
    }

    /// Every key of section 2 (the title and betweenness aside) with its value on each side;
    /// for each list, also `KEY.count`; for each function word of either side, its five
    /// keys as `functions.F.KEY` (a function a side lacks has no providers there), and
    /// `functions.F.providers.count` and `functions.F.pointsOfEntry.count`.
    static func metricChanges(_ a: PathwayMetrics, _ b: PathwayMetrics) -> [MetricChange] {
        guard case .object(let x) = a.json, case .object(let y) = b.json else { return [] }
        var out: [MetricChange] = []
        for key in x.keys.sorted()
        where key != "pathway" && key != "functions" && key != "profiles" && !key.hasPrefix("betweenness") {
            let (p, q) = (x[key]!, y[key] ?? .null)
            out.append(MetricChange(key: key, before: p, after: q))
            if case .array(let l) = p, case .array(let r) = q {
                out.append(MetricChange(key: key + ".count", before: .int(l.count), after: .int(r.count)))
            }
        }
        let words = Set(a.functions.keys).union(b.functions.keys).sorted()
        let absent = FunctionMetrics.absent
        for word in words {
            let (p, q) = (a.functions[word] ?? absent, b.functions[word] ?? absent)
            let prefix = "functions.\(word)."
            out += [
                MetricChange(key: prefix + "providers", before: .strings(p.providers), after: .strings(q.providers)),
                MetricChange(
                    key: prefix + "providers.count", before: .int(p.providers.count), after: .int(q.providers.count)),
                MetricChange(
                    key: prefix + "pointsOfEntry", before: .strings(p.pointsOfEntry), after: .strings(q.pointsOfEntry)),
                MetricChange(
                    key: prefix + "pointsOfEntry.count", before: .int(p.pointsOfEntry.count),
                    after: .int(q.pointsOfEntry.count)),
                MetricChange(
                    key: prefix + "singlePointOfEntry", before: .bool(p.singlePointOfEntry),
                    after: .bool(q.singlePointOfEntry)),
                MetricChange(
                    key: prefix + "minReferrals", before: .optionalInt(p.minReferrals),
                    after: .optionalInt(q.minReferrals)),
                MetricChange(
                    key: prefix + "minBoundaries", before: .optionalInt(p.minBoundaries),
                    after: .optionalInt(q.minBoundaries)),
            ]
        }
        return out.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    /// "each service present in both versions, and each function F, such that a provider of F
    /// was reachable from that service (itself included) before and none is after".
    ///
    /// - Complexity: O(F · (|S| + |R|)) on each side, one backward search per function word.
    static func lostReach(
        before: Pathway, beforeGraph: ServiceGraph, after: Pathway, afterGraph: ServiceGraph,
        replacedBy: [String: String]
    ) -> [LostReach] {
        let oldProviders = ServiceGraph.providers(in: before)
        let newProviders = ServiceGraph.providers(in: after)
        let shared = beforeGraph.ids.indices.compactMap { v -> (Int, Int)? in
            afterGraph.vertex[beforeGraph.ids[v]].map { (v, $0) }
        }
        var lost: [LostReach] = []
        for (word, providers) in oldProviders {
            let towards = beforeGraph.nextTowards(providers)
            let stillReaches = afterGraph.nextTowards(newProviders[word] ?? [])
            for (v, w) in shared where towards[v] != ServiceGraph.unseen && stillReaches[w] == ServiceGraph.unseen {
                var path = [beforeGraph.ids[v]]
                var u = v
                while towards[u] >= 0 {
                    u = Int(towards[u])
                    path.append(beforeGraph.ids[u])
                }
                lost.append(
                    LostReach(
                        service: beforeGraph.ids[v], function: word, path: path,
                        reason: reason(path: path, function: word, afterGraph: afterGraph, replacedBy: replacedBy)))
            }
        }
        return lost.sorted { ($0.service, $0.function) < ($1.service, $1.function) }
    }

    /// Where the after pathway breaks a path that worked before: the first service on it that
    /// is gone, or the first route on it that is gone, or the last service no longer offering
    /// the function.
    static func reason(
        path: [String], function: String, afterGraph: ServiceGraph, replacedBy: [String: String]
    ) -> String {
        for (k, id) in path.enumerated() {
            guard let w = afterGraph.vertex[id] else {
                return "\(id) was removed" + (replacedBy[id].map { " (merged into \($0))" } ?? "")
            }
            if k + 1 < path.count, let next = afterGraph.vertex[path[k + 1]],
                !afterGraph.successors(of: w).contains(Int32(next))
            {
                return "the route \(id) → \(path[k + 1]) was removed"
            }
        }
        return "\(path.last!) no longer offers \(function)"
    }
}
