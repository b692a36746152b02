import PathwayCore
import PathwayReports

/// Referral records held against a designed pathway: `pathway conform`
/// (`shared/pathway-format.md` section 5).
public struct Conformance: Sendable {
    public struct Pair: Sendable, Hashable {
        public var from: String
        public var to: String
    }

    public struct ObservedPair: Sendable, Equatable {
        public var from: String
        public var to: String
        public var transitions: Int
        public var patients: Int
    }

    public struct IDCount: Sendable, Equatable {
        public var id: String
        public var count: Int
    }

    public struct Volume: Sendable, Equatable {
        public var from: String
        public var to: String
        public var purpose: String?
        public var designed: Int
        /// Annualised transitions, and the transitions behind them.
        public var observed: Int
        public var transitions: Int
    }

    public struct Capacity: Sendable, Equatable {
        public var id: String
        public var inbound: Int
        public var transitions: Int
        public var capacity: Int
    }

    public var fitness: Double
    public var coverage: Double
    public var patientsOnDesign: Double
    public var transitions: Int
    public var designedTransitions: Int
    public var patients: Int
    public var patientsOnDesignCount: Int
    public var dormantRoutes: [Pair]
    public var undesignedRoutes: [ObservedPair]
    /// Events of each record service that matches no design service.
    public var unknownServices: [IDCount]
    /// Patients whose journey starts at each service that is not a design entry.
    public var unexpectedStarts: [IDCount]
    public var volumes: [Volume]
    public var overCapacity: [Capacity]
    /// Every observed pair, design ids where matched, with its counts: what a diagram draws.
    public var observedPairs: [Pair: ObservedPair]
    /// Record service → design service id, where one matches.
    public var matches: [String: String]

    public init(design: Pathway, log: RecordLog, discovery: Discovery, journeys: PatientJourneys) {
        // A record's service matches a design service by id, else by exact name (the first).
        let matched = ServiceMatch.match(log.serviceNames, design: design)
        var matches: [String: String] = [:]
        for (k, name) in log.serviceNames.enumerated() { if let id = matched[k] { matches[name] = id } }
        self.matches = matches
        let mapped: [String] = log.serviceNames.indices.map { matched[$0] ?? log.serviceNames[$0] }
        let known = Set(design.services.map(\.id))
        let entries = Set(design.services.filter(\.entry).map(\.id))
        var designed: [Pair] = []
        var designedSet: Set<Pair> = []
        for route in design.routes where known.contains(route.from) && known.contains(route.to) {
            let pair = Pair(from: route.from, to: route.to)
            if designedSet.insert(pair).inserted { designed.append(pair) }
        }
        // Observed pairs in design ids (two record names may meet in one design service).
        var observed: [Pair: ObservedPair] = [:]
        var lastPatient: [Pair: Int] = [:]
        var inbound: [String: Int] = [:]
        var total = 0
        var onDesign = 0
        var onDesignPatients = 0
        var startCounts: [String: Int] = [:]
        for p in 0..<journeys.patients {
            let (start, _) = journeys.startAndEnd(patient: p)
            let startID = mapped[Int(start)]
            var follows = matched[Int(start)] != nil && entries.contains(startID)
            if !follows { startCounts[startID, default: 0] += 1 }
            journeys.forEachStep(patient: p) { from, to, _ in
                let pair = Pair(from: mapped[Int(from)], to: mapped[Int(to)])
                total += 1
                let isDesigned = matched[Int(from)] != nil && matched[Int(to)] != nil && designedSet.contains(pair)
                if isDesigned { onDesign += 1 } else { follows = false }
                if matched[Int(to)] != nil { inbound[pair.to, default: 0] += 1 }
                var entry = observed[pair] ?? ObservedPair(from: pair.from, to: pair.to, transitions: 0, patients: 0)
                entry.transitions += 1
                if lastPatient[pair] != p {
                    lastPatient[pair] = p
                    entry.patients += 1
                }
                observed[pair] = entry
            }
            if follows { onDesignPatients += 1 }
        }
        observedPairs = observed
        transitions = total
        designedTransitions = onDesign
        patients = journeys.patients
        patientsOnDesignCount = onDesignPatients
        fitness = total == 0 ? 1 : Double(onDesign) / Double(total)
        let seen = designed.filter { observed[$0] != nil }.count
        coverage = designed.isEmpty ? 1 : Double(seen) / Double(designed.count)
        patientsOnDesign = journeys.patients == 0 ? 1 : Double(onDesignPatients) / Double(journeys.patients)
        func byBytes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
        func pairLess(_ a: Pair, _ b: Pair) -> Bool {
            a.from != b.from ? byBytes(a.from, b.from) : byBytes(a.to, b.to)
        }
        dormantRoutes = designed.filter { observed[$0] == nil }.sorted(by: pairLess)
        undesignedRoutes = observed.filter { !designedSet.contains($0.key) }.map(\.value).sorted { a, b in
            if a.transitions != b.transitions { return a.transitions > b.transitions }
            return pairLess(Pair(from: a.from, to: a.to), Pair(from: b.from, to: b.to))
        }
        unknownServices = discovery.services.filter { matched[Int($0.index)] == nil }
            .map { IDCount(id: $0.id, count: $0.events) }
        unexpectedStarts = startCounts.map { IDCount(id: $0.key, count: $0.value) }.sorted { byBytes($0.id, $1.id) }
        volumes = design.routes.compactMap { route in
            guard let volume = route.volume, known.contains(route.from), known.contains(route.to) else { return nil }
            let count = observed[Pair(from: route.from, to: route.to)]?.transitions ?? 0
            return Volume(
                from: route.from, to: route.to, purpose: route.purpose, designed: volume,
                observed: discovery.annualised(count), transitions: count)
        }
        overCapacity = design.services.compactMap { service in
            guard let capacity = service.capacity else { return nil }
            let count = inbound[service.id] ?? 0
            let annual = discovery.annualised(count)
            return annual > capacity
                ? Capacity(id: service.id, inbound: annual, transitions: count, capacity: capacity) : nil
        }.sorted { byBytes($0.id, $1.id) }
    }
}

extension Conformance {
    /// What the conformance diagram draws, every volume a year as `disclosure` publishes it.
    public func drawing(discovery: Discovery, disclosure: Disclosure = .exact) -> ConformanceView.Observed {
        func route(_ pair: ObservedPair) -> ConformanceView.Observed.Route {
            switch disclosure.derived(discovery.annualised(pair.transitions), basis: pair.transitions) {
            case .value(let volume): return .init(from: pair.from, to: pair.to, volume: volume)
            case .below: return .init(from: pair.from, to: pair.to, volume: nil)
            }
        }
        let undesigned = Set(undesignedRoutes.map { Pair(from: $0.from, to: $0.to) })
        let designed = observedPairs.values.filter { !undesigned.contains(Pair(from: $0.from, to: $0.to)) }
            .sorted { ($0.from, $0.to) < ($1.from, $1.to) }.map { route($0) }
        let period = RecordTime.format(discovery.from).prefix(10) + " to " + RecordTime.format(discovery.to).prefix(10)
        return ConformanceView.Observed(
            designed: designed, undesigned: undesignedRoutes.map { route($0) },
            unknownServices: unknownServices.map(\.id),
            subtitle: "Designed and observed: referral records, \(period); volumes are referrals a year",
            hiddenText: disclosure.suppressBelow.map { "<\($0)/yr" } ?? "not published",
            zeroText: disclosure.suppressBelow.map { "<\($0)/yr" })
    }
}
