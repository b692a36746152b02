import Foundation
import Testing

@testable import PathwayCore

@Suite struct MetricsTests {
    /// Worked by hand: see the comments for each expected value.
    static let handWorked = """
        pathway: Hand-worked
        organisations:
          - {id: gp-org, sector: primary-care}
          - {id: trust, sector: acute}
          - {id: council, sector: social-care}
          - {id: idle, sector: other}
        services:
          - {id: gp, organisation: gp-org, entry: true, functions: [first-contact]}
          - {id: clinic-a, organisation: trust, functions: [diagnosis]}
          - {id: clinic-b, organisation: trust, functions: [diagnosis, treatment], capacity: 40}
          - {id: social, organisation: council, functions: [social-support], terminal: true}
          - {id: ward, organisation: trust, functions: [treatment]}
        routes:
          - {from: gp, to: clinic-a, purpose: diagnosis, volume: 50}
          - {from: gp, to: clinic-b, purpose: diagnosis, volume: 30}
          - {from: clinic-a, to: clinic-b, purpose: treatment, volume: 20}
          - {from: clinic-b, to: ward}
          - {from: clinic-b, to: social}
          - {from: ward, to: clinic-b}
          - {from: gp, to: ghost, purpose: diagnosis}
        """

    @Test func handWorkedPathway() throws {
        let m = PathwayMetrics(try pathway(Self.handWorked))
        #expect(m.services == 5 && m.organisations == 4 && m.sectors == 3)
        #expect(m.routes == 6)  // the route to 'ghost' is orphaned, not in R
        #expect(m.entryPoints == ["gp"])
        // gp→clinic-a, gp→clinic-b (primary care to trust), clinic-b→social (trust to council)
        #expect(m.crossBoundaryRoutes == 3 && m.crossBoundaryShare == 0.5)
        // (1/5)² + (3/5)² + (1/5)² + 0²
        #expect(abs(m.ownershipHHI - 0.44) < 1e-12)
        #expect(m.unreachable.isEmpty && m.deadEnds.isEmpty)
        #expect(m.loops == [["clinic-b", "ward"]])
        // Every way to ward and social passes clinic-b; clinic-a gates nothing (gp→clinic-b).
        #expect(m.bottlenecks == [Bottleneck(id: "clinic-b", dominates: 2)])
        #expect(m.orphanedRoutes.map(\.to) == ["ghost"])
        // 30 + 20 + 0 (ward→clinic-b has no volume) > 40
        #expect(m.overCapacity == [CapacityExcess(id: "clinic-b", inbound: 50, capacity: 40)])
        #expect(m.functions.keys.sorted() == ["diagnosis", "first-contact", "social-support", "treatment"])
        let diagnosis = try #require(m.functions["diagnosis"])
        #expect(diagnosis.pointsOfEntry == ["clinic-a", "clinic-b"] && !diagnosis.singlePointOfEntry)
        #expect(diagnosis.minReferrals == 1 && diagnosis.minBoundaries == 1)
        // ward is reached only through clinic-b, which already offers treatment.
        let treatment = try #require(m.functions["treatment"])
        #expect(treatment.providers == ["clinic-b", "ward"])
        #expect(treatment.pointsOfEntry == ["clinic-b"] && treatment.singlePointOfEntry)
        let first = try #require(m.functions["first-contact"])
        #expect(first.pointsOfEntry == ["gp"] && first.minReferrals == 0 && first.minBoundaries == 0)
        // gp→clinic-b→social: two referrals, both crossing a boundary.
        let social = try #require(m.functions["social-support"])
        #expect(social.minReferrals == 2 && social.minBoundaries == 2)
    }

    @Test func entryPointsOfTheHandWorkedPathway() throws {
        let p = try pathway(Self.handWorked)
        let entries = Dictionary(uniqueKeysWithValues: ServiceGraph(p).entries(of: p).map { ($0.function, $0) })
        #expect(entries["diagnosis"]?.doors.map(\.path) == [["gp", "clinic-a"], ["gp", "clinic-b"]])
        #expect(entries["diagnosis"]?.bottlenecks == ["gp"])
        #expect(entries["treatment"]?.doors.map(\.path) == [["gp", "clinic-b"]])
        // Every way to social support passes clinic-b, and before it the GP; nearest first.
        #expect(entries["social-support"]?.bottlenecks == ["social", "clinic-b", "gp"])
        #expect(entries["first-contact"]?.doors.map(\.path) == [["gp"]])
    }

    @Test func unreachableFunctionsAreNull() throws {
        let m = PathwayMetrics(
            try pathway(
                """
                pathway: p
                organisations: [{id: o, sector: other}]
                services:
                  - {id: a, organisation: o, entry: true}
                  - {id: b, organisation: o, functions: [review]}
                routes: []
                """))
        let review = try #require(m.functions["review"])
        #expect(review.minReferrals == nil && review.minBoundaries == nil && review.pointsOfEntry.isEmpty)
        #expect(m.unreachable == ["b"] && m.deadEnds == ["a", "b"] && m.crossBoundaryShare == 0)
        let json = m.json.serialized()
        #expect(json.contains("\"minReferrals\": null"))
        #expect(json.contains("\"crossBoundaryShare\": 0.0"))
    }

    @Test func jsonHasExactlyTheContractKeysSorted() throws {
        let m = PathwayMetrics(try pathway(Self.handWorked))
        guard case .object(let members) = m.json else {
            Issue.record("metrics JSON is an object")
            return
        }
        let contract = [
            "pathway", "services", "organisations", "routes", "sectors", "entryPoints",
            "crossBoundaryRoutes", "crossBoundaryShare", "ownershipHHI", "unreachable", "deadEnds",
            "loops", "bottlenecks", "orphanedRoutes", "overCapacity", "functions", "profiles",
        ]
        #expect(Set(members.keys) == Set(contract + ["betweenness"]))
        let text = m.json.serialized()
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map {
            String($0.dropFirst(3).prefix { $0 != "\"" })
        }
        #expect(keys == keys.sorted() && keys.count == 18)
        #expect(
            text.contains(
                "\"orphanedRoutes\": [\n    {\n      \"from\": \"gp\",\n      \"purpose\": \"diagnosis\",\n      \"to\": \"ghost\"\n    }\n  ]"
            ))
    }

    @Test func londonRedesignReachesASinglePointOfEntryForDiagnosis() throws {
        let before = PathwayMetrics(try PathwayFiles.load(Paths.sample("dementia-london-before.yaml")))
        let after = PathwayMetrics(try PathwayFiles.load(Paths.sample("dementia-london-after.yaml")))
        let b = try #require(before.functions["diagnosis"])
        let a = try #require(after.functions["diagnosis"])
        #expect(b.pointsOfEntry.count >= 3)
        #expect(a.pointsOfEntry == ["memory-service"] && a.singlePointOfEntry)
        // The memory service gates the onward treatment clinics.
        let memory = try #require(after.bottlenecks.first { $0.id == "memory-service" })
        #expect(memory.dominates >= 3)
        let p = try PathwayFiles.load(Paths.sample("dementia-london-after.yaml"))
        let graph = ServiceGraph(p)
        let tree = DominatorTree(graph)
        for clinic in ["trust-a-geriatric-clinic", "trust-b-geriatric-clinic", "old-age-psychiatry-clinic"] {
            #expect(tree.dominates(graph.vertex["memory-service"]!, graph.vertex[clinic]!), "\(clinic)")
        }
    }

    @Test func sexualHealthOneStopShopIsTheSingleDoor() throws {
        let before = PathwayMetrics(try PathwayFiles.load(Paths.sample("sexual-health-before.yaml")))
        let after = PathwayMetrics(try PathwayFiles.load(Paths.sample("sexual-health-after.yaml")))
        for word in ["sti-testing", "contraception"] {
            #expect((before.functions[word]?.pointsOfEntry.count ?? 0) >= 2)
            #expect(after.functions[word]?.pointsOfEntry == ["one-stop-shop"])
        }
    }

    @Test func betweennessOnAChainIsExact() throws {
        // a→b→c: b lies on the one shortest path a⇝c; normalised by (n−1)(n−2) = 2.
        let m = PathwayMetrics(
            try pathway(
                """
                pathway: chain
                organisations: [{id: o, sector: other}]
                services: [{id: a, organisation: o, entry: true}, {id: b, organisation: o}, {id: c, organisation: o}]
                routes: [{from: a, to: b}, {from: a, to: b}, {from: b, to: c}, {from: c, to: c}]
                """))
        #expect(m.betweenness == ["a": 0, "b": 0.5, "c": 0])
    }

    @Test func sampledBetweennessSaysSo() {
        let n = 50
        var services = (0..<n).map { Service(id: "s\($0)", organisation: "o") }
        services[0].entry = true
        let routes = (0..<n - 1).map { Route(from: "s\($0)", to: "s\($0 + 1)") }
        let p = Pathway(
            title: "t", organisations: [Organisation(id: "o", sector: .other)], services: services, routes: routes)
        let (values, sources) = ServiceGraph(p).betweenness(exactLimit: 10, sampleSize: 10)
        #expect(sources == 10 && values.count == n)
        let exact = ServiceGraph(p).betweenness().values
        #expect(exact[0] == 0 && exact[n - 1] == 0 && exact[25] > exact[2])
    }

    /// The independent oracle: NetworkX recomputes every metric of 250 generated pathways
    /// (YAML and CSV; orphaned, self and duplicate routes, unreachable parts, several entries;
    /// the 200 YAML ones with eligibility and patient profiles).
    @Test func everyMetricEqualsTheNetworkXOracle() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("pathway-oracle-\(ProcessInfo.processInfo.processIdentifier)").path
        try? FileManager.default.removeItem(atPath: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let oracle = Paths.packageRoot.appendingPathComponent("Tests/oracle/pathway_oracle.py").path
        let generated = try python([oracle, "generate", "--seed", "20261123", "--count", "250", folder])
        try #require(
            generated.status == 0, "python3 with networkx is needed: pip install networkx\n\(generated.output)")
        var cases = try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasSuffix(".json") }
        cases.sort()
        #expect(cases.count == 250)
        // The sample pathways are cases too.
        for sample in PathwayFiles.expand([Paths.pathways]) {
            let name = "sample-" + URL(fileURLWithPath: sample).lastPathComponent
            try FileManager.default.copyItem(atPath: sample, toPath: folder + "/" + name)
            cases.append(name)
        }
        for name in cases {
            let path = folder + "/" + name
            let p = try PathwayFiles.load(path)
            let base = name.hasSuffix(".yaml") ? String(name.dropLast(5)) : name
            // The columnar reader (used by `metrics --json`) must agree with the pathway's.
            let metrics = PathwayMetrics(try PathwayFiles.loadNetwork(path))
            let json = metrics.json.serialized()
            #expect(json == PathwayMetrics(p).json.serialized(), "\(name)")
            // And the direct writer gives the tree's bytes.
            #expect(metrics.jsonBytes() == metrics.json.serializedBytes(), "\(name)")
            try json.write(toFile: folder + "/" + base + ".json", atomically: true, encoding: .utf8)
        }
        let compared = try python([oracle, "compare", folder])
        #expect(compared.status == 0, "\(compared.output)")
        #expect(compared.output.contains("oracle: \(cases.count) passed, 0 failed"), "\(compared.output)")
    }

    func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
