import Testing

@testable import PathwayCore

/// Every algorithm against a brute-force reading of its definition, on every digraph with up
/// to 3 services (all arc sets, self-routes included, all entry sets), every 4-service digraph
/// with one entry, and random ones up to 12 services with parallel routes.
@Suite struct AlgorithmTests {
    struct Case {
        var n: Int
        var arcs: [(Int, Int)]
        var entries: Set<Int>
        var organisation: [Int]
        var offers: Set<Int>  // providers of one function word

        var pathway: Pathway {
            Pathway(
                title: "t",
                organisations: [Organisation(id: "o0", sector: .acute), Organisation(id: "o1", sector: .other)],
                services: (0..<n).map {
                    Service(
                        id: "s\($0)", organisation: "o\(organisation[$0])", entry: entries.contains($0),
                        functions: offers.contains($0) ? ["f"] : [])
                },
                routes: arcs.map { Route(from: "s\($0.0)", to: "s\($0.1)") })
        }
    }

    static func allCases() -> [Case] {
        var cases: [Case] = []
        for n in 1...3 {
            let pairs = (0..<n).flatMap { a in (0..<n).map { (a, $0) } }
            for mask in 0..<(1 << pairs.count) {
                let arcs = pairs.indices.filter { mask & (1 << $0) != 0 }.map { pairs[$0] }
                for entryMask in 0..<(1 << n) {
                    let entries = Set((0..<n).filter { entryMask & (1 << $0) != 0 })
                    cases.append(
                        Case(
                            n: n, arcs: arcs, entries: entries, organisation: (0..<n).map { $0 % 2 },
                            offers: Set((0..<n).filter { (mask >> $0) & 1 == 1 })))
                }
            }
        }
        let pairs4 = (0..<4).flatMap { a in (0..<4).map { (a, $0) } }
        for mask in 0..<(1 << 16) {
            let arcs = pairs4.indices.filter { mask & (1 << $0) != 0 }.map { pairs4[$0] }
            cases.append(
                Case(n: 4, arcs: arcs, entries: [0], organisation: [0, 1, 1, 0], offers: [mask % 4, 3]))
        }
        var rng = SplitMix64(seed: 2024)
        for _ in 0..<400 {
            let n = Int(rng.next() % 12) + 1
            let m = Int(rng.next() % UInt64(3 * n + 1))
            let arcs = (0..<m).map { _ in (Int(rng.next() % UInt64(n)), Int(rng.next() % UInt64(n))) }
            let entries = Set((0..<Int(rng.next() % 3)).map { _ in Int(rng.next() % UInt64(n)) })
            cases.append(
                Case(
                    n: n, arcs: arcs, entries: entries, organisation: (0..<n).map { _ in Int(rng.next() % 2) },
                    offers: Set((0..<n).filter { _ in rng.next() % 3 == 0 })))
        }
        return cases
    }

    /// Reachability by transitive closure (Warshall), reflexive.
    static func closure(_ c: Case, without removed: Int? = nil) -> [[Bool]] {
        var r = [[Bool]](repeating: [Bool](repeating: false, count: c.n), count: c.n)
        for v in 0..<c.n where v != removed { r[v][v] = true }
        for (a, b) in c.arcs where a != removed && b != removed { r[a][b] = true }
        for k in 0..<c.n { for i in 0..<c.n where r[i][k] { for j in 0..<c.n where r[k][j] { r[i][j] = true } } }
        return r
    }

    static func reachedFromEntries(_ c: Case, without removed: Int? = nil) -> [Bool] {
        let r = closure(c, without: removed)
        return (0..<c.n).map { v in c.entries.contains { $0 != removed && r[$0][v] } }
    }

    /// Fewest arcs (or fewest crossing arcs) from any entry, by Floyd–Warshall.
    static func distances(_ c: Case, crossingOnly: Bool) -> [Int?] {
        let inf = Int.max / 4
        var d = [[Int]](repeating: [Int](repeating: inf, count: c.n), count: c.n)
        for v in 0..<c.n { d[v][v] = 0 }
        for (a, b) in c.arcs {
            let w = crossingOnly ? (c.organisation[a] != c.organisation[b] ? 1 : 0) : 1
            d[a][b] = min(d[a][b], a == b ? 0 : w)
        }
        for k in 0..<c.n {
            for i in 0..<c.n { for j in 0..<c.n where d[i][k] + d[k][j] < d[i][j] { d[i][j] = d[i][k] + d[k][j] } }
        }
        return (0..<c.n).map { v in
            let best = c.entries.map { d[$0][v] }.min() ?? inf
            return best >= inf ? nil : best
        }
    }

    /// Providers first reachable: some simple path from an entry whose earlier services
    /// do not offer the function, found by enumerating simple paths.
    static func pointsOfEntry(_ c: Case) -> Set<Int> {
        var result = Set<Int>()
        var stack: [[Int]] = c.entries.map { [$0] }
        while let path = stack.popLast() {
            let v = path.last!
            if c.offers.contains(v) {
                result.insert(v)
                continue
            }
            for (a, b) in c.arcs where a == v && !path.contains(b) { stack.append(path + [b]) }
        }
        return result
    }

    /// Fewest arcs from an entry to `target` along which no earlier service offers the function.
    static func shortestFirstPath(_ c: Case, to target: Int) -> Int {
        var best = Int.max
        var stack: [[Int]] = c.entries.map { [$0] }
        while let path = stack.popLast() {
            let v = path.last!
            if v == target { best = min(best, path.count - 1) }
            if c.offers.contains(v) { continue }
            for (a, b) in c.arcs where a == v && !path.contains(b) { stack.append(path + [b]) }
        }
        return best
    }

    @Test func everyAlgorithmMatchesItsDefinition() {
        var checked = 0
        for c in Self.allCases() {
            let graph = ServiceGraph(c.pathway)
            let reached = Self.reachedFromEntries(c)
            #expect(graph.reachable(from: graph.entries) == reached, "reachability \(c.arcs) \(c.entries)")

            // Same component exactly when mutually reachable.
            let r = Self.closure(c)
            let (component, count) = graph.stronglyConnectedComponents()
            #expect(Set(component).count == count)
            for a in 0..<c.n {
                for b in 0..<c.n where (component[a] == component[b]) != (r[a][b] && r[b][a]) {
                    Issue.record("SCC \(a),\(b) in \(c.arcs)")
                }
            }

            // d dominates v (v reached, v ≠ d) exactly when removing d cuts v off.
            let tree = DominatorTree(graph)
            for d in 0..<c.n {
                let without = Self.reachedFromEntries(c, without: d)
                let expected = (0..<c.n).filter { $0 != d && reached[$0] && !without[$0] }
                #expect(tree.dominatedCount[d] == expected.count, "dominators of \(d) in \(c.arcs) from \(c.entries)")
                for v in 0..<c.n where v != d {
                    #expect(tree.dominates(d, v) == expected.contains(v))
                }
            }

            let hops = graph.referralsFromEntries().distance.map { $0 < 0 ? nil : Int($0) }
            #expect(hops == Self.distances(c, crossingOnly: false), "hops \(c.arcs)")
            let crossings = graph.boundariesFromEntries().map { $0 < 0 ? nil : Int($0) }
            #expect(crossings == Self.distances(c, crossingOnly: true), "boundaries \(c.arcs)")

            let metrics = PathwayMetrics(c.pathway, graph: graph, betweenness: false)
            let poe = Set(Self.pointsOfEntry(c).map { "s\($0)" })
            #expect(Set(metrics.functions["f"]?.pointsOfEntry ?? []) == poe, "points of entry \(c.arcs)")
            // entry-points: each door's path is a real path from an entry, passing no earlier
            // provider, and as short as any such path; each bottleneck, removed, cuts every
            // provider off; and every service that does so is listed.
            let providers = (0..<c.n).filter { c.offers.contains($0) }
            let entry = graph.entry(function: "f", providers: providers, dominators: tree)
            #expect(Set(entry.doors.map(\.id)) == poe)
            for door in entry.doors {
                let path = door.path.map { Int($0.dropFirst())! }
                #expect(c.entries.contains(path[0]) && path.last == Int(door.id.dropFirst())!)
                #expect(zip(path, path.dropFirst()).allSatisfy { step in c.arcs.contains { $0 == step } })
                #expect(path.dropLast().allSatisfy { !c.offers.contains($0) })
                #expect(path.count - 1 == Self.shortestFirstPath(c, to: path.last!))
            }
            let reachedProviders = providers.filter { reached[$0] }
            let cutting = (0..<c.n).filter { x in
                !reachedProviders.isEmpty
                    && reachedProviders.allSatisfy { $0 == x || !Self.reachedFromEntries(c, without: x)[$0] }
            }
            #expect(
                Set(entry.bottlenecks) == Set(cutting.map { "s\($0)" }),
                "bottlenecks \(c.arcs) \(c.entries) \(c.offers)")
            checked += 1
        }
        #expect(checked > 65_000)
    }

    @Test func deepChainsDoNotRecurse() {
        // 200,000 services in one chain and one loop back: recursion would overflow the stack.
        let n = 200_000
        var services = (0..<n).map { Service(id: "s\($0)", organisation: "o") }
        services[0].entry = true
        let routes = (0..<n).map { Route(from: "s\($0)", to: "s\(($0 + 1) % n)") }
        let p = Pathway(
            title: "chain", organisations: [Organisation(id: "o", sector: .other)], services: services, routes: routes)
        let graph = ServiceGraph(p)
        #expect(graph.stronglyConnectedComponents().count == 1)
        let tree = DominatorTree(graph)
        #expect(tree.dominatedCount[1] == n - 2)
        #expect(graph.referralsFromEntries().distance[n - 1] == Int32(n - 1))
    }
}
