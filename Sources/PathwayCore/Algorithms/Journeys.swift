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
    /// ``needsMet``) is met, sorted by id; none when not even the first can be met.
    public var furthest: [String]
    /// When not served: a shortest walk from an entry to the first of ``furthest``.
    public var partial: [Step]

    public init(
        minReferrals: Int?, minBoundaries: Int?, journey: [Step], unmet: String?, needsMet: Int,
        furthest: [String] = [], partial: [Step] = []
    ) {
        self.minReferrals = minReferrals
        self.minBoundaries = minBoundaries
        self.journey = journey
        self.unmet = unmet
        self.needsMet = needsMet
        self.furthest = furthest
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
    /// The journey of `profile` through `network`.
    public static func search(_ profile: Profile, in network: PathwayNetwork) -> ProfileJourney {
        let graph = network.graph
        let n = graph.count
        let needs = profile.needs
        let k = needs.count
        guard k > 0, n > 0 else {
            return ProfileJourney(minReferrals: nil, minBoundaries: nil, journey: [], unmet: needs.first, needsMet: 0)
        }

        // Which services accept P: those whose every eligibility word P has.
        var accepts = [Bool](repeating: true, count: n)
        let attributes = Set(profile.attributes)
        for requirement in network.eligibility where !attributes.contains(requirement.word) {
            for v in requirement.providers { accepts[Int(v)] = false }
        }
        // offers[j][v]: service v offers need j.
        let providers = Dictionary(network.functions.map { ($0.word, $0.providers) }, uniquingKeysWith: { a, _ in a })
        var offersByWord: [String: [Bool]] = [:]
        for word in Set(needs) {
            var offers = [Bool](repeating: false, count: n)
            for v in providers[word] ?? [] { offers[Int(v)] = true }
            offersByWord[word] = offers
        }
        let offers = needs.map { offersByWord[$0]! }
        let width = k + 1

        /// The needs met after arriving at `v` with `j` met.
        @inline(__always) func closure(_ v: Int, _ j: Int) -> Int {
            var j = j
            while j < k && offers[j][v] { j += 1 }
            return j
        }

        let lookup = graph.vertex
        let entries = (profile.entry?.compactMap { lookup[$0] } ?? graph.entries)
        var starts: [Int] = []
        for v in Set(entries).sorted() where accepts[v] {
            let state = v * width + closure(v, 0)
            if !starts.contains(state) { starts.append(state) }
        }

        // Breadth-first search for the fewest referrals, keeping each state's predecessor.
        let unvisited = -2
        var parent = [Int](repeating: unvisited, count: n * width)
        var queue: [Int] = []
        queue.reserveCapacity(starts.count)
        var mostMet = 0
        var final = -1
        for state in starts {
            parent[state] = -1
            queue.append(state)
            mostMet = max(mostMet, state % width)
            if state % width == k && final < 0 { final = state }
        }
        var head = 0
        search: while final < 0 && head < queue.count {
            let state = queue[head]
            head += 1
            let v = state / width
            let j = state % width
            for arc in graph.offsets[v]..<graph.offsets[v + 1] {
                let w = Int(graph.targets[arc])
                guard accepts[w] else { continue }
                let jw = closure(w, j)
                let next = w * width + jw
                guard parent[next] == unvisited else { continue }
                parent[next] = state
                queue.append(next)
                if jw > mostMet { mostMet = jw }
                if jw == k {
                    final = next
                    break search
                }
            }
        }
        guard final >= 0 else {
            // Every reachable state was visited. The furthest services are those where the
            // last need a patient can meet is met; the partial journey is a shortest walk to
            // the first of them.
            var furthest: Set<Int> = []
            var first = -1
            if mostMet > 0 {
                for state in queue where state % width == mostMet {
                    let before = parent[state]
                    guard before < 0 || before % width < mostMet else { continue }
                    furthest.insert(state / width)
                    if first < 0 { first = state }
                }
            }
            return ProfileJourney(
                minReferrals: nil, minBoundaries: nil, journey: [], unmet: needs[mostMet], needsMet: mostMet,
                furthest: furthest.map { graph.ids[$0] }.sorted(),
                partial: first < 0 ? [] : steps(to: first, parent: parent, width: width, graph: graph, needs: needs))
        }
        let journey = steps(to: final, parent: parent, width: width, graph: graph, needs: needs)
        parent = []
        return ProfileJourney(
            minReferrals: journey.count - 1,
            minBoundaries: fewestBoundaries(graph, starts: starts, width: width, accepts: accepts, closure: closure),
            journey: journey, unmet: nil, needsMet: k)
    }

    /// The walk that reached `state`, read back through `parent`, as steps with the needs met
    /// at each.
    static func steps(to state: Int, parent: [Int], width: Int, graph: ServiceGraph, needs: [String])
        -> [ProfileJourney.Step]
    {
        var path: [Int] = []
        var state = state
        while state >= 0 {
            path.append(state)
            state = parent[state]
        }
        var met = 0
        return path.reversed().map { state in
            let j = state % width
            defer { met = j }
            return ProfileJourney.Step(service: graph.ids[state / width], meets: Array(needs[met..<j]))
        }
    }

    /// The 0-1 breadth-first search: the fewest boundary-crossing routes to a state with every
    /// need met, reached from `starts`. States of cost d are taken in turn, those reached at
    /// no cost appended to the same round, those across a boundary kept for the next.
    static func fewestBoundaries(
        _ graph: ServiceGraph, starts: [Int], width: Int, accepts: [Bool], closure: (Int, Int) -> Int
    ) -> Int? {
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
                    guard accepts[w] else { continue }
                    let next = w * width + closure(w, j)
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
