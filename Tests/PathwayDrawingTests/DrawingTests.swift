import Foundation
import GraphvizRenderer
import PathwayCore
import PathwayDrawing
import PathwayReports
import PathwayTestSupport
import Testing

/// The drawing policy that `render`, `diff` and `report` share, called as they call it: in a
/// real worker process running the real Graphviz.
@Suite struct DrawingTests {
    static let root = LayoutChoiceTests.root

    /// The built `pathway` executable, which serves the worker command.
    static var pathwayTool: URL {
        let beside = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("pathway")
        return FileManager.default.fileExists(atPath: beside.path)
            ? beside : root.appendingPathComponent(".build/debug/pathway")
    }

    static func sample(_ name: String) throws -> Pathway {
        try PathwayFiles.load(root.appendingPathComponent("pathways/\(name).yaml").path)
    }

    /// A worker that hangs whenever it is asked for one of `engines`, and otherwise is the real
    /// worker of the `pathway` executable.
    func worker(hangingOn engines: [LayoutEngine], timeout: Double) throws -> (RenderWorker, URL) {
        let cases = engines.map { "*\"--layout \($0.rawValue) \"*) cat >/dev/null; exec sleep 30;;" }
        let script = """
            #!/bin/sh
            case "$* " in
            \(cases.joined(separator: "\n"))
            esac
            exec '\(Self.pathwayTool.path)' "$@"

            """
        let url = try ScriptFile.executable(script)
        return (RenderWorker(executable: url, timeout: timeout), url)
    }

    @Test func aSmallPathwayIsLaidOutSeveralWaysThenDrawnTheSameEveryTime() throws {
        let pathway = try Self.sample("dementia-london-after")
        let worker = RenderWorker(executable: Self.pathwayTool, timeout: 120)
        let drawn = try Drawing.pathway(pathway, format: .svg, worker: worker).bytes
        #expect(drawn == (try Drawing.pathway(pathway, format: .svg, worker: worker).bytes))
        let svg = String(decoding: drawn, as: UTF8.self)
        for service in pathway.services {
            #expect(svg.contains("id=\"svc&#45;" + service.id.replacingOccurrences(of: "-", with: "&#45;") + "\""))
        }
        // Drawn from the positions of the layout kept: the DOT of the same call carries them.
        let dot = String(decoding: try Drawing.pathway(pathway, format: .dot, worker: worker).bytes, as: UTF8.self)
        #expect(dot.contains("pos=\"") && dot.contains("xlp=\"") && dot.contains("notranslate=true"))
        // And with fewer crossing arrows than the plain layout of the same diagram.
        let diagram = try PathwayView.services.diagram(pathway)
        let plain = try worker.render(dot: DOTWriter.dot(diagram), engine: .dot, format: .svg)
        #expect(try QualityMeasure.crossings(drawn) < QualityMeasure.crossings(plain))
    }

    /// The search turns arrows round for dot's ranking (written head to tail with the arrowhead
    /// at the tail, `dir=back`): every arrow of the drawing still points from the service that
    /// refers to the one referred to.
    @Test func anArrowTurnedRoundForTheLayoutStillPointsAtTheServiceReferredTo() throws {
        let pathway = try Self.sample("dementia-london-after")
        let worker = RenderWorker(executable: Self.pathwayTool, timeout: 120)
        let dot = String(decoding: try Drawing.pathway(pathway, format: .dot, worker: worker).bytes, as: UTF8.self)
        let graph = try Graphviz.shared.read(dot: dot)
        var service: [String: String] = [:]
        for node in graph.nodes {
            if let id = node.attributes["id"], id.hasPrefix("svc-") { service[node.name] = String(id.dropFirst(4)) }
        }
        let routes = Set(pathway.routes.map { "\($0.from) \($0.to)" })
        var turned = 0
        var drawn: Set<String> = []
        for edge in graph.edges {
            let (tail, head) = (try #require(service[edge.tail]), try #require(service[edge.head]))
            switch edge.attributes["dir"] {
            case "back":
                turned += 1
                #expect(routes.contains("\(head) \(tail)"), "\(head) -> \(tail)")
                drawn.insert("\(head) \(tail)")
            case "both":
                #expect(routes.contains("\(tail) \(head)") && routes.contains("\(head) \(tail)"))
                drawn.formUnion(["\(tail) \(head)", "\(head) \(tail)"])
            default:
                #expect(routes.contains("\(tail) \(head)"), "\(tail) -> \(head)")
                drawn.insert("\(tail) \(head)")
            }
        }
        #expect(turned > 0, "the search turned no arrow round on this sample")
        #expect(drawn == routes)
    }

    @Test func whenDotRunsPastAThirdOfTheLimitSfdpDrawsThePathwayInTheTimeLeft() throws {
        let pathway = try Self.sample("dementia-london-after")
        let (worker, script) = try worker(hangingOn: [.dot], timeout: 9)
        defer { try? FileManager.default.removeItem(at: script) }
        let start = Date()
        let svg = String(decoding: try Drawing.pathway(pathway, format: .svg, worker: worker).bytes, as: UTF8.self)
        // dot was given 3 s of the 9, then stopped.
        #expect(Date().timeIntervalSince(start) >= 3)
        // sfdp's drawing, as the worker would draw nothing with dot.
        #expect(!svg.contains("class=\"cluster\""))
        #expect(svg.contains("fill: the organisation&#39;s sector") || svg.contains("fill: the organisation's sector"))
        #expect(svg.contains("id=\"svc&#45;memory&#45;service\""))
    }

    @Test func whenBothLayoutsRunOutTheErrorNamesBothAndTheWholeLimit() throws {
        let pathway = try Self.sample("dementia-london-after")
        let (worker, script) = try worker(hangingOn: [.dot, .sfdp], timeout: 1.5)
        defer { try? FileManager.default.removeItem(at: script) }
        #expect {
            _ = try Drawing.pathway(pathway, format: .svg, worker: worker)
        } throws: { error in
            let error = error as! DrawingError
            return error.message == "laying out the diagram with dot, then sfdp, took longer than the limit of 1.5 s"
                && error.timeLimit == 1.5 && error.advice == "; try a longer --time-limit"
        }
    }

    @Test func aChosenEngineIsNeverSwappedAndTheAdviceNamesTheOptionsToTry() throws {
        let pathway = try Self.sample("dementia-london-after")
        let (worker, script) = try worker(hangingOn: [.dot, .sfdp], timeout: 0.5)
        defer { try? FileManager.default.removeItem(at: script) }
        for (engine, advice) in [
            (
                LayoutEngine.dot,
                "; try --layout sfdp, which lays out thousands of services in seconds, or a longer --time-limit"
            ),
            (.sfdp, "; try a longer --time-limit"),
        ] {
            do {
                _ = try Drawing.pathway(pathway, options: .init(engine: engine), format: .svg, worker: worker)
                Issue.record("a hanging \(engine) must fail")
            } catch {
                #expect(
                    error.message
                        == "laying out the diagram with \(engine.rawValue) took longer than the limit of 0.5 s")
                #expect(error.advice == advice)
            }
        }
        // Graphviz refusing the drawing with dot suggests sfdp.
        let broken = RenderWorker(executable: URL(fileURLWithPath: "/bin/false"))
        #expect {
            _ = try Drawing.pathway(pathway, options: .init(engine: .dot), format: .svg, worker: broken)
        } throws: { ($0 as! DrawingError).advice == "; try --layout sfdp" }
    }

    @Test func theSidesOfARedesignShareOnePlaceForEachService() throws {
        let diff = PathwayDiff(
            before: try Self.sample("dementia-london-before"), after: try Self.sample("dementia-london-after"))
        let drawn = try Drawing.redesign(
            diff, sides: [(.before, .dot), (.after, .dot), (.difference, .svg)],
            worker: RenderWorker(executable: Self.pathwayTool, timeout: 120))
        #expect(drawn.count == 3)
        let before = try Graphviz.shared.read(dot: String(decoding: drawn[0], as: UTF8.self))
        let after = try Graphviz.shared.read(dot: String(decoding: drawn[1], as: UTF8.self))
        func positions(_ graph: DOTGraph) -> [String: String] {
            Dictionary(
                graph.nodes.compactMap { node in node.attributes["id"].map { ($0, node.attributes["pos"] ?? "") } },
                uniquingKeysWith: { a, _ in a })
        }
        let (old, new) = (positions(before), positions(after))
        let both = Set(old.keys).intersection(new.keys)
        // Services kept by the redesign (gp, the hospital's services, …) are in both drawings.
        #expect(both.count >= 10)
        for id in both { #expect(old[id] == new[id] && old[id]?.isEmpty == false, "\(id)") }
        #expect(String(decoding: drawn[2], as: UTF8.self).hasPrefix("<?xml"))
    }

    @Test func sampleDiagramsAreStaleUntilWrittenThenCurrent() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("samples-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let files = ["sexual-health-before", "sexual-health-after"].map {
            Self.root.appendingPathComponent("pathways/\($0).yaml").path
        }
        let worker = RenderWorker(executable: Self.pathwayTool, timeout: 120)
        let first = try SampleDiagrams.draw(files, into: folder, worker: worker)
        #expect(
            first.map(\.target) == [
                "\(folder)/sexual-health-before.svg", "\(folder)/sexual-health-before.organisations.svg",
                "\(folder)/sexual-health-after.svg", "\(folder)/sexual-health-after.organisations.svg",
            ])
        #expect(first.map(\.view) == [.services, .organisations, .services, .organisations])
        #expect(first.allSatisfy { !$0.isCurrent })
        try Data(first[1].svg).write(to: URL(fileURLWithPath: first[1].target))
        let second = try SampleDiagrams.draw(files, into: folder, worker: worker)
        #expect(second.map(\.isCurrent) == [false, true, false, false])
        // The checked-in diagrams are what the same call draws.
        let checkedIn = try SampleDiagrams.draw(
            files, into: Self.root.appendingPathComponent("diagrams").path, worker: worker)
        #expect(checkedIn.allSatisfy { $0.isCurrent })
    }

    @Test func aSampleThatDoesNotLoadIsNamedWithItsPlace() throws {
        let bad = Self.root.appendingPathComponent("Tests/PathwayCoreTests/Fixtures/bad/two-documents.yaml").path
        #expect {
            _ = try SampleDiagrams.draw(
                [bad], into: NSTemporaryDirectory(), worker: RenderWorker(executable: Self.pathwayTool, timeout: 120))
        } throws: { error in
            let text = (error as! SampleDiagrams.Failure).description
            return text.hasPrefix(bad + ":")
                && text.range(of: #":[0-9]+:[0-9]+: error: "#, options: .regularExpression) != nil
        }
    }
}
