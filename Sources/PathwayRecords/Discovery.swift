import Foundation
import PathwayCore

/// The observed pathway of a records file: `pathway discover` (`shared/pathway-format.md`
/// section 5). Every figure is exact; ``Disclosure`` decides how each is published.
public struct Discovery: Sendable {
    public struct ServiceCount: Sendable, Equatable {
        public var id: String
        /// The service's index among the log's services.
        public var index: Int32
        public var events = 0
        public var patients = 0
        public var starts = 0
        public var ends = 0
    }

    public struct RouteStats: Sendable, Equatable {
        public var from: String
        public var to: String
        public var fromIndex: Int32
        public var toIndex: Int32
        public var transitions = 0
        public var patients = 0
        /// Over the transitions with a wait, in seconds; nil when none has one.
        public var meanSeconds: Double?
        public var medianSeconds: Double?
        public var p90Seconds: Double?
    }

    public struct Variant: Sendable, Equatable {
        public var path: [String]
        public var patients: Int
    }

    /// A mean and median over patients.
    public struct Summary: Sendable, Equatable {
        public var mean: Double?
        public var median: Double?
    }

    public struct Continuity: Sendable, Equatable {
        /// Patients with at least two events.
        public var patients = 0
        public var upc = Summary()
        public var coc = Summary()
        public var secon = Summary()
        public var boundaryCrossings = Summary()
        public var maximumCrossings: Int?
        /// How many patients crossed a boundary k times, for k = 0, 1, …
        public var crossingsHistogram: [Int] = []
        /// Providers are organisations (the file has the column), else services.
        public var overOrganisations = false
    }

    public var file: String
    public var shape: RecordShape
    public var events: Int
    public var patients: Int
    public var from: Int64
    public var to: Int64
    /// Sorted by id (as UTF-8 bytes).
    public var services: [ServiceCount]
    /// Sorted by (from, to).
    public var routes: [RouteStats]
    /// Every distinct path, most patients first.
    public var variants: [Variant]
    public var continuity: Continuity

    /// The period in days, fractional, at least 1: what volumes are annualised over.
    public var days: Double {
        max(1, Double(to - from) / Double(RecordTime.nanosecondsPerDay))
    }

    /// A count over the period as a count per year, rounded to the nearest whole number
    /// (halves away from zero).
    public func annualised(_ count: Int) -> Int {
        Int((Double(count) * 365.25 / days).rounded(.toNearestOrAwayFromZero))
    }

    public init(_ log: RecordLog, journeys: PatientJourneys? = nil) {
        let journeys = journeys ?? PatientJourneys(log)
        file = log.file
        shape = log.shape
        events = log.count
        patients = log.patientNames.count
        from = log.time.min() ?? 0
        to = log.time.max() ?? 0
        let serviceCount = log.serviceNames.count
        var counts = (0..<serviceCount).map { ServiceCount(id: log.serviceNames[$0], index: Int32($0)) }
        var lastPatient = [Int32](repeating: -1, count: serviceCount)
        var routeIndex: [UInt64: Int] = [:]
        var routeList: [RouteStats] = []
        var routeLastPatient: [Int32] = []
        var waits: [[Int64]] = []
        var variantCounts: [[Int32]: Int] = [:]
        var upc: [Double] = []
        var coc: [Double] = []
        var secon: [Double] = []
        var crossings: [Int] = []
        var path: [Int32] = []
        var providerCounts: [Int32: Int] = [:]
        let providers = log.organisation.isEmpty ? log.service : log.organisation
        for p in 0..<journeys.patients {
            let rows = journeys.rows(p)
            let (start, end) = log.startAndEnd(journeys, patient: p)
            counts[Int(start)].starts += 1
            counts[Int(end)].ends += 1
            for row in rows {
                let s = Int(log.service[Int(row)])
                counts[s].events += 1
                if lastPatient[s] != Int32(p) {
                    lastPatient[s] = Int32(p)
                    counts[s].patients += 1
                }
            }
            path.removeAll(keepingCapacity: true)
            if log.shape == .referrals { path.append(log.from[Int(rows.first!)]) }
            for row in rows { path.append(log.service[Int(row)]) }
            variantCounts[path, default: 0] += 1
            log.forEachStep(journeys, patient: p) { step in
                let key = UInt64(UInt32(step.from)) << 32 | UInt64(UInt32(step.to))
                let k: Int
                if let found = routeIndex[key] {
                    k = found
                } else {
                    k = routeList.count
                    routeIndex[key] = k
                    routeList.append(
                        RouteStats(
                            from: log.serviceNames[Int(step.from)], to: log.serviceNames[Int(step.to)],
                            fromIndex: step.from, toIndex: step.to))
                    routeLastPatient.append(-1)
                    waits.append([])
                }
                routeList[k].transitions += 1
                if routeLastPatient[k] != Int32(p) {
                    routeLastPatient[k] = Int32(p)
                    routeList[k].patients += 1
                }
                if let wait = step.wait { waits[k].append(wait) }
            }
            // Continuity over the providers seen, for patients with two events or more.
            let n = rows.count
            if n >= 2 {
                providerCounts.removeAll(keepingCapacity: true)
                var same = 0
                var previous: Int32 = -1
                for row in rows {
                    let provider = providers[Int(row)]
                    providerCounts[provider, default: 0] += 1
                    if provider == previous { same += 1 }
                    previous = provider
                }
                let largest = providerCounts.values.max()!
                let squares = providerCounts.values.reduce(0) { $0 + $1 * $1 }
                upc.append(Double(largest) / Double(n))
                coc.append(Double(squares - n) / Double(n * (n - 1)))
                secon.append(Double(same) / Double(n - 1))
                crossings.append(n - 1 - same)
            }
        }
        for k in routeList.indices where !waits[k].isEmpty {
            waits[k].sort()
            let seconds = waits[k].map { Double($0) / Double(RecordTime.nanosecondsPerSecond) }
            routeList[k].meanSeconds = Statistics.mean(seconds)
            routeList[k].medianSeconds = Statistics.median(sorted: seconds)
            routeList[k].p90Seconds = Statistics.percentile(sorted: seconds, 0.9)
        }
        let names = log.serviceNames
        // Each service's place in byte order, so that sorting compares integers, not names.
        var rank = [Int32](repeating: 0, count: names.count)
        for (place, k) in names.indices.sorted(by: { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) })
            .enumerated()
        {
            rank[k] = Int32(place)
        }
        func less(_ a: Int32, _ b: Int32) -> Bool { rank[Int(a)] < rank[Int(b)] }
        services = counts.sorted { less($0.index, $1.index) }
        routes = routeList.sorted {
            $0.fromIndex != $1.fromIndex ? less($0.fromIndex, $1.fromIndex) : less($0.toIndex, $1.toIndex)
        }
        let ordered = variantCounts.sorted { a, b in
            if a.value != b.value { return a.value > b.value }
            for (x, y) in zip(a.key, b.key) where x != y { return less(x, y) }
            return a.key.count < b.key.count
        }
        variants = ordered.map { Variant(path: $0.key.map { names[Int($0)] }, patients: $0.value) }
        var continuity = Continuity()
        continuity.overOrganisations = !log.organisation.isEmpty
        continuity.patients = upc.count
        if !upc.isEmpty {
            continuity.upc = Statistics.summary(upc)
            continuity.coc = Statistics.summary(coc)
            continuity.secon = Statistics.summary(secon)
            continuity.boundaryCrossings = Statistics.summary(crossings.map(Double.init))
            let most = crossings.max()!
            continuity.maximumCrossings = most
            var histogram = [Int](repeating: 0, count: most + 1)
            for c in crossings { histogram[c] += 1 }
            continuity.crossingsHistogram = histogram
        }
        self.continuity = continuity
    }
}

/// numpy's mean, median and percentile (the default, linear interpolation), so that figures
/// agree with an analyst's to the last bit.
public enum Statistics {
    /// Pairwise summation, as numpy sums.
    public static func mean(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.withUnsafeBufferPointer { pairwiseSum($0) } / Double(values.count)
    }

    static func pairwiseSum(_ x: UnsafeBufferPointer<Double>) -> Double {
        let n = x.count
        if n < 8 {
            var s = 0.0
            for v in x { s += v }
            return s
        }
        if n <= 128 {
            var r = [Double](repeating: 0, count: 8)
            for k in 0..<8 { r[k] = x[k] }
            var i = 8
            while i < n - n % 8 {
                for k in 0..<8 { r[k] += x[i + k] }
                i += 8
            }
            var s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                s += x[i]
                i += 1
            }
            return s
        }
        var half = n / 2
        half -= half % 8
        return pairwiseSum(UnsafeBufferPointer(rebasing: x[0..<half]))
            + pairwiseSum(UnsafeBufferPointer(rebasing: x[half..<n]))
    }

    public static func median(sorted x: [Double]) -> Double? {
        guard !x.isEmpty else { return nil }
        let n = x.count
        if n % 2 == 1 { return x[n / 2] }
        return (x[n / 2 - 1] + x[n / 2]) / 2
    }

    /// numpy's `percentile(x, 100 q)` with the default linear method.
    public static func percentile(sorted x: [Double], _ q: Double) -> Double? {
        guard !x.isEmpty else { return nil }
        let index = Double(x.count - 1) * q
        let lower = index.rounded(.down)
        let t = index - lower
        let a = x[Int(lower)]
        let b = x[min(Int(lower) + 1, x.count - 1)]
        let difference = b - a
        return t >= 0.5 ? b - difference * (1 - t) : a + difference * t
    }

    /// The mean is summed in sorted order, so that the same patients give the same bits
    /// whatever order the file lists them in.
    static func summary(_ values: [Double]) -> Discovery.Summary {
        let sorted = values.sorted()
        return Discovery.Summary(mean: mean(sorted), median: median(sorted: sorted))
    }
}
