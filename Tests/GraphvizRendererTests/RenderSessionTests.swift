import Foundation
import GraphvizRenderer
import PathwayCore
import PathwayTestSupport
import Testing

/// Workers that stay up between layouts (`RenderWorker.serving()`): the same drawings as a
/// process each, fewer processes, and every failure still a clear error that ends only the
/// worker it happened in.
@Suite struct RenderSessionTests {
    static var pathwayTool: URL { RenderWorkerTests.pathwayTool }

    /// Small DOT graphs that differ, so that a worker answering with an earlier drawing is seen.
    static let graphs = (1...6).map { k in
        "digraph { " + (0..<k).map { "n\($0) -> n\($0 + 1); " }.joined() + "n0 -> n\(k) [label=\"k\(k)\"]; }"
    }

    @Test func oneWorkerServesManyLayoutsEachTheSameAsItsOwnProcessGives() throws {
        let worker = RenderWorker(executable: Self.pathwayTool)
        let served = worker.serving()
        defer { served.endServing() }
        for dot in Self.graphs {
            #expect(try served.render(dot: dot, format: .svg) == worker.render(dot: dot, format: .svg))
        }
        #expect(served.workersStarted == 1)
        // Another engine or format is another worker; the first is still there for its own.
        let plain = try served.render(dot: Self.graphs[0], engine: .neato, format: .svg)
        #expect(plain == (try worker.render(dot: Self.graphs[0], engine: .neato, format: .svg)))
        _ = try served.render(dot: Self.graphs[1], format: .svg)
        #expect(served.workersStarted == 2)
        #expect(worker.workersStarted == 0)
    }

    @Test func aWorkerIsRetiredAfterItsShareOfLayouts() throws {
        let served = RenderWorker(executable: Self.pathwayTool).serving()
        defer { served.endServing() }
        for k in 0...64 { _ = try served.render(dot: Self.graphs[k % Self.graphs.count], format: .svg) }
        #expect(served.workersStarted == 2)
    }

    @Test func graphvizMessagesComeBackWithTheirLineAndTheNextLayoutStillDraws() throws {
        let served = RenderWorker(executable: Self.pathwayTool).serving()
        defer { served.endServing() }
        _ = try served.render(dot: Self.graphs[0], format: .svg)
        do {
            _ = try served.render(dot: "digraph {\n a -> ;\n}\n", format: .svg)
            Issue.record("malformed DOT must fail")
        } catch {
            #expect(error.message.contains("syntax error") && error.line == 2, "\(error.message)")
        }
        // Refused by the worker that had drawn before, then by a new one (as a process of its
        // own would refuse it); neither is used again.
        let svg = try served.render(dot: Self.graphs[2], format: .svg)
        #expect(String(decoding: svg, as: UTF8.self).contains("k3"))
        #expect(served.workersStarted == 3)
    }

    /// A worker script that answers its first request with `first` (shell), after reading its
    /// header line and the DOT.
    func worker(answering first: String, timeout: Double = RenderWorker.defaultTimeLimit) throws -> (RenderWorker, URL)
    {
        let url = try ScriptFile.executable(
            "#!/bin/sh\nread n\nhead -c \"$n\" >/dev/null\n\(first)\n", prefix: "serve")
        return (RenderWorker(executable: url, timeout: timeout).serving(), url)
    }

    @Test func aCrashARunawayAndNonsenseAreEachAClearError() throws {
        let cases: [(String, Double, String)] = [
            ("kill -SEGV $$", 12, "Graphviz crashed drawing the diagram (signal 11)"),
            ("exec sleep 30", 0.5, "laying out the diagram with dot took longer than the limit of 0.5 s"),
            ("echo nonsense", 12, "the drawing process failed"),
            ("printf 'ok 10\\nshort'", 12, "the drawing process failed"),
            ("echo 'out of memory' >&2; exit 1", 12, "drawing the diagram needed more than the limit of 4096 MiB"),
        ]
        for (body, timeout, message) in cases {
            let (served, url) = try worker(answering: body, timeout: timeout)
            defer {
                served.endServing()
                try? FileManager.default.removeItem(at: url)
            }
            do {
                _ = try served.render(dot: Self.graphs[0], format: .svg)
                Issue.record("'\(body)' must fail")
            } catch {
                #expect(error.message == message, "\(body): \(error.message)")
                #expect((error.timeLimit != nil) == (timeout < 1), "\(body)")
            }
        }
    }

    /// Scripts that answer every request they read with the same five bytes, taken as the
    /// drawing: one keeps serving, so one process answers every layout; one dies on its second
    /// request, so each layout after the first fails in a worker that drew before and is tried
    /// again in a new one, and is still drawn.
    @Test(arguments: [
        ("while read n; do head -c \"$n\" >/dev/null; printf 'ok 5\\nhello'; done", 1),
        ("read n\nhead -c \"$n\" >/dev/null\nprintf 'ok 5\\nhello'\nread n\nexit 3", 3),
    ])
    func aWorkerIsTakenAtItsWordAndOneThatDiesIsReplaced(script: String, workers: Int) throws {
        let url = try ScriptFile.executable("#!/bin/sh\n\(script)\n", prefix: "serve")
        defer { try? FileManager.default.removeItem(at: url) }
        let served = RenderWorker(executable: url).serving()
        defer { served.endServing() }
        for dot in Self.graphs.prefix(3) { #expect(try served.render(dot: dot, format: .svg) == Array("hello".utf8)) }
        #expect(served.workersStarted == workers)
    }

    /// The worker's side, spoken to directly: two requests answered in turn, then the end of
    /// the input ends it cleanly; a request that is not one ends it with status 64.
    @Test func theServingWorkerAnswersRequestsInTurnAndRefusesNonsense() throws {
        func run(_ input: [UInt8]) throws -> (Int32, [UInt8]) {
            let process = Process()
            process.executableURL = Self.pathwayTool
            process.arguments = [RenderWorker.workerCommand, "--format", "svg", "--layout", "dot", "--serve"]
            let (stdin, stdout) = (Pipe(), Pipe())
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = FileHandle.nullDevice
            try process.run()
            try stdin.fileHandleForWriting.write(contentsOf: Data(input))
            try stdin.fileHandleForWriting.close()
            let output = stdout.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, [UInt8](output))
        }
        let requests = Self.graphs.prefix(2).flatMap { Array("\($0.utf8.count)\n\($0)".utf8) }
        let (status, output) = try run(requests)
        #expect(status == 0)
        var expected: [UInt8] = []
        for dot in Self.graphs.prefix(2) {
            let svg = try Graphviz.shared.render(dot: dot, format: .svg)
            expected += Array("ok \(svg.count)\n".utf8) + svg
        }
        #expect(output == expected)
        for nonsense in ["twelve\n", "-3\n", "100\ndigraph { a }", String(repeating: "9", count: 40)] {
            #expect(try run(Array(nonsense.utf8)) == (64, []), "\(nonsense)")
        }
        let bad = "digraph {\n a -> ;\n}\n"
        let (refused, message) = try run(Array("\(bad.utf8.count)\n\(bad)".utf8))
        #expect(refused == 65)
        #expect(String(decoding: message, as: UTF8.self).hasPrefix("error "))
    }
}
