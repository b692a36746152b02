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

    public func render(dot: String, engine: LayoutEngine = .dot, format: DiagramFormat) throws(GraphvizError)
        -> [UInt8]
    {
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
        if timedOut { throw Self.timeLimitError(engine: engine, limit: timeout) }
        let text = String(decoding: err, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if process.terminationReason == .uncaughtSignal {
            throw GraphvizError(
                message: "Graphviz crashed drawing the diagram (signal \(process.terminationStatus))"
                    + (text.isEmpty ? "" : ": \(text.prefix(300))"))
        }
        guard process.terminationStatus == 0 else {
            if text.contains("out of memory") || text.contains("Cannot allocate") {
                throw GraphvizError(message: "drawing the diagram needed more than the limit of \(memoryLimitMiB) MiB")
            }
            // The worker has already cut Graphviz's text down to a message.
            throw GraphvizError(
                message: text.isEmpty ? "the drawing process failed" : text, line: GraphvizError.line(in: text))
        }
        return [UInt8](out)
    }

    /// Writing to a pipe whose reader has gone gives an error (EPIPE), not the signal that
    /// ends the process; set once, before the first worker is fed.
    static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// What a layout stopped at its time limit says: the engine and the limit.
    public static func timeLimitError(engine: LayoutEngine, limit: Double) -> GraphvizError {
        let doing = engine == .positioned ? "drawing the diagram" : "laying out the diagram with \(engine.rawValue)"
        var error = GraphvizError(message: "\(doing) took longer than the limit of \(String(format: "%g", limit)) s")
        error.timeLimit = limit
        return error
    }
}

/// What the reader threads collect, under a lock.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var output = Data()
    private var errors = Data()

    func setOutput(_ data: Data) { lock.withLock { output = data } }
    func setErrors(_ data: Data) { lock.withLock { errors = data } }
    func snapshot() -> (Data, Data) { lock.withLock { (output, errors) } }
}

/// A flag set once, read under a lock.
private final class Flag: @unchecked Sendable {
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
        var limit = rlimit()
        limit.rlim_cur = rlim_t(memoryLimitMiB) * 1024 * 1024
        limit.rlim_max = limit.rlim_cur
        setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
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
}
