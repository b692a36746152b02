import Foundation
import PathwayReports
import Testing

@testable import PathwayCore

@Suite struct DiffTests {
    static func pair(_ name: String) throws -> PathwayDiff {
        PathwayDiff(
            before: try PathwayFiles.load(Paths.fixtures + "/diff/\(name)-before.yaml"),
            after: try PathwayFiles.load(Paths.fixtures + "/diff/\(name)-after.yaml"))
    }

    static func samples(_ name: String) throws -> PathwayDiff {
        PathwayDiff(
            before: try PathwayFiles.load(Paths.sample("\(name)-before.yaml")),
            after: try PathwayFiles.load(Paths.sample("\(name)-after.yaml")))
    }

    static func metric(_ diff: PathwayDiff, _ key: String) -> (JSONValue, JSONValue)? {
        diff.metrics.first { $0.key == key }.map { ($0.before, $0.after) }
    }

    /// Every expectation below is worked by hand from the two files' comments.
    @Test func closingTwoClinicsLeavesAnOrphanedRouteAndLostReach() throws {
        let diff = try Self.pair("clinics")
        #expect(diff.addedServices == ["hub"])
        #expect(diff.removedServices == ["clinic-a", "clinic-b"])
        #expect(diff.changedServices.isEmpty)
        #expect(diff.merged == [PathwayDiff.Merge(into: "hub", from: ["clinic-a", "clinic-b"])])

        // The ward still refers to clinic-b: that route, and only it, is orphaned.
        #expect(
            diff.orphanedRoutes.map { PathwayDiff.RouteKey($0) }
                == [PathwayDiff.RouteKey(from: "ward", to: "clinic-b", purpose: "diagnosis")])
        #expect(diff.hasGaps)

        // Social care was reached only through clinic-b; the ward reached diagnosis only there.
        // Physio reaches the GP, so it lost social support too. Nobody lost diagnosis through
        // the GP (the hub offers it), and removed or new services have no rows.
        let rows = diff.lostReach.map { "\($0.service) \($0.function)" }
        #expect(rows == ["gp social-support", "physio social-support", "ward diagnosis", "ward social-support"])
        let gp = try #require(diff.lostReach.first { $0.service == "gp" })
        #expect(gp.path == ["gp", "clinic-b", "social-care"])
        #expect(gp.reason == "clinic-b was removed (merged into hub)")
        let physio = try #require(diff.lostReach.first { $0.service == "physio" })
        #expect(physio.path == ["physio", "gp", "clinic-b", "social-care"])
        let ward = try #require(diff.lostReach.first { $0.service == "ward" && $0.function == "diagnosis" })
        #expect(ward.path == ["ward", "clinic-b"])

        // Routes: the GP's informal route to the ward became formal and busier: changed.
        #expect(diff.changedRoutes.count == 1)
        let change = try #require(diff.changedRoutes.first)
        #expect(change.route == PathwayDiff.RouteKey(from: "gp", to: "ward", purpose: "treatment"))
        #expect(change.changes.map(\.field) == ["kind", "volume"])
        #expect(change.changes[1].before == .int(50) && change.changes[1].after == .int(80))
        #expect(Set(diff.addedRoutes.map { "\($0.from)>\($0.to)" }) == ["gp>hub", "hub>physio", "hub>gp"])
        #expect(
            Set(diff.removedRoutes.map { "\($0.from)>\($0.to)" })
                == ["gp>clinic-a", "gp>clinic-b", "clinic-a>physio", "clinic-b>social-care", "clinic-a>gp"])
        // Three removed routes follow their clinic into the hub; gp → clinic-b has no second
        // gp → hub to pair with, and nothing replaces clinic-b → social-care.
        #expect(
            diff.redirectedRoutes.map { "\($0.before.from)>\($0.before.to) => \($0.after.from)>\($0.after.to)" }
                == ["gp>clinic-a => gp>hub", "clinic-a>physio => hub>physio", "clinic-a>gp => hub>gp"])

        // Metrics, by hand: 6 of 8 routes crossed a boundary before, 4 of 5 after (the
        // orphaned route is not in R); diagnosis had two doors, now one; social care is no
        // longer reachable at all.
        #expect(Self.metric(diff, "services")! == (.int(6), .int(5)))
        #expect(Self.metric(diff, "routes")! == (.int(8), .int(5)))
        #expect(Self.metric(diff, "crossBoundaryRoutes")! == (.int(6), .int(4)))
        #expect(Self.metric(diff, "functions.diagnosis.pointsOfEntry.count")! == (.int(2), .int(1)))
        #expect(
            Self.metric(diff, "functions.diagnosis.pointsOfEntry")! == (
                .strings(["clinic-a", "clinic-b"]), .strings(["hub"])
            ))
        #expect(Self.metric(diff, "functions.social-support.pointsOfEntry.count")! == (.int(1), .int(0)))
        #expect(Self.metric(diff, "functions.social-support.minReferrals")! == (.int(2), .null))
        #expect(Self.metric(diff, "orphanedRoutes.count")! == (.int(0), .int(1)))
    }

    @Test func whatMustNotBeReportedIsNot() throws {
        // The same pathway against itself: nothing at all.
        let before = try PathwayFiles.load(Paths.fixtures + "/diff/clinics-before.yaml")
        let same = PathwayDiff(before: before, after: before)
        #expect(same.addedServices.isEmpty && same.removedServices.isEmpty && same.changedServices.isEmpty)
        #expect(same.addedRoutes.isEmpty && same.removedRoutes.isEmpty && same.changedRoutes.isEmpty)
        #expect(same.merged.isEmpty && same.lostReach.isEmpty && same.orphanedRoutes.isEmpty && !same.hasGaps)
        #expect(same.metrics.allSatisfy { !$0.moved })

        // The after file with the orphaned route removed and the hub referring on to social
        // care: no orphaned route, and only the ward (which now refers nowhere) loses reach.
        var after = try PathwayFiles.load(Paths.fixtures + "/diff/clinics-after.yaml")
        after.routes.removeAll { $0.to == "clinic-b" }
        after.routes.append(Route(from: "hub", to: "social-care", purpose: "social-support"))
        let fixed = PathwayDiff(before: before, after: after)
        #expect(fixed.orphanedRoutes.isEmpty)
        #expect(fixed.lostReach.map { "\($0.service) \($0.function)" } == ["ward diagnosis", "ward social-support"])
        #expect(fixed.lostReach.allSatisfy { $0.reason == "clinic-b was removed (merged into hub)" })

        // And with the ward sent to the hub instead, no gap at all.
        after.routes.append(Route(from: "ward", to: "hub", purpose: "diagnosis"))
        #expect(!PathwayDiff(before: before, after: after).hasGaps)
    }

    @Test func routesMatchOnFromToAndPurposeInFileOrder() throws {
        let before = try pathway(
            """
            pathway: b
            organisations: [{id: o, sector: other}]
            services: [{id: a, organisation: o, entry: true}, {id: b, organisation: o}]
            routes:
              - {from: a, to: b, purpose: x, volume: 1}
              - {from: a, to: b, purpose: x, volume: 2}
              - {from: a, to: b, purpose: y, note: first}
              - {from: a, to: b}
            """)
        let after = try pathway(
            """
            pathway: a
            organisations: [{id: o, sector: other}]
            services: [{id: a, organisation: o, entry: true}, {id: b, organisation: o, capacity: 5}]
            routes:
              - {from: a, to: b, purpose: x, volume: 1}
              - {from: a, to: b, purpose: y, note: second}
              - {from: a, to: b, purpose: z}
              - {from: a, to: b}
            """)
        let diff = PathwayDiff(before: before, after: after)
        // The first (a, b, x) pairs with the first; the second has no partner and is removed.
        #expect(diff.removedRoutes.map(\.volume) == [2])
        #expect(diff.addedRoutes.map(\.purpose) == ["z"])
        #expect(diff.changedRoutes.map(\.route.purpose) == ["y"])
        #expect(
            diff.changedRoutes.first?.changes == [
                .init(field: "note", before: .string("first"), after: .string("second"))
            ])
        #expect(diff.changedServices.map(\.id) == ["b"])
        #expect(diff.changedServices.first?.changes.map(\.field) == ["capacity"])
        #expect(diff.beforeRouteOfAfterRoute == [0, 2, nil, 3])
    }

    /// `lostReach` against its definition, by brute force over random pairs: transitive
    /// closure by depth-first search from every service, on both sides.
    @Test func lostReachMatchesItsDefinition() {
        var random = SplitMix64(seed: 11)
        func closure(_ p: Pathway) -> [String: Set<String>] {
            let ids = Set(p.services.map(\.id))
            var next: [String: [String]] = [:]
            for r in p.routes where ids.contains(r.from) && ids.contains(r.to) {
                next[r.from, default: []].append(r.to)
            }
            var result: [String: Set<String>] = [:]
            for s in p.services {
                var seen: Set<String> = [s.id]
                var stack = [s.id]
                while let v = stack.popLast() {
                    for w in next[v] ?? [] where seen.insert(w).inserted { stack.append(w) }
                }
                result[s.id] = seen
            }
            return result
        }
        let words = ["f0", "f1", "f2"]
        var rows = 0
        for round in 0..<600 {
            let n = 2 + Int(random.next() % 7)
            var services = (0..<n).map { k in
                Service(
                    id: "s\(k)", organisation: "o\(random.next() % 2)", entry: random.next() % 3 == 0,
                    functions: words.filter { _ in random.next() % 3 == 0 })
            }
            var routes = (0..<Int(random.next() % UInt64(3 * n))).map { _ in
                Route(from: "s\(random.next() % UInt64(n))", to: "s\(random.next() % UInt64(n))")
            }
            let organisations = [Organisation(id: "o0", sector: .acute), Organisation(id: "o1", sector: .other)]
            let before = Pathway(title: "b\(round)", organisations: organisations, services: services, routes: routes)
            // The after side: drop some services (their routes stay, orphaned), drop and add
            // routes, change some functions, add a service.
            services.removeAll { _ in random.next() % 4 == 0 }
            for k in services.indices where random.next() % 4 == 0 {
                services[k].functions = words.filter { _ in random.next() % 2 == 0 }
            }
            services.append(Service(id: "new", organisation: "o0", functions: ["f1"]))
            routes.removeAll { _ in random.next() % 3 == 0 }
            for _ in 0..<Int(random.next() % 4) {
                let ids = services.map(\.id)
                routes.append(
                    Route(
                        from: ids[Int(random.next() % UInt64(ids.count))],
                        to: ids[Int(random.next() % UInt64(ids.count))]))
            }
            let after = Pathway(title: "a\(round)", organisations: organisations, services: services, routes: routes)

            let (x, y) = (closure(before), closure(after))
            let offers = { (p: Pathway, id: String, f: String) in
                p.services.first { $0.id == id }!.functions.contains(f)
            }
            var expected: [String] = []
            for s in before.services where after.services.contains(where: { $0.id == s.id }) {
                for f in words
                where x[s.id]!.contains(where: { offers(before, $0, f) })
                    && !y[s.id]!.contains(where: { offers(after, $0, f) })
                {
                    expected.append("\(s.id) \(f)")
                }
            }
            let diff = PathwayDiff(before: before, after: after)
            #expect(diff.lostReach.map { "\($0.service) \($0.function)" } == expected.sorted(), "round \(round)")
            rows += expected.count
            // Each evidence path is a real path before, ends at a provider, and is shortest.
            let known = Set(before.routes.map { "\($0.from)>\($0.to)" })
            for lost in diff.lostReach {
                #expect(lost.path.first == lost.service)
                #expect(offers(before, lost.path.last!, lost.function))
                #expect(zip(lost.path, lost.path.dropFirst()).allSatisfy { known.contains("\($0)>\($1)") })
                #expect(
                    !lost.path.dropLast().contains { offers(before, $0, lost.function) }, "round \(round): not shortest"
                )
            }
        }
        #expect(rows > 200, "the random pairs must exercise lost reach: \(rows) rows")
    }

    /// Section 2's keys, all of them: each must be in the diff's metrics, with the values the
    /// metrics of each side give, and `KEY.count` for the lists.
    static let section2 = [
        "services", "organisations", "routes", "sectors", "entryPoints", "crossBoundaryRoutes",
        "crossBoundaryShare", "ownershipHHI", "unreachable", "deadEnds", "loops", "bottlenecks",
        "orphanedRoutes", "overCapacity",
    ]

    @Test(arguments: ["dementia-london", "sexual-health", "urgent-care"])
    func metricsCoverEveryKeyOfSection2(_ name: String) throws {
        let diff = try Self.samples(name)
        guard case .object(let before) = diff.beforeMetrics.json, case .object(let after) = diff.afterMetrics.json
        else {
            Issue.record("metrics JSON is not an object")
            return
        }
        for key in Self.section2 {
            let pair = try #require(Self.metric(diff, key), "\(key) missing")
            #expect(pair.0 == before[key] && pair.1 == after[key], "\(key)")
            if case .array(let a) = before[key], case .array(let b) = after[key] {
                #expect(Self.metric(diff, key + ".count")! == (.int(a.count), .int(b.count)), "\(key).count")
            }
        }
        let words = Set(diff.beforeMetrics.functions.keys).union(diff.afterMetrics.functions.keys)
        #expect(!words.isEmpty)
        for word in words {
            let count = try #require(Self.metric(diff, "functions.\(word).pointsOfEntry.count"), "\(word)")
            #expect(
                count == (
                    .int(diff.beforeMetrics.functions[word]?.pointsOfEntry.count ?? 0),
                    .int(diff.afterMetrics.functions[word]?.pointsOfEntry.count ?? 0)
                ))
            for key in ["providers", "pointsOfEntry", "singlePointOfEntry", "minReferrals", "minBoundaries"] {
                #expect(Self.metric(diff, "functions.\(word).\(key)") != nil, "\(word).\(key)")
            }
        }
        #expect(
            diff.metrics.map(\.key) == diff.metrics.map(\.key).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    /// The sample pairs, checked against the files by hand.
    @Test func londonRedesignByHand() throws {
        let diff = try Self.samples("dementia-london")
        // memory-service (replaces the two CMHT memory assessment teams) and the dementia
        // advisers are new; the two memory assessment teams are gone.
        #expect(diff.addedServices == ["dementia-advisers", "memory-service"])
        #expect(diff.removedServices == ["cmht-a-memory-assessment", "cmht-b-memory-assessment"])
        #expect(
            diff.merged == [
                .init(into: "memory-service", from: ["cmht-a-memory-assessment", "cmht-b-memory-assessment"])
            ])
        // Diagnosis: five doors (two memory teams, two geriatric clinics, the psychiatry
        // clinic) become one.
        #expect(Self.metric(diff, "functions.diagnosis.pointsOfEntry.count")! == (.int(5), .int(1)))
        // The geriatric clinics stop diagnosing and lose capacity; the route GP → memory team
        // follows the team into the memory service.
        let clinic = try #require(diff.changedServices.first { $0.id == "trust-a-geriatric-clinic" })
        #expect(clinic.changes.map(\.field) == ["name", "functions", "capacity"])
        #expect(
            diff.redirectedRoutes.contains {
                $0.before == .init(from: "gp-borough-a", to: "cmht-a-memory-assessment", purpose: "diagnosis")
                    && $0.after == .init(from: "gp-borough-a", to: "memory-service", purpose: "diagnosis")
            })
        #expect(diff.orphanedRoutes.isEmpty && diff.lostReach.isEmpty && diff.unmatchedReplaces.isEmpty)
    }

    @Test func sexualHealthRedesignByHand() throws {
        let diff = try Self.samples("sexual-health")
        #expect(diff.addedServices == ["one-stop-shop"])
        #expect(diff.removedServices == ["contraception-clinic", "gum-clinic", "young-peoples-clinic"])
        #expect(
            diff.merged == [
                .init(into: "one-stop-shop", from: ["gum-clinic", "contraception-clinic", "young-peoples-clinic"])
            ])
        #expect(diff.removedOrganisations == ["community-health-provider"])
        #expect(Self.metric(diff, "functions.sti-testing.pointsOfEntry.count")! == (.int(3), .int(1)))
        #expect(Self.metric(diff, "services")! == (.int(9), .int(7)))
        #expect(diff.orphanedRoutes.isEmpty && diff.lostReach.isEmpty)
    }

    @Test func urgentCareRedesignByHand() throws {
        let diff = try Self.samples("urgent-care")
        #expect(diff.addedServices == ["acute-visiting-service", "clinical-hub", "gp-paramedic-line"])
        #expect(diff.removedServices.isEmpty && diff.merged.isEmpty)
        let falls = try #require(diff.changedServices.first { $0.id == "falls-service" })
        #expect(falls.changes == [.init(field: "capacity", before: .int(1200), after: .int(1800))])
        #expect(diff.orphanedRoutes.isEmpty && diff.lostReach.isEmpty)
    }

    @Test func jsonIsTheSameBytesEveryTime() throws {
        for name in ["dementia-london", "sexual-health", "urgent-care"] {
            let first = try Self.samples(name)
            let json = DiffReport.json(first).serialized()
            for _ in 0..<3 { #expect(DiffReport.json(try Self.samples(name)).serialized() == json) }
        }
    }
}
