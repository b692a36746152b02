import Foundation

/// Layouts served one after another by workers that stay up between them
/// (`pathway _render-worker --serve`), for a caller that lays out one diagram many ways: the
/// layout search of a small pathway lays it out about a hundred times, and starting a process
/// (loading the tool, Graphviz's plugins and the font configuration) took about three times
/// as long as the layout itself.
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
    private let output = Pipe()
    private let errors = Pipe()
    private let errorText = Collected()
    private let errorsRead = DispatchGroup()
    /// Bytes read from the worker and not yet used.
    private var pending: [UInt8] = []
    private var closed = false

    init(_ worker: RenderWorker, engine: LayoutEngine, format: DiagramFormat) throws(GraphvizError) {
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
        let answer = readLine(until: deadline, expired: expired).flatMap { header -> (Bool, [UInt8])? in
            let words = header.split(separator: " ")
            guard words.count == 2, words[0] == "ok" || words[0] == "error", let count = Int(words[1]), count >= 0,
                let body = read(count, until: deadline, expired: expired)
            else { return nil }
            return (words[0] == "ok", body)
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

    /// The next line of the worker's output, without its newline; nil at the end of the output
    /// or past 64 bytes (not an answer's header).
    private func readLine(until deadline: DispatchTime, expired: Flag) -> String? {
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            guard pending.count <= 64, fill(until: deadline, expired: expired) else { return nil }
        }
    }

    /// The next `count` bytes of the worker's output; nil if it ends first.
    private func read(_ count: Int, until deadline: DispatchTime, expired: Flag) -> [UInt8]? {
        while pending.count < count {
            guard fill(until: deadline, expired: expired) else { return nil }
        }
        let bytes = Array(pending[..<count])
        pending.removeSubrange(..<count)
        return bytes
    }

    /// Reads what the worker has written, waiting for it until `deadline`; false at the end of
    /// its output, or at the deadline (when the worker is stopped and `expired` set: a process
    /// the worker started could keep the output open after it has gone).
    private func fill(until deadline: DispatchTime, expired: Flag) -> Bool {
        let fd = output.fileHandleForReading.fileDescriptor
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let left = Int64(deadline.uptimeNanoseconds) - Int64(DispatchTime.now().uptimeNanoseconds)
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let polled = left <= 0 ? 0 : poll(&ready, 1, Int32(min(left / 1_000_000 + 1, Int64(Int32.max))))
            if polled < 0 && errno == EINTR { continue }
            if polled == 0 {
                expired.set()
                kill(process.processIdentifier, SIGKILL)
                return false
            }
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                pending.append(contentsOf: chunk[..<n])
                return true
            }
            if n < 0 && errno == EINTR { continue }
            return false
        }
    }

    deinit { close() }
}
