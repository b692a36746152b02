import PathwayCore

/// The routes the journeys take, numbered as first met, and each route's transitions, patients
/// and waits: the figures of `shared/pathway-format.md` section 5's `routes`, kept in flat
/// arrays a route, so that a walk of 10^7 transitions reads and writes a few words each.
struct RouteTally {
    let services: Int
    /// A route's number by pair, `from * services + to`, -1 before it is met: a table of every
    /// pair when there are few services (no hashing on the way), else a dictionary.
    private let dense: Bool
    private var table: [Int32]
    private var index: [UInt64: Int32] = [:]
    /// Each route's ends, by number.
    private(set) var from: [Int32] = []
    private(set) var to: [Int32] = []
    /// Each route's figures, by number, side by side: one cache line a transition.
    private(set) var figures: [Figures] = []

    struct Figures {
        var transitions = 0
        var patients = 0
        var waits = 0
        /// The last patient counted.
        var lastPatient: Int32 = -1
    }

    var count: Int { from.count }

    init(services: Int) {
        self.services = services
        dense = services * services <= 1 << 22
        table = [Int32](repeating: -1, count: dense ? services * services : 0)
    }

    /// The number of the route `a → b`, -1 if it has not been met.
    @inline(__always)
    func number(_ a: Int32, _ b: Int32) -> Int {
        dense ? Int(table[Int(a) * services + Int(b)]) : Int(index[UInt64(UInt32(a)) << 32 | UInt64(UInt32(b))] ?? -1)
    }

    /// Counts a transition `a → b` of patient `p`, with a wait or not.
    @inline(__always)
    mutating func count(_ a: Int32, _ b: Int32, patient p: Int32, wait: Bool) {
        var r = number(a, b)
        if r < 0 { r = add(a, b) }
        figures.withUnsafeMutableBufferPointer { figures in
            figures[r].transitions += 1
            if figures[r].lastPatient != p {
                figures[r].lastPatient = p
                figures[r].patients += 1
            }
            if wait { figures[r].waits += 1 }
        }
    }

    private mutating func add(_ a: Int32, _ b: Int32) -> Int {
        let r = from.count
        if dense {
            table[Int(a) * services + Int(b)] = Int32(r)
        } else {
            index[UInt64(UInt32(a)) << 32 | UInt64(UInt32(b))] = Int32(r)
        }
        from.append(a)
        to.append(b)
        figures.append(Figures())
        return r
    }
}

extension Discovery {
    /// The routes of the journeys with their figures: transitions and patients in one walk,
    /// then the waits put in one run a route by a second walk and each run sorted for the
    /// mean, median and 90th percentile.
    ///
    /// The second walk writes each wait to the next place of its route's group (256 routes),
    /// with the route's place in the group beside it; each group is then put in route order
    /// in place (a permutation by cycles over its 256 runs), and its runs sorted while still
    /// in the cache. Writing each wait straight to its route's run (40,000 runs at 10^7 rows,
    /// far more cache lines than the cache holds) missed the cache on every wait.
    static func routes(_ journeys: PatientJourneys, names: [String]) -> [RouteStats] {
        var tally = RouteTally(services: names.count)
        for p in 0..<journeys.patients {
            let lo = journeys.starts[p]
            journeys.forEachStep(patient: p) { a, b, k in tally.count(a, b, patient: Int32(p), wait: k > lo) }
        }
        let routes = tally.count
        var waitStart = [Int](repeating: 0, count: routes + 1)
        for r in 0..<routes { waitStart[r + 1] = waitStart[r] + tally.figures[r].waits }
        let groups = (routes + 255) >> 8
        func group(_ g: Int) -> Range<Int> { (g << 8)..<min(routes, (g + 1) << 8) }
        var groupNext = (0..<groups).map { waitStart[$0 << 8] }
        var waits = [Int64](repeating: 0, count: waitStart[routes])
        var within = [UInt8](repeating: 0, count: waitStart[routes])
        let time = journeys.time
        waits.withUnsafeMutableBufferPointer { waits in
            within.withUnsafeMutableBufferPointer { within in
                groupNext.withUnsafeMutableBufferPointer { groupNext in
                    for p in 0..<journeys.patients {
                        let lo = journeys.starts[p]
                        journeys.forEachStep(patient: p) { a, b, k in
                            guard k > lo else { return }
                            let r = tally.number(a, b)
                            let at = groupNext[r >> 8]
                            groupNext[r >> 8] = at + 1
                            waits[at] = time[k] - time[k - 1]
                            within[at] = UInt8(truncatingIfNeeded: r)
                        }
                    }
                }
                // The groups of about half the waits on each core (the other's own work
                // is done by now, or nearly).
                var middle = 0
                while middle < groups && waitStart[min(routes, (middle + 1) << 8)] <= waitStart[routes] / 2 {
                    middle += 1
                }
                _ = Parallel.both(
                    { for g in 0..<middle { runs(group(g), waitStart, waits, within) } },
                    { for g in middle..<groups { runs(group(g), waitStart, waits, within) } })
            }
        }
        within = []
        return (0..<routes).map { r in
            var stats = RouteStats(
                from: names[Int(tally.from[r])], to: names[Int(tally.to[r])], fromIndex: tally.from[r],
                toIndex: tally.to[r])
            stats.transitions = tally.figures[r].transitions
            stats.patients = tally.figures[r].patients
            if waitStart[r] < waitStart[r + 1] {
                let seconds = waits[waitStart[r]..<waitStart[r + 1]].map {
                    Double($0) / Double(RecordTime.nanosecondsPerSecond)
                }
                stats.meanSeconds = Statistics.mean(seconds)
                stats.medianSeconds = Statistics.median(sorted: seconds)
                stats.p90Seconds = Statistics.percentile(sorted: seconds, 0.9)
            }
            return stats
        }
    }

    /// The waits of the routes in `group`, each beside its route's place in the group
    /// (`within`), put in one run a route (route `r`'s at `waitStart[r]..<waitStart[r + 1]`)
    /// by following each wait out of place to where it belongs, and each run sorted.
    private static func runs(
        _ group: Range<Int>, _ waitStart: [Int], _ waits: UnsafeMutableBufferPointer<Int64>,
        _ within: UnsafeMutableBufferPointer<UInt8>
    ) {
        let first = group.lowerBound
        var next = group.map { waitStart[$0] }
        for q in 0..<group.count {
            let end = waitStart[first + q + 1]
            while next[q] < end {
                let hole = next[q]
                var wait = waits[hole]
                var place = Int(within[hole])
                // Carry the wait to its route's next place, and the one there on, until one
                // of route q's comes back to the hole.
                while place != q {
                    let at = next[place]
                    next[place] = at + 1
                    let displaced = waits[at]
                    let displacedPlace = Int(within[at])
                    waits[at] = wait
                    wait = displaced
                    place = displacedPlace
                }
                waits[hole] = wait
                next[q] = hole + 1
            }
            var run = UnsafeMutableBufferPointer(rebasing: waits[waitStart[first + q]..<end])
            run.sort()
        }
    }
}
