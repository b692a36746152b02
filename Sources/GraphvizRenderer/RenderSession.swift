import Foundation

/// Layouts served one after another by workers that stay up between them
/// (`pathway _render-worker --serve`), for a caller that lays out one diagram many ways: the
/// layout search of a small pathway lays it out about a hundred times, and starting a process
/// (loading the tool, Graphviz's plugins and the font configuration) cost more than the
/// layout itself.
///
/// A worker keeps everything that makes it safe: its own process, its address-space limit and
/// a wall-clock limit on each layout. A worker that fails in any way (Graphviz refuses the
/// DOT, it crashes, it runs out of time or memory) is not used again; the next layout starts
/// another. Each is retired after ``layoutsPerWorker`` layouts, so that what Graphviz 2.43
/// leaks from one layout to the next stays small.
final class RenderSession: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [ServedWorker] = []
    private var startedCount = 0

    /// Layouts a worker serves before it is retired.
    static let layoutsPerWorker = 64

    /// Workers started so far.
    var started: Int { lock.withLock { startedCount } }

    /// `dot` drawn by an idle worker for `engine` and `format`, or by a new one, within
    /// `worker`'s time limit and with its memory limit.
    func render(dot: String, engine: LayoutEngine, format: DiagramFormat, worker: RenderWorker)
        throws(GraphvizError) -> [UInt8]
    {
        guard let reused = take(worker, engine: engine, format: format) else {
            return try render(dot: dot, by: start(worker, engine: engine, format: format), timeout: worker.timeout)
        }
        let begun = DispatchTime.now()
        do {
            return try render(dot: dot, by: reused, timeout: worker.timeout)
        } catch  where error.timeLimit == nil {
            // A worker that has drawn before may fail for what earlier layouts left (memory,
            // say): the layout is tried again in a new one, in what is left of the time, so that
            // it fails only as it would in a process of its own.
            let spent = Double(DispatchTime.now().uptimeNanoseconds - begun.uptimeNanoseconds) / 1e9
            guard spent < worker.timeout else {
                throw RenderWorker.timeLimitError(engine: engine, limit: worker.timeout)
            }
            return try render(
                dot: dot, by: start(worker, engine: engine, format: format), timeout: worker.timeout - spent)
        }
    }

    private func start(_ worker: RenderWorker, engine: LayoutEngine, format: DiagramFormat) throws(GraphvizError)
        -> ServedWorker
    {
        let served = try ServedWorker(worker, engine: engine, format: format)
        lock.withLock { startedCount += 1 }
        return served
    }

    /// `dot` drawn by `served`, which then goes back to the idle workers unless it failed or
    /// has served its share.
    private func render(dot: String, by served: ServedWorker, timeout: Double) throws(GraphvizError) -> [UInt8] {
        do {
            let bytes = try served.render(dot: dot, timeout: timeout)
            if served.layouts < Self.layoutsPerWorker {
                lock.withLock { idle.append(served) }
            } else {
                served.close()
            }
            return bytes
        } catch {
            served.close()
            throw error
        }
    }

    /// An idle worker of `worker`'s executable and memory limit for `engine` and `format`.
    private func take(_ worker: RenderWorker, engine: LayoutEngine, format: DiagramFormat) -> ServedWorker? {
        lock.withLock {
            guard
                let k = idle.firstIndex(where: {
                    $0.engine == engine && $0.format == format && $0.memoryLimitMiB == worker.memoryLimitMiB
                        && $0.executable == worker.executable
                })
            else { return nil }
            return idle.remove(at: k)
        }
    }

    /// Ends every idle worker (each exits when its input ends) and waits for it.
    func close() {
        let workers = lock.withLock {
            defer { idle = [] }
            return idle
        }
        for worker in workers { worker.close() }
    }

    deinit { close() }
}

/// One `_render-worker --serve` process: a request is the DOT's length in bytes on a line, then
/// the DOT; the answer is `ok N` or `error N` on a line, then N bytes (the drawing, or
/// Graphviz's message, after which the worker exits).
private final class ServedWorker {
    let executable: URL
    let engine: LayoutEngine
    let format: DiagramFormat
    let memoryLimitMiB: Int
    private(set) var layouts = 0
    private let process = Process()
    private let input = Pipe()
    private let output: Pipe
    private let errors = Pipe()
    private let errorText = Collected()
    private let errorsRead = DispatchGroup()
    /// The worker's output.
    private var answers: BlockReader
    private var closed = false

    init(_ worker: RenderWorker, engine: LayoutEngine, format: DiagramFormat) throws(GraphvizError) {
        let output = Pipe()
        self.output = output
        answers = BlockReader(output.fileHandleForReading.fileDescriptor)
        executable = worker.executable
        self.engine = engine
        self.format = format
        memoryLimitMiB = worker.memoryLimitMiB
        process.executableURL = worker.executable
        process.arguments = [
            RenderWorker.workerCommand, "--format", format.rawValue, "--layout", engine.rawValue,
            "--memory-mib", String(worker.memoryLimitMiB), "--serve",
        ]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        RenderWorker.ignoreBrokenPipes
        do {
            try process.run()
        } catch {
            throw GraphvizError(message: "could not start the drawing process: \(error.localizedDescription)")
        }
        let (errors, text) = (self.errors, errorText)
        DispatchQueue.global().async(group: errorsRead) {
            text.setErrors(errors.fileHandleForReading.readDataToEndOfFile())
        }
    }

    /// The drawing of `dot`, or the error that ends this worker.
    func render(dot: String, timeout: Double) throws(GraphvizError) -> [UInt8] {
        let pid = process.processIdentifier
        let expired = Flag()
        let deadline = DispatchTime.now() + timeout
        // The write waits while the worker is not reading; the reads wait until the deadline.
        let watchdog = DispatchWorkItem {
            expired.set()
            kill(pid, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: deadline, execute: watchdog)
        defer { watchdog.cancel() }
        let bytes = Array(dot.utf8)
        // A worker that has gone makes the write fail (no signal: broken pipes are ignored), and
        // the read below then finds the end of its output and says why it went.
        try? input.fileHandleForWriting.write(contentsOf: Data("\(bytes.count)\n".utf8) + Data(bytes))
        let answer = answers.line(longest: 64, deadline: deadline).flatMap { header -> (Bool, [UInt8])? in
            let words = header.split(separator: " ")
            guard words.count == 2, words[0] == "ok" || words[0] == "error", let count = Int(words[1]), count >= 0,
                let body = answers.bytes(count, deadline: deadline)
            else { return nil }
            return (words[0] == "ok", body)
        }
        if answers.stopped == .late {
            // Past the deadline with the output still open (a process the worker started may
            // hold it after the worker has gone): stopped as the watchdog stops it.
            expired.set()
            kill(pid, SIGKILL)
        }
        guard let (ok, body) = answer, !expired.isSet else {
            // Waited for with the watchdog still set: a worker that closed its output need not
            // have exited.
            close()
            throw RenderWorker.failure(
                of: process, errors: errorText.snapshot().1, engine: engine, timedOut: expired.isSet,
                limit: timeout, memoryLimitMiB: memoryLimitMiB)
        }
        guard ok else {
            close()
            let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw GraphvizError(
                message: text.isEmpty ? "the drawing process failed" : text, line: GraphvizError.line(in: text))
        }
        layouts += 1
        return body
    }

    /// Ends the worker's input, waits for it to exit and for its error text.
    func close() {
        guard !closed else { return }
        closed = true
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        errorsRead.wait()
    }

    deinit { close() }
}
