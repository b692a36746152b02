import Foundation

/// Renders in a separate process of the tool (`pathway _render-worker`), so that whatever
/// Graphviz does cannot harm the caller: Debian's Graphviz 2.43 leaks memory laying out
/// clusters, can crash on some inputs, and can run for minutes; a worker is given a wall-clock
/// and memory limit, and its leaks end with it.
public struct RenderWorker: Sendable {
    /// The `pathway` executable that serves `_render-worker`.
    public var executable: URL
    /// Seconds before the worker is stopped.
    public var timeout: Double
    /// The worker's address-space limit, in MiB.
    public var memoryLimitMiB: Int
    /// Workers that stay up between layouts, while a caller serves from them (``serving()``).
    var session: RenderSession?

    public static let workerCommand = "_render-worker"

    /// The time limit for a small drawing unless told otherwise.
    public static let defaultTimeLimit = 12.0

    /// The time limit unless told otherwise for a drawing of `items` boxes and arrows: 12 s, and
    /// 1 s more for every 500 of them, up to 2 minutes. A pathway of 5,000 services and 15,000
    /// routes, which this machine draws in about 5 s, so has 52 s, and a laptop several times
    /// slower still draws it; a drawing that runs away still ends within minutes.
    public static func defaultTimeLimit(items: Int) -> Double {
        min(120, defaultTimeLimit + Double(max(0, items)) / 500)
    }

    public init(executable: URL, timeout: Double = defaultTimeLimit, memoryLimitMiB: Int = 4096) {
        self.executable = executable
        self.timeout = timeout
        self.memoryLimitMiB = memoryLimitMiB
    }

    /// A worker running this very executable (`/proc/self/exe`).
    public static func current(timeout: Double = defaultTimeLimit, memoryLimitMiB: Int = 4096) -> RenderWorker {
        RenderWorker(
            executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(),
            timeout: timeout, memoryLimitMiB: memoryLimitMiB)
    }

    /// This worker, with its layouts served by workers that stay up between them until
    /// ``endServing()``: for a caller that lays out one diagram many ways. Each layout keeps its
    /// own time limit (this worker's ``timeout``, or a copy's), and a worker that fails is not
    /// used again.
    public func serving() -> RenderWorker {
        var served = self
        served.session = RenderSession()
        return served
    }

    /// Ends the workers of ``serving()``; a copy that renders after this starts new ones.
    public func endServing() {
        session?.close()
    }

    /// Workers started by ``serving()`` so far (0 without it).
    public var workersStarted: Int { session?.started ?? 0 }

    public func render(dot: String, engine: LayoutEngine = .dot, format: DiagramFormat) throws(GraphvizError)
        -> [UInt8]
    {
        if let session { return try session.render(dot: dot, engine: engine, format: format, worker: self) }
        let process = Process()
        process.executableURL = executable
        process.arguments = [
            Self.workerCommand, "--format", format.rawValue, "--layout", engine.rawValue,
            "--memory-mib", String(memoryLimitMiB),
        ]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw GraphvizError(message: "could not start the drawing process: \(error.localizedDescription)")
        }
        let collected = Collected()
        let readers = DispatchGroup()
        DispatchQueue.global().async(group: readers) {
            collected.setOutput(output.fileHandleForReading.readDataToEndOfFile())
        }
        DispatchQueue.global().async(group: readers) {
            collected.setErrors(errors.fileHandleForReading.readDataToEndOfFile())
        }
        let pid = process.processIdentifier
        // The scheduled watchdog lives until its deadline even when cancelled: it holds only a
        // flag, never the output.
        let expired = Flag()
        let watchdog = DispatchWorkItem {
            expired.set()
            kill(pid, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        // A worker that ends before reading all its input (a crash, a refusal) must not take
        // this process down with SIGPIPE: the write fails instead, and the worker's status says
        // why.
        Self.ignoreBrokenPipes
        try? input.fileHandleForWriting.write(contentsOf: Data(dot.utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        watchdog.cancel()
        readers.wait()
        let (out, err) = collected.snapshot()
        let timedOut = expired.isSet
        guard !timedOut, process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw Self.failure(
                of: process, errors: err, engine: engine, timedOut: timedOut, limit: timeout,
                memoryLimitMiB: memoryLimitMiB)
        }
        return [UInt8](out)
    }

    /// Writing to a pipe whose reader has gone gives an error (EPIPE), not the signal that
    /// ends the process; set once, before the first worker is fed.
    static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// Why a worker that has exited gave no drawing: stopped at the time `limit`, a crash, the
    /// memory limit, or Graphviz's message (which the worker has already cut down).
    static func failure(
        of process: Process, errors: Data, engine: LayoutEngine, timedOut: Bool, limit: Double, memoryLimitMiB: Int
    ) -> GraphvizError {
        if timedOut { return timeLimitError(engine: engine, limit: limit) }
        let text = String(decoding: errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if process.terminationReason == .uncaughtSignal {
            return GraphvizError(
                message: "Graphviz crashed drawing the diagram (signal \(process.terminationStatus))"
                    + (text.isEmpty ? "" : ": \(text.prefix(300))"))
        }
        if text.contains("out of memory") || text.contains("Cannot allocate") {
            return GraphvizError(message: "drawing the diagram needed more than the limit of \(memoryLimitMiB) MiB")
        }
        return GraphvizError(
            message: text.isEmpty ? "the drawing process failed" : text, line: GraphvizError.line(in: text))
    }

    /// What a layout stopped at its time limit says: the engine and the limit.
    public static func timeLimitError(engine: LayoutEngine, limit: Double) -> GraphvizError {
        let doing = engine == .positioned ? "drawing the diagram" : "laying out the diagram with \(engine.rawValue)"
        var error = GraphvizError(message: "\(doing) took longer than the limit of \(String(format: "%g", limit)) s")
        error.timeLimit = limit
        return error
    }
}

/// What the reader threads collect, under a lock.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var output = Data()
    private var errors = Data()

    func setOutput(_ data: Data) { lock.withLock { output = data } }
    func setErrors(_ data: Data) { lock.withLock { errors = data } }
    func snapshot() -> (Data, Data) { lock.withLock { (output, errors) } }
}

/// A flag set once, read under a lock.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// The worker's side: limits its own address space, reads DOT from standard input, renders it
/// in this process, and writes the bytes to standard output (or Graphviz's message to standard
/// error, exiting 65).
public enum RenderWorkerMain {
    public static func run(format: DiagramFormat, engine: LayoutEngine, memoryLimitMiB: Int) -> Int32 {
        limitMemory(memoryLimitMiB)
        let dot = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        do {
            let bytes = try Graphviz.shared.render(dot: dot, engine: engine, format: format)
            FileHandle.standardOutput.write(Data(bytes))
            return 0
        } catch {
            FileHandle.standardError.write(Data((error.message + "\n").utf8))
            return 65
        }
    }

    /// Serves requests (``RenderSession``) until standard input ends: each the DOT's length in
    /// bytes on a line, then the DOT; each answered by `ok N` and the drawing, or by `error N`
    /// and Graphviz's message, after which it exits 65. A request that is not one exits 64.
    public static func serve(format: DiagramFormat, engine: LayoutEngine, memoryLimitMiB: Int) -> Int32 {
        limitMemory(memoryLimitMiB)
        var input = BlockReader(0)
        while true {
            guard let header = input.line(longest: 20) else { return input.endedCleanly ? 0 : 64 }
            guard let count = Int(header), count >= 0, let dot = input.bytes(count) else { return 64 }
            do {
                let bytes = try Graphviz.shared.render(
                    dot: String(decoding: dot, as: UTF8.self), engine: engine, format: format)
                guard answer("ok", bytes) else { return 0 }
            } catch {
                _ = answer("error", Array(error.message.utf8))
                return 65
            }
        }
    }

    /// Writes an answer; false when the caller has gone.
    private static func answer(_ word: String, _ body: [UInt8]) -> Bool {
        (try? FileHandle.standardOutput.write(contentsOf: Data("\(word) \(body.count)\n".utf8) + Data(body))) != nil
    }

    private static func limitMemory(_ mib: Int) {
        var limit = rlimit()
        limit.rlim_cur = rlim_t(mib) * 1024 * 1024
        limit.rlim_max = limit.rlim_cur
        setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
    }
}
