import Foundation
import PathwayCore
import PathwayReports
import Testing

/// What each view takes of a pathway, worked by hand on small pathways.
@Suite struct ViewTests {
    /// gp (entry, org p) → a (org x, offers f) → b (org x) → c (org y, offers f);
    /// gp → d (org y) → c; b → gp (review); c → c; a → b twice (two purposes); e unreachable.
    static let yaml = """
        pathway: t
        organisations:
          - {id: p, sector: primary-care}
          - {id: x, sector: acute}
          - {id: y, sector: mental-health}
        services:
          - {id: gp, organisation: p, entry: true}
          - {id: a, organisation: x, functions: [f]}
          - {id: b, organisation: x}
          - {id: c, organisation: y, functions: [f, g]}
          - {id: d, organisation: y}
          - {id: e, organisation: y, functions: [g]}
        routes:
          - {from: gp, to: a, purpose: f, volume: 100}
          - {from: a, to: b, purpose: f, volume: 30}
          - {from: a, to: b, purpose: g, volume: 20, kind: informal}
          - {from: b, to: c, volume: 10}
          - {from: gp, to: d, purpose: g, volume: 5}
          - {from: d, to: c, purpose: g}
          - {from: b, to: gp, purpose: review, volume: 7}
          - {from: c, to: c}
          - {from: c, to: gone}
        """

    func diagram(_ view: String) throws -> Diagram {
        try PathwayView(parsing: view).diagram(try pathway(Self.yaml))
    }

    func keys(_ diagram: Diagram) -> [String] { diagram.nodes.map(\.key) }

    @Test func viewsAreReadFromTheirNames() throws {
        #expect(try PathwayView(parsing: "services") == .services)
        #expect(try PathwayView(parsing: "organisations") == .organisations)
        #expect(try PathwayView(parsing: "function:diagnosis") == .function("diagnosis"))
        #expect(try PathwayView(parsing: "focus:memory-service") == .focus("memory-service", depth: 1))
        #expect(try PathwayView(parsing: "focus:memory-service:3") == .focus("memory-service", depth: 3))
        #expect(PathwayView.focus("a", depth: 2).description == "focus:a:2")
        for bad in ["", "service", "function:", "focus:", "focus:a:0", "focus:a:11", "focus:a:x", "focus:a:1:2"] {
            #expect(throws: ViewError.self, "\(bad)") { try PathwayView(parsing: bad) }
        }
    }

    @Test func theServicesViewMergesRoutesBetweenTwoServicesIntoOneArrow() throws {
        let d = try diagram("services")
        #expect(keys(d) == ["svc:gp", "svc:a", "svc:b", "svc:c", "svc:d", "svc:e", "ghost:gone"])
        // Nine routes; a → b twice is one arrow, b → gp and gp … are separate pairs.
        #expect(d.edges.count == 8)
        let ab = try #require(d.edges.first { $0.key == "svc:a|svc:b" })
        #expect(ab.forth == Diagram.Flow(purposes: ["f", "g"], volume: 50, routes: 2) && ab.back == nil)
        #expect(ab.informal == false && ab.crossing == false)
        #expect(d.edges.first { $0.key == "svc:b|svc:c" }?.crossing == true)
        #expect(d.edges.first { $0.key == "svc:c|ghost:gone" }?.orphaned == true)
        #expect(d.nodes[0].shape == .entry && d.nodes[5].unreachable)
        #expect(d.nodes[6].shape == .ghost && d.nodes[6].label == "missing: gone")
    }

    @Test func aPairThatRefersBothWaysIsOneArrowWithEachWay() throws {
        let p = try pathway(
            """
            pathway: t
            organisations: [{id: o, sector: other}]
            services: [{id: a, organisation: o, entry: true}, {id: b, organisation: o}]
            routes:
              - {from: a, to: b, purpose: diagnosis, volume: 300}
              - {from: b, to: a, purpose: review, volume: 120}
              - {from: a, to: b, purpose: treatment}
            """)
        let d = try PathwayView.services.diagram(p)
        #expect(d.edges.count == 1)
        let edge = d.edges[0]
        #expect(edge.from == 0 && edge.to == 1)
        #expect(edge.forth == Diagram.Flow(purposes: ["diagnosis", "treatment"], volume: 300, routes: 2))
        #expect(edge.back == Diagram.Flow(purposes: ["review"], volume: 120, routes: 1))
        #expect(edge.volume == 420)
        #expect(DOTWriter.label(edge, in: d, positions: nil) == "→ diagnosis, treatment\n300/yr\n← review 120/yr")
    }

    @Test func theOrganisationsViewSumsTheReferralsBetweenEachPair() throws {
        let d = try diagram("organisations")
        #expect(keys(d) == ["org:p", "org:x", "org:y"])
        #expect(d.nodes.map(\.note) == ["1 service, entry", "2 services", "3 services"])
        let byKey = Dictionary(uniqueKeysWithValues: d.edges.map { ($0.key, $0) })
        // p ⇄ x: gp → a (100) and b → gp (7); p → y: gp → d (5); x → y: b → c (10).
        #expect(byKey["org:p|org:x"]?.forth.volume == 100 && byKey["org:p|org:x"]?.back?.volume == 7)
        #expect(byKey["org:p|org:y"]?.forth.volume == 5 && byKey["org:p|org:y"]?.back == nil)
        #expect(byKey["org:x|org:y"]?.forth == Diagram.Flow(purposes: [], volume: 10, routes: 1))
        #expect(d.edges.count == 3)
        #expect(d.edges.allSatisfy { !$0.crossing && $0.forth.purposes.isEmpty })
    }

    @Test func aFunctionViewHoldsTheEntriesTheDoorsTheProvidersAndTheShortestWays() throws {
        // f: providers a and c. Both are points of entry: gp → a, and gp → d → c, where d
        // offers nothing of f. The shortest ways: gp → a, and gp → d → c (2 referrals; gp → a →
        // b → c is 3, so b is left out). e offers g only and is left out.
        let d = try diagram("function:f")
        #expect(Set(keys(d)) == ["svc:gp", "svc:a", "svc:c", "svc:d", "ghost:gone"])
        let roles = Dictionary(uniqueKeysWithValues: d.nodes.map { ($0.key, $0.role) })
        #expect(roles["svc:a"] == .pointOfEntry && roles["svc:c"] == .pointOfEntry)
        #expect(roles["svc:d"] == .context && roles["svc:gp"] == .plain)
        #expect(d.subtitle?.contains("2 points of entry; at least 1 referral") == true)
        // g: providers c and e; e is unreachable, still drawn as a provider.
        let g = try diagram("function:g")
        #expect(Set(keys(g)) == ["svc:gp", "svc:c", "svc:d", "svc:e", "ghost:gone"])
        #expect(g.nodes.first { $0.key == "svc:e" }.map { $0.role == .provider && $0.unreachable } == true)
        #expect(throws: ViewError.self) { try self.diagram("function:nothing") }
        do {
            _ = try diagram("function:nothing")
        } catch {
            #expect("\(error)".contains("the functions are: f, g"))
        }
    }

    @Test func aFocusViewHoldsWhoRefersToTheServiceAndWhereItRefersOn() throws {
        // b: a → b before it, b → c and b → gp after; and c's orphaned route, to its ghost, as
        // every view draws the orphaned routes of the services it holds.
        #expect(Set(keys(try diagram("focus:b"))) == ["svc:a", "svc:b", "svc:c", "svc:gp", "ghost:gone"])
        #expect(try diagram("focus:b").nodes.first { $0.key == "svc:b" }?.role == .subject)
        // Depth 2 reaches d (gp → d) after b → gp.
        #expect(Set(keys(try diagram("focus:b:2"))) == ["svc:a", "svc:b", "svc:c", "svc:gp", "svc:d", "ghost:gone"])
        do {
            _ = try diagram("focus:bb")
            Issue.record("a service the pathway does not have")
        } catch {
            #expect("\(error)".contains("did you mean 'b'?"))
        }
    }

    @Test func aRedesignJoinsBothSidesAndMarksWhatChanged() throws {
        let before = try pathway(Self.yaml)
        var after = before
        after.services.removeAll { $0.id == "d" }
        after.routes.removeAll { $0.from == "d" || $0.to == "d" }
        after.routes[0].volume = 150
        after.services.append(Service(id: "h", name: "Hub", organisation: "y", replaces: ["d"]))
        after.routes.append(Route(from: "gp", to: "h", purpose: "g"))
        let redesign = try Redesign(PathwayDiff(before: before, after: after), view: .services)
        let union = redesign.difference
        func change(_ key: String) -> Diagram.Change? { union.nodes.first { $0.key == key }?.change }
        #expect(change("svc:d") == .removed && change("svc:h") == .added && change("svc:e") == .unchanged)
        #expect(union.edges.first { $0.key == "svc:gp|svc:a" }?.change == .changed)
        #expect(union.edges.first { $0.key == "svc:gp|svc:d" }?.change == .removed)
        #expect(union.edges.first { $0.replacement }?.tooltip == "h replaces d")
        // The three drawings hold the same boxes and arrows, index for index.
        #expect(redesign.before.nodes.map(\.key) == union.nodes.map(\.key))
        #expect(redesign.after.edges.map(\.key) == union.edges.map(\.key))
        #expect(redesign.before.edges.first { $0.key == "svc:gp|svc:a" }?.forth.volume == 100)
        #expect(redesign.after.edges.first { $0.key == "svc:gp|svc:a" }?.forth.volume == 150)
    }

    @Test func labelsAreWrappedAndBounded() {
        #expect(Diagram.wrap("Memory service for boroughs A and B") == "Memory service for\nboroughs A and B")
        #expect(Diagram.wrap("one\ntwo three", width: 4) == "one\ntwo\nthree")
        #expect(Diagram.wrap(String(repeating: "x", count: 30)) == String(repeating: "x", count: 30))
        #expect(Diagram.bounded(String(repeating: "y", count: 300)).count == Diagram.longestLabel)
        #expect(Diagram.bounded("short") == "short")
    }

    @Test func everyDOTStringEscapesQuotesBackslashesAndLineBreaks() {
        for (text, dot) in [
            ("a\"b", #""a\"b""#), ("back\\slash", #""back\\slash""#), (#"\"#, #""\\""#), (#"\""#, #""\\\"""#),
            ("\\N \\G \\E \\T \\H \\L", #""\\N \\G \\E \\T \\H \\L""#), ("one\ntwo\r\n", #""one\ntwo\n""#),
            ("<b>&amp;</b>", #""<b>&amp;amp;</b>""#), ("tab\there\u{7}", "\"tab here \""),
        ] {
            #expect(DOTWriter.quote(text) == dot, "\(text)")
        }
    }
}
