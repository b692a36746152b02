import Foundation
import GraphvizRenderer
import PathwayCore
import PathwayReports
import PathwayTestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The services view of a pathway as DOT, as the tool writes it before any layout.
func servicesDOT(_ pathway: Pathway, lanes: Bool = false, routeLabels: Bool = true) -> String {
    let diagram = (try? PathwayView.services.diagram(pathway)) ?? Diagram(title: pathway.title)
    return DOTWriter.dot(diagram, options: DOTOptions(lanes: lanes, edgeLabels: routeLabels))
}

@Suite struct RenderingTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples: [String] = PathwayFiles.expand([root.appendingPathComponent("pathways").path])

    /// Collects the text and the cluster groups of an SVG, failing on malformed XML.
    final class SVGReader: NSObject, XMLParserDelegate {
        var text = ""
        var clusters = 0
        var titles: [String] = []
        var inTitle = false
        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
            qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            if name == "g", attributes["class"] == "cluster" { clusters += 1 }
            inTitle = name == "title"
            if inTitle { titles.append("") }
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            inTitle = false
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            text += string
            if inTitle { titles[titles.count - 1] += string }
        }
    }

    func read(_ svg: [UInt8]) throws -> SVGReader {
        let parser = XMLParser(data: Data(svg))
        let reader = SVGReader()
        parser.delegate = reader
        #expect(parser.parse(), "SVG parses as XML: \(String(describing: parser.parserError))")
        return reader
    }

    @Test(arguments: samples)
    func everySampleRendersNamingEveryServiceInOneLanePerOrganisation(_ file: String) throws {
        let pathway = try PathwayFiles.load(file)
        let svg = try Graphviz.shared.render(dot: servicesDOT(pathway, lanes: true), format: .svg)
        let reader = try read(svg)
        for service in pathway.services {
            // A long name is wrapped into lines at its spaces: every word shows.
            for word in service.name.split(separator: " ") {
                #expect(reader.text.contains(word), "\(service.name) is drawn")
            }
        }
        let running = Set(pathway.services.map(\.organisation))
        #expect(reader.clusters == running.count)
        #expect(reader.text.contains("Legend"))
    }

    @Test func pngAndPdfHaveTheirMagicBytes() throws {
        let dot = servicesDOT(try PathwayFiles.load(Self.samples[0]))
        let png = try Graphviz.shared.render(dot: dot, format: .png)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let pdf = try Graphviz.shared.render(dot: dot, format: .pdf)
        #expect(pdf.starts(with: Array("%PDF-".utf8)))
    }

    @Test func aLargeRasterIsShrunkToFitASmallOneIsLeftAlone() throws {
        func pixels(_ png: [UInt8]) -> (Int, Int) {
            let word = { (k: Int) in png[k..<k + 4].reduce(0) { $0 << 8 | Int($1) } }
            return (word(16), word(20))
        }
        // 400 boxes in a row, 60 inches wide at full size.
        let wide =
            "digraph { rankdir=LR; node [shape=box, width=0.1, fixedsize=true]; "
            + (0..<399).map { "n\($0) -> n\($0 + 1);" }.joined(separator: " ") + " }"
        let (width, height) = pixels(try Graphviz.shared.render(dot: wide, format: .png))
        #expect(width <= 4_800 && width >= 4_700 && height < 100, "\(width) × \(height)")
        let sample = servicesDOT(try PathwayFiles.load(Self.samples[0]))
        let small = pixels(try Graphviz.shared.render(dot: sample, format: .png))
        let unshrunk = pixels(
            try Graphviz.shared.render(
                dot: sample.replacingOccurrences(of: "graph [", with: "graph [size=\"1000,1000\", "), format: .png))
        #expect(small == unshrunk)
    }

    @Test func malformedDOTGivesGraphvizsMessageThenAGoodOneRenders() throws {
        let bad = "digraph {\n  a -> b;\n  c -> ;\n}\n"
        do {
            _ = try Graphviz.shared.render(dot: bad, format: .svg)
            Issue.record("malformed DOT must not render")
        } catch {
            #expect(error.message.contains("syntax error"), "\(error.message)")
            #expect(error.line == 3, "\(error.message)")
        }
        let good = try Graphviz.shared.render(dot: "digraph { a -> b }", format: .svg)
        let reader = try read(good)
        #expect(reader.titles.contains("a&#45;&gt;b") || reader.titles.contains("a->b"), "\(reader.titles)")
    }

    @Test func aFloodOfGraphvizMessagesIsCutToTheFirstFewDistinctOnes() {
        let flood = (0..<300).map { "libpath/shortest.c:\($0 % 2 == 0 ? 324 : 192): message \($0 % 7)" }.joined(
            separator: "\n")
        let error = GraphvizError(graphvizText: flood)
        #expect(!error.message.contains("\n"), "\(error.message)")
        let parts = error.message.components(separatedBy: "; ")
        #expect(parts.count == 3, "\(error.message)")
        #expect(parts.first == "libpath/shortest.c:324: message 0")
        #expect(parts.last?.hasSuffix(" (and 11 more different messages from Graphviz)") == true)
        let syntax = GraphvizError(graphvizText: "Error: <input>: syntax error in line 3 near ';'\n")
        #expect(syntax.line == 3 && syntax.message == "syntax error in line 3 near ';'")
        #expect(GraphvizError(graphvizText: "one\none\n").message == "one")
        let quoted = GraphvizError(graphvizText: "Error: syntax error\nString starting:\"a\u{202E}b\n")
        #expect(quoted.message == "syntax error; String starting:\"a\\u{202E}b", "\(quoted.message)")
    }

    @Test func renderingIsDeterministic() throws {
        let dot = servicesDOT(try PathwayFiles.load(Self.samples[1]))
        let first = try Graphviz.shared.render(dot: dot, format: .svg)
        let second = try Graphviz.shared.render(dot: dot, format: .svg)
        #expect(first == second, "two renders in one process differ (\(first.count) and \(second.count) bytes)")
    }

    @Test func hostileNamesShowAsWritten() throws {
        let names = [
            "<script>alert(1)</script>", "Quote \" and back\\slash \\N \\G", "A & B &amp; C",
            "Équipe mobile – ünïcødé", "Line one\nLine two", String(repeating: "x", count: 500),
            "שירות בריאות נפש",
        ]
        let services = names.enumerated().map { k, name in
            Service(id: "s\(k)", name: name, organisation: "o", entry: k == 0)
        }
        var routes = (1..<names.count).map {
            Route(from: "s0", to: "s\($0)", purpose: "diagnosis", volume: $0, note: "<b>\"&\"</b>")
        }
        routes.append(Route(from: "s1", to: "gone <clinic>"))
        let pathway = Pathway(
            title: "Hostile \"title\" <&>", organisations: [Organisation(id: "o", name: "Org \"<&>\"", sector: .other)],
            services: services, routes: routes)
        let svg = try Graphviz.shared.render(dot: servicesDOT(pathway), format: .svg)
        let reader = try read(svg)
        for name in names {
            // What a box can hold is drawn (a 500-character name is cut at 200, with an
            // ellipsis); all of it is in the tooltip.
            for line in Diagram.bounded(name).split(separator: "\n") {
                for word in line.split(separator: " ") { #expect(reader.text.contains(word), "\(word)") }
            }
        }
        #expect(reader.text.contains(String(repeating: "x", count: 199) + "…"))
        #expect(String(decoding: svg, as: UTF8.self).contains(String(repeating: "x", count: 500)))
        #expect(reader.text.contains("Hostile \"title\" <&>"))
        #expect(reader.text.contains("missing: gone <clinic>"))
        #expect(!String(decoding: svg, as: UTF8.self).contains("<script>"))
    }

    @Test func withoutLanesEachServiceTakesItsSectorsColourAndRoutesCanGoUnlabelled() throws {
        let pathway = try PathwayFiles.load(Self.samples[0])
        let dot = servicesDOT(pathway, lanes: false, routeLabels: false)
        #expect(!dot.contains("subgraph") && !dot.contains("xlabel"))
        #expect(dot.contains("fill: the organisation&#39;s sector") || dot.contains("fill: the organisation's sector"))
        let sectorOf = Dictionary(uniqueKeysWithValues: pathway.organisations.map { ($0.id, $0.sector) })
        let unreachable = Set(PathwayMetrics(pathway, betweenness: false).unreachable)
        for service in pathway.services where !unreachable.contains(service.id) {
            let fill = DOTWriter.sectorColours[sectorOf[service.organisation]!]!.fill
            let line = try #require(dot.split(separator: "\n").first { $0.contains("id=\"svc-\(service.id)\"") })
            #expect(line.contains("fillcolor=\"\(fill)\""), "\(line)")
        }
        // Each route still says its purpose and volume when hovered.
        #expect(dot.contains("referrals a year"))
        let svg = try read(try Graphviz.shared.render(dot: dot, engine: .sfdp, format: .svg))
        #expect(svg.clusters == 0)
        // No lanes and every label are the default, as the checked-in diagrams are drawn.
        #expect(servicesDOT(pathway) == servicesDOT(pathway, lanes: false, routeLabels: true))
        #expect(servicesDOT(pathway, lanes: true).contains("subgraph cluster_"))
    }

    @Test func quotingEscapesWhatDOTWouldReadAsSyntax() {
        #expect(DOTWriter.quote("a\"b\\c\nd&e") == #""a\"b\\c\nd&amp;e""#)
        #expect(DOTWriter.quote("\\N") == #""\\N""#)
        #expect(DOTWriter.quote("tab\there") == "\"tab here\"")
    }
}

/// The worker process that `pathway render` draws in: Graphviz's crashes, runaways and errors
/// come back as clear errors, never taking the caller down.
@Suite struct RenderWorkerTests {
    static var pathwayTool: URL {
        let beside = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("pathway")
        return FileManager.default.fileExists(atPath: beside.path)
            ? beside : RenderingTests.root.appendingPathComponent(".build/debug/pathway")
    }

    func script(_ body: String) throws -> URL {
        try ScriptFile.executable("#!/bin/sh\n" + body + "\n")
    }

    @Test func aWorkerRendersWhatTheLibraryRenders() throws {
        let dot = servicesDOT(try PathwayFiles.load(RenderingTests.samples[2]))
        let worker = RenderWorker(executable: Self.pathwayTool)
        #expect(try worker.render(dot: dot, format: .svg) == Graphviz.shared.render(dot: dot, format: .svg))
    }

    @Test func graphvizMessagesComeBackWithTheirLine() throws {
        do {
            _ = try RenderWorker(executable: Self.pathwayTool).render(dot: "digraph {\n a -> ;\n}\n", format: .svg)
            Issue.record("malformed DOT must fail")
        } catch {
            #expect(error.message.contains("syntax error") && error.line == 2, "\(error.message)")
        }
    }

    @Test func aCrashIsAnErrorNotTheEndOfTheCaller() throws {
        let crashing = try script("cat >/dev/null; kill -SEGV $$")
        defer { try? FileManager.default.removeItem(at: crashing) }
        do {
            _ = try RenderWorker(executable: crashing).render(dot: "digraph { a }", format: .svg)
            Issue.record("a crashed worker must fail")
        } catch {
            #expect(error.message.contains("Graphviz crashed"), "\(error.message)")
        }
    }

    @Test func aWorkerThatEndsWithoutReadingIsAnErrorNotABrokenPipe() throws {
        // Two megabytes are more than a pipe holds: the write meets a reader that has gone,
        // which would end this process with SIGPIPE if it were not ignored.
        let quitting = try script("exit 3")
        defer { try? FileManager.default.removeItem(at: quitting) }
        let dot = "digraph { " + String(repeating: "a -> b; ", count: 262_144) + "}"
        do {
            _ = try RenderWorker(executable: quitting).render(dot: dot, format: .svg)
            Issue.record("a worker that drew nothing must fail")
        } catch {
            #expect(error.message == "the drawing process failed", "\(error.message)")
        }
    }

    @Test func aRunawayIsStoppedAtTheLimitAndNamesIt() throws {
        let hanging = try script("cat >/dev/null; exec sleep 30")
        defer { try? FileManager.default.removeItem(at: hanging) }
        do {
            _ = try RenderWorker(executable: hanging, timeout: 0.5).render(dot: "digraph { a }", format: .svg)
            Issue.record("a hanging worker must be stopped")
        } catch {
            #expect(error.message.contains("longer than the limit of 0.5 s"), "\(error.message)")
        }
    }
}

@Suite struct ImportTests {
    static let gallery = RenderingTests.root
        .appendingPathComponent("Tests/GraphvizRendererTests/Fixtures/gallery-clusters.dot").path

    func imported(_ dot: String) throws -> Pathway {
        try DOTImport.pathway(from: try Graphviz.shared.read(dot: dot), title: "t")
    }

    @Test func aGalleryGraphWithClustersImportsChecksAndRenders() throws {
        let text = try String(contentsOfFile: Self.gallery, encoding: .utf8)
        let p = try imported(text)
        #expect(p.organisations.map(\.id) == ["process-1", "process-2", "unassigned"])
        #expect(p.services.count == 10 && p.routes.count == 13)
        #expect(p.services.first { $0.id == "start" }?.entry == true)
        #expect(p.services.first { $0.id == "end" }?.terminal == true)
        #expect(p.services.filter { $0.organisation == "process-2" }.map(\.id) == ["b0", "b1", "b2", "b3"])
        #expect(p.notes?.contains("service start: shape=Mdiamond") == true)
        // What import writes loads back to the same pathway, passes check, and renders.
        let back = try YAMLPathwayLoader.load(text: PathwayYAMLWriter.yaml(p), file: "gallery.yaml")
        #expect(back.services.map(\.id) == p.services.map(\.id) && back.routes.map(\.to) == p.routes.map(\.to))
        #expect(PathwayCheck.findings(back).filter { $0.severity == .error }.isEmpty)
        let svg = try Graphviz.shared.render(dot: servicesDOT(back), format: .svg)
        #expect(String(decoding: svg, as: UTF8.self).contains("process #1"))
    }

    @Test func knownAttributesMapAndNamesBecomeIds() throws {
        let p = try imported(
            """
            digraph {
              subgraph cluster_mh { label="Mental health trust"; sector="mental-health";
                "Memory Clinic" [entry=true, functions="diagnosis;review", capacity=300];
                subgraph cluster_inner { label="Inner team"; crisis }
              }
              "Memory Clinic" -> crisis [purpose="crisis-response", volume=40, style=dashed, label="agreed \\"guideline\\""];
              crisis -> gone;
            }
            """)
        #expect(p.organisations.first?.sector == .mentalHealth && p.organisations.first?.name == "Mental health trust")
        let clinic = try #require(p.services.first { $0.name == "Memory Clinic" })
        #expect(
            clinic.id == "memory-clinic" && clinic.entry && clinic.functions == ["diagnosis", "review"]
                && clinic.capacity == 300)
        #expect(p.services.first { $0.id == "crisis" }?.organisation == "inner-team")
        let route = try #require(p.routes.first)
        #expect(route.purpose == "crisis-response" && route.volume == 40 && route.kind == .informal)
        #expect(route.note == "agreed \"guideline\"")
    }

    @Test func anEdgeDrawnBackwardsIsAReferralFromItsHead() throws {
        let p = try imported(
            """
            digraph {
              gp -> clinic [purpose=assessment];
              gp -> clinic [purpose=review, dir=back, style=dashed];
              clinic -> ward [dir=both];
            }
            """)
        let routes = p.routes.map { "\($0.from) \($0.to) \($0.purpose ?? "-") \($0.kind)" }
        #expect(routes == ["gp clinic assessment formal", "clinic gp review informal", "clinic ward - formal"])
        // The direction is taken, so it is not kept as a note; two heads are.
        #expect(p.notes?.contains("dir=back") == false)
        #expect(p.notes?.contains("route clinic -> ward: dir=both") == true)
    }

    @Test func attributesThatReadLocalFilesAreRefused() throws {
        for dot in [
            "digraph { a [image=\"/etc/passwd\"] }", "digraph { a [shapefile=\"x.ps\"] }",
            "digraph { imagepath=\"/etc\"; a }", "digraph { a [fontname=\"/etc/passwd\"] }",
            "digraph { a [label=<<IMG SRC=\"/etc/passwd\"/>>] }",
            // Set as a default for every node or edge, or on the graph or a cluster.
            "digraph { node [image=\"/etc/passwd\"]; a }", "digraph { edge [image=\"/etc/passwd\"]; a -> b }",
            "digraph { node [shapefile=\"x.ps\"]; a }", "digraph { subgraph cluster_x { image=\"/etc/passwd\"; a } }",
            "digraph { lib=\"/etc/passwd\"; a }", "digraph { _background=\"I 0 0 10 10 5 -/etc/passwd\"; a }",
            "digraph { a [_draw_=\"I 0 0 10 10 5 -/etc/passwd\"] }",
            "digraph { edge [labelfontname=\"/x/y.ttf\"]; a -> b }",
            "digraph { node [label=<<img src=\"/etc/passwd\"/>>]; a }",
            "digraph { a -> b [xlabel=<<table><tr><td><iMg sRc=\"/etc/passwd\"/></td></tr></table>>] }",
            "digraph { subgraph cluster_x { label=<<IMG SRC=\"/etc/passwd\"/>>; a } }",
        ] {
            do {
                _ = try imported(dot)
                Issue.record("imported: \(dot)")
            } catch {
                #expect("\(error)".contains("which makes Graphviz read a local file: refused"), "\(error)")
            }
            // Nor is any of them drawn, whatever the way in.
            #expect(throws: GraphvizError.self, "\(dot)") { try Graphviz.shared.render(dot: dot, format: .svg) }
        }
        // The same words as text are only text.
        let text = try imported(#"digraph { a [label="<img src=/etc/passwd>"]; b [fontname="Helvetica"]; a -> b }"#)
        #expect(text.services.first?.name == "<img src=/etc/passwd>")
    }

    @Test func malformedDOTNamesItsLineThenAGoodOneReads() throws {
        do {
            _ = try Graphviz.shared.read(dot: "digraph {\n  a -> b\n  subgraph { c -> }\n}\n")
            Issue.record("malformed DOT must not read")
        } catch {
            #expect(error.line == 3 && error.message.contains("syntax error"), "\(error.message)")
        }
        #expect(try Graphviz.shared.read(dot: "digraph { x -> y }").edges.count == 1)
    }

    @Test func aSecondGraphInTheInputIsDrainedNotCarriedOver() throws {
        let first = try Graphviz.shared.read(dot: "digraph one { a -> b }\ndigraph two { c -> d }\n")
        #expect(first.name == "one" && first.nodes.map(\.name) == ["a", "b"])
        let next = try Graphviz.shared.read(dot: "digraph three { e }")
        #expect(next.name == "three" && next.nodes.map(\.name) == ["e"])
    }
}
