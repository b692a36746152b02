/// How one patient profile gets through the pathway (`shared/pathway-format.md` section 4).
public struct ProfileJourney: Sendable, Equatable {
    /// One service of a journey, and the needs met there (possibly none: a service passed
    /// through).
    public struct Step: Sendable, Equatable {
        public var service: String
        public var meets: [String]

        public init(service: String, meets: [String]) {
            self.service = service
            self.meets = meets
        }
    }

    /// The profile has a journey.
    public var served: Bool { minReferrals != nil }
    /// Fewest routes over all journeys; nil when there is none.
    public var minReferrals: Int?
    /// Fewest boundary-crossing routes over all journeys (perhaps another journey); nil when
    /// there is none.
    public var minBoundaries: Int?
    /// One journey with ``minReferrals`` routes; empty when there is none.
    public var journey: [Step]
    /// The first need no walk can meet after the ones before it; nil when served.
    public var unmet: String?
    /// The needs met on the way to ``unmet`` (all of them when served).
    public var needsMet: Int
    /// When not served: the services where the last need a patient can meet (need number
    /// ``needsMet``) is met, sorted by id, the first ``furthestShown`` of them; none when not
    /// even the first need can be met.
    public var furthest: [String]
    /// How many services ``furthest`` would list in full.
    public var furthestCount: Int
    /// The most services ``furthest`` lists.
    public static let furthestShown = 100
    /// When not served: a shortest walk from an entry to the first of ``furthest``.
    public var partial: [Step]

    public init(
        minReferrals: Int?, minBoundaries: Int?, journey: [Step], unmet: String?, needsMet: Int,
        furthest: [String] = [], furthestCount: Int? = nil, partial: [Step] = []
    ) {
        self.minReferrals = minReferrals
        self.minBoundaries = minBoundaries
        self.journey = journey
        self.unmet = unmet
        self.needsMet = needsMet
        self.furthest = furthest
        self.furthestCount = furthestCount ?? furthest.count
        self.partial = partial
    }
}

/// The journey search: shortest walks over states (service, needs met so far).
///
/// A journey of profile P may pass through a service more than once, so the search runs on
/// pairs: in state (v, j) the patient is at service v with the first j needs met. Arriving at
/// a service that accepts P, the patient has every next need it offers met there at once
/// (meeting a need as early as possible never makes a journey longer or cross more
/// boundaries, because the rest of the journey can still be walked). Each route v → w into a
/// service w that accepts P leads from (v, j) to (w, j′). P is served when a state with all k
/// needs met is reached.
///
/// ``minReferrals`` is a breadth-first search from the entry states; ``minBoundaries`` a 0-1
/// breadth-first search (a route across a boundary costs 1, any other 0). Both stop at the
/// first state with every need met; when there is none they have visited every reachable
/// state, and the most needs met in any of them gives ``ProfileJourney/unmet``. Both are
/// iterative, on the CSR graph.
///
/// - Complexity: O((|S| + |R|) · (k + 1)) time and O(|S| · (k + 1)) memory per profile, for k
///   needs.
public enum Journeys {
    /// The journey of `profile` through `network`. `budget` is how many states the search
    /// over states visits before it asks whether any journey exists (by default one a
    /// service); the result does not depend on it.
    ///
    /// `condensation`, the strongly connected components of the referral graph, speeds up the
    /// check for profiles every service accepts; give it when searching for many profiles.
    public static func search(
        _ profile: Profile, in network: PathwayNetwork, budget: Int? = nil, condensation: Condensation? = nil
    ) -> ProfileJourney {
        let graph = network.graph
        let n = graph.count
        let needs = profile.needs
        let k = needs.count
        guard k > 0, n > 0 else {
            return ProfileJourney(minReferrals: nil, minBoundaries: nil, journey: [], unmet: needs.first, needsMet: 0)
        }

        let rules = Rules(profile, network)
        if rules.masks.isEmpty { return search(profile, in: network, rules: rules.list, budget: budget) }
        let condensed = rules.acceptedEverywhere ? condensation : nil
        return rules.masks.withUnsafeBufferPointer { masks in
            search(
                profile, in: network, rules: MaskRules(masks: masks, k: k), budget: budget, condensation: condensed)
        }
    }

    /// ``search(_:in:budget:)`` with the profile's rules read through `rules`.
    static func search<R: NeedRules>(
        _ profile: Profile, in network: PathwayNetwork, rules: R, budget: Int?, served: Bool = false,
        condensation: Condensation? = nil
    ) -> ProfileJourney {
        let graph = network.graph
        let n = graph.count
        let needs = profile.needs
        let k = needs.count
        let width = k + 1
        let lookup = graph.vertex
        let entries = (profile.entry?.compactMap { lookup[$0] } ?? graph.entries)
        var starts: [Int] = []
        for v in Set(entries).sorted() where rules.accepts(v) {
            let state = v * width + rules.closure(v, 0)
            if !starts.contains(state) { starts.append(state) }
        }
        // Breadth-first over states, for a while: most profiles are served near their entries.
        // If it has not found every need met within the budget, a cheaper search (one pass over
        // the services per need, in a bitmap that stays in cache) says whether any journey
        // exists; only if one does is the search over states taken to its end.
        func referrals(budget: Int?) -> Found {
            n * width < Int(Int32.max)
                ? fewestReferrals(graph, rules: rules, starts: starts, width: width, budget: budget, Int32.self)
                : fewestReferrals(graph, rules: rules, starts: starts, width: width, budget: budget, Int.self)
        }
        // A served profile is known not to need the check: the search over states runs on.
        var found = referrals(budget: served ? nil : budget ?? max(n, 1 << 16))
        if found.final < 0 {
            let starting = Set(starts.map { $0 / width }).sorted()
            let layers =
                condensation.map { reachable($0, graph, rules: rules, from: starting, needs: k) }
                ?? reachable(graph, rules: rules, from: starting, needs: k)
            if layers.mostMet < k {
                // The partial journey: the fewest referrals to meet the needs that can be met.
                let partial =
                    layers.mostMet == 0
                    ? []
                    : search(
                        Profile(
                            id: profile.id, needs: Array(needs.prefix(layers.mostMet)),
                            attributes: profile.attributes, entry: profile.entry),
                        in: network, rules: rules.first(layers.mostMet), budget: budget, served: true
                    ).journey
                return ProfileJourney(
                    minReferrals: nil, minBoundaries: nil, journey: [], unmet: needs[layers.mostMet],
                    needsMet: layers.mostMet, furthest: firstByID(layers.lastMet, graph.ids),
                    furthestCount: layers.lastMet.count, partial: partial)
            }
            found = referrals(budget: nil)
        }
        let journey = steps(found.path, width: width, graph: graph, needs: needs)
        return ProfileJourney(
            minReferrals: journey.count - 1,
            minBoundaries: fewestBoundaries(graph, starts: starts, width: width, rules: rules),
            journey: journey, unmet: nil, needsMet: k)
    }

    /// The services reachable with the first j needs met, for j = 0, 1, …, in turn: those
    /// reachable from `starts` (services that accept the profile), then, for each next need,
    /// those reachable from the ones of the last set that offer it; up to the first empty set.
    /// Each set is one pass over the services it holds, marked in a byte a service.
    ///
    /// - Returns: the most needs met on any walk, and the services where the last of them can
    ///   be met (none when not even the first can).
    static func reachable<R: NeedRules>(_ graph: ServiceGraph, rules: R, from starts: [Int], needs k: Int)
        -> (mostMet: Int, lastMet: [Int])
    {
        // mark[v] = j + 1 once v is known reachable with j needs met.
        var mark = [UInt8](repeating: 0, count: graph.count)
        var reached = starts
        var seeds = starts
        var mostMet = 0
        var lastMet: [Int] = []
        graph.offsets.withUnsafeBufferPointer { offsets in
            graph.targets.withUnsafeBufferPointer { targets in
                mark.withUnsafeMutableBufferPointer { mark in
                    var layer = 0
                    while true {
                        // A fresh tag per layer; after 255 layers the tags start again, on cleared marks.
                        let tag = UInt8(layer % 255 + 1)
                        if layer > 0 && tag == 1 { mark.update(repeating: 0) }
                        var stack: [Int] = []
                        reached = []
                        for v in seeds where mark[v] != tag {
                            mark[v] = tag
                            stack.append(v)
                        }
                        while let v = stack.popLast() {
                            reached.append(v)
                            for arc in offsets[v]..<offsets[v + 1] {
                                let w = Int(targets[arc])
                                guard mark[w] != tag, rules.accepts(w) else { continue }
                                mark[w] = tag
                                stack.append(w)
                            }
                        }
                        guard layer < k else { break }
                        let next = reached.filter { rules.offers($0, need: layer) }
                        guard !next.isEmpty else { break }
                        layer += 1
                        mostMet = layer
                        lastMet = next
                        seeds = next
                    }
                }
            }
        }
        return (mostMet, lastMet)
    }

    /// ``reachable(_:rules:from:needs:)`` on the components of the referral graph, for a
    /// profile every service accepts: within a component every service reaches every other, so
    /// a set reachable with j needs met is a set of whole components, and each need's pass is
    /// over components instead of services.
    static func reachable<R: NeedRules>(
        _ c: Condensation, _ graph: ServiceGraph, rules: R, from starts: [Int], needs k: Int
    ) -> (mostMet: Int, lastMet: [Int]) {
        // Which needs each component offers.
        var offered = [UInt64](repeating: 0, count: c.count)
        for v in 0..<graph.count {
            for j in 0..<k where rules.offers(v, need: j) { offered[Int(c.component[v])] |= 1 << UInt64(j) }
        }
        var mark = [Int32](repeating: -1, count: c.count)
        var seeds = Set(starts.map { Int(c.component[$0]) }).sorted()
        var mostMet = 0
        var layer = 0
        while true {
            var stack: [Int] = []
            var reached: [Int] = []
            for x in seeds where mark[x] != Int32(layer) {
                mark[x] = Int32(layer)
                stack.append(x)
            }
            while let x = stack.popLast() {
                reached.append(x)
                for arc in c.offsets[x]..<c.offsets[x + 1] {
                    let y = Int(c.targets[arc])
                    guard mark[y] != Int32(layer) else { continue }
                    mark[y] = Int32(layer)
                    stack.append(y)
                }
            }
            guard layer < k else { break }
            let next = reached.filter { offered[$0] & (1 << UInt64(layer)) != 0 }
            guard !next.isEmpty else { break }
            layer += 1
            mostMet = layer
            seeds = next
        }
        guard mostMet > 0 else { return (0, []) }
        // The services of the last set's components that offer the last need met there.
        let last = Set(seeds)
        let lastMet = (0..<graph.count).filter {
            last.contains(Int(c.component[$0])) && rules.offers($0, need: mostMet - 1)
        }
        return (mostMet, lastMet)
    }

    /// What a profile asks of each service: whether it accepts the profile, and which of its
    /// needs it offers. For up to 62 needs, one word a service: bit j for need j, and the top
    /// bit for a service that does not accept the profile; so the needs met on arriving are
    /// found from the run of set bits, in one step.
    struct Rules {
        let k: Int
        /// Up to 62 needs: per service, the needs offered as bits, and bit 63 if it refuses.
        let masks: [UInt64]
        /// Beyond 62 needs: per need, which services offer it; and which accept.
        let offers: [[Bool]]
        let accepting: [Bool]
        static let refuses: UInt64 = 1 << 63

        init(_ profile: Profile, _ network: PathwayNetwork) {
            let n = network.graph.count
            k = profile.needs.count
            var accepts = [Bool](repeating: true, count: n)
            let attributes = Set(profile.attributes)
            for requirement in network.eligibility where !attributes.contains(requirement.word) {
                for v in requirement.providers { accepts[Int(v)] = false }
            }
            let providers = Dictionary(
                network.functions.map { ($0.word, $0.providers) }, uniquingKeysWith: { a, _ in a })
            if k <= 62 {
                var masks = [UInt64](repeating: 0, count: n)
                for (j, need) in profile.needs.enumerated() {
                    for v in providers[need] ?? [] { masks[Int(v)] |= 1 << UInt64(j) }
                }
                for v in 0..<n where !accepts[v] { masks[v] |= Self.refuses }
                self.masks = masks
                offers = []
                accepting = []
            } else {
                masks = []
                var byWord: [String: [Bool]] = [:]
                for word in Set(profile.needs) {
                    var offers = [Bool](repeating: false, count: n)
                    for v in providers[word] ?? [] { offers[Int(v)] = true }
                    byWord[word] = offers
                }
                offers = profile.needs.map { byWord[$0]! }
                accepting = accepts
            }
        }

        /// No service refuses the profile (so the referral graph's components are its own).
        var acceptedEverywhere: Bool { !masks.isEmpty && !masks.contains { $0 & Self.refuses != 0 } }

        /// The rules beyond 62 needs.
        var list: ListRules { ListRules(offers: offers, accepting: accepting, k: k) }
    }

    /// What the searches ask of a profile's rules; specialised for each kind, so that the
    /// inner loops call no function.
    protocol NeedRules {
        /// `v` accepts the profile.
        func accepts(_ v: Int) -> Bool
        /// `v` offers need `j`.
        func offers(_ v: Int, need j: Int) -> Bool
        /// The needs met after arriving at `v` with `j` met: every next need it offers.
        func closure(_ v: Int, _ j: Int) -> Int
        /// The rules of the profile's first `k` needs alone.
        func first(_ k: Int) -> Self
    }

    /// Up to 62 needs: a word a service, read in place.
    struct MaskRules: NeedRules {
        let masks: UnsafeBufferPointer<UInt64>
        let k: Int

        @inline(__always) func accepts(_ v: Int) -> Bool { masks[v] & Rules.refuses == 0 }
        @inline(__always) func offers(_ v: Int, need j: Int) -> Bool { masks[v] & (1 << UInt64(j)) != 0 }
        @inline(__always) func closure(_ v: Int, _ j: Int) -> Int {
            min(k, j + (~(masks[v] >> UInt64(j))).trailingZeroBitCount)
        }
        func first(_ k: Int) -> MaskRules { MaskRules(masks: masks, k: k) }
    }

    /// More than 62 needs: a list a need.
    struct ListRules: NeedRules {
        let offers: [[Bool]]
        let accepting: [Bool]
        let k: Int

        func accepts(_ v: Int) -> Bool { accepting[v] }
        func offers(_ v: Int, need j: Int) -> Bool { offers[j][v] }
        func closure(_ v: Int, _ j: Int) -> Int {
            var j = j
            while j < k && offers[j][v] { j += 1 }
            return j
        }
        func first(_ k: Int) -> ListRules { ListRules(offers: Array(offers.prefix(k)), accepting: accepting, k: k) }
    }

    /// What the breadth-first search found: the state with every need met (-1 if none) and
    /// the walk to it.
    struct Found {
        var final = -1
        var path: [Int] = []
    }

    /// The breadth-first search from `starts` for the fewest referrals, keeping each state's
    /// predecessor, with state numbers stored as `P`; it gives up after visiting `budget`
    /// states, when one is given.
    static func fewestReferrals<P: FixedWidthInteger, R: NeedRules>(
        _ graph: ServiceGraph, rules: R, starts: [Int], width: Int, budget: Int?, _: P.Type
    ) -> Found {
        let k = width - 1
        let states = graph.count * width
        let unvisited = P(-2)
        var parent = [P](repeating: unvisited, count: states)
        // Each state is queued once at most: room for all, touched only as far as it is used.
        let capacity = max(starts.count, budget.map { min(states, $0) } ?? states)
        let queue = UnsafeMutableBufferPointer<P>.allocate(capacity: capacity)
        defer { queue.deallocate() }
        var tail = 0
        var found = Found()
        for state in starts {
            parent[state] = -1
            queue[tail] = P(state)
            tail += 1
            if state % width == k && found.final < 0 { found.final = state }
        }
        graph.offsets.withUnsafeBufferPointer { offsets in
            graph.targets.withUnsafeBufferPointer { targets in
                parent.withUnsafeMutableBufferPointer { parent in
                    var head = 0
                    search: while found.final < 0 && head < tail {
                        let state = Int(queue[head])
                        head += 1
                        let v = state / width
                        let j = state - v * width
                        let (low, high) = (offsets[v], offsets[v + 1])
                        // Out of budget, with this state's arcs still to come.
                        if let budget, tail + (high - low) > min(budget, capacity) { break search }
                        for arc in low..<high {
                            let w = Int(targets[arc])
                            guard rules.accepts(w) else { continue }
                            let jw = rules.closure(w, j)
                            let next = w * width + jw
                            guard parent[next] == unvisited else { continue }
                            parent[next] = P(state)
                            queue[tail] = P(next)
                            tail += 1
                            if jw == k {
                                found.final = next
                                break search
                            }
                        }
                    }
                }
            }
        }
        guard found.final >= 0 else { return found }
        var path: [Int] = []
        var state = found.final
        while state >= 0 {
            path.append(state)
            state = Int(parent[state])
        }
        found.path = path.reversed()
        return found
    }

    /// The ids of the first ``ProfileJourney/furthestShown`` of `vertices` (distinct) in id
    /// order, without sorting them all: a network of millions can have as many.
    static func firstByID(_ vertices: [Int], _ ids: IDTable) -> [String] {
        let limit = ProfileJourney.furthestShown
        var kept: [String] = []
        for v in vertices {
            let id = ids[v]
            if kept.count == limit, let last = kept.last, !(id < last) { continue }
            let at = kept.firstIndex { id < $0 } ?? kept.count
            kept.insert(id, at: at)
            if kept.count > limit { kept.removeLast() }
        }
        return kept
    }

    /// A walk of states as steps, with the needs met at each.
    static func steps(_ path: [Int], width: Int, graph: ServiceGraph, needs: [String]) -> [ProfileJourney.Step] {
        var met = 0
        return path.map { state in
            let j = state % width
            defer { met = j }
            return ProfileJourney.Step(service: graph.ids[state / width], meets: Array(needs[met..<j]))
        }
    }

    /// The 0-1 breadth-first search: the fewest boundary-crossing routes to a state with every
    /// need met, reached from `starts`. States of cost d are taken in turn, those reached at
    /// no cost appended to the same round, those across a boundary kept for the next.
    static func fewestBoundaries<R: NeedRules>(_ graph: ServiceGraph, starts: [Int], width: Int, rules: R) -> Int? {
        let k = width - 1
        var cost = [Int32](repeating: .max, count: graph.count * width)
        var round = starts
        for state in starts { cost[state] = 0 }
        var later: [Int] = []
        var d: Int32 = 0
        while !round.isEmpty {
            var i = 0
            while i < round.count {
                let state = round[i]
                i += 1
                guard cost[state] == d else { continue }
                if state % width == k { return Int(d) }
                let v = state / width
                let j = state % width
                let organisation = graph.organisation[v]
                for arc in graph.offsets[v]..<graph.offsets[v + 1] {
                    let w = Int(graph.targets[arc])
                    guard rules.accepts(w) else { continue }
                    let next = w * width + rules.closure(w, j)
                    let crosses = graph.organisation[w] != organisation
                    let c = crosses ? d + 1 : d
                    guard c < cost[next] else { continue }
                    cost[next] = c
                    if crosses { later.append(next) } else { round.append(next) }
                }
            }
            round = later
            later = []
            d += 1
        }
        return nil
    }
}

/// The strongly connected components of a referral graph, and the arcs between them: what
/// ``Journeys`` reads to tell whether a profile can meet its needs at all.
public struct Condensation: Sendable {
    /// Each service's component.
    public let component: [Int32]
    public let count: Int
    /// The arcs leaving component `x` go to `targets[offsets[x]..<offsets[x + 1]]`.
    let offsets: [Int]
    let targets: [Int32]

    public init(_ graph: ServiceGraph) {
        let (component, count) = graph.stronglyConnectedComponents()
        self.component = component
        self.count = count
        var degree = [Int](repeating: 0, count: count + 1)
        for v in 0..<graph.count {
            for arc in graph.offsets[v]..<graph.offsets[v + 1] where component[Int(graph.targets[arc])] != component[v]
            {
                degree[Int(component[v]) + 1] += 1
            }
        }
        for x in 0..<count { degree[x + 1] += degree[x] }
        var targets = [Int32](repeating: 0, count: degree[count])
        var next = degree
        for v in 0..<graph.count {
            let x = Int(component[v])
            for arc in graph.offsets[v]..<graph.offsets[v + 1] {
                let y = component[Int(graph.targets[arc])]
                guard y != component[v] else { continue }
                targets[next[x]] = y
                next[x] += 1
            }
        }
        offsets = degree
        self.targets = targets
    }
}
