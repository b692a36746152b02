import Foundation

/// Bytes read from a descriptor a block at a time, taken a line or a count at a time: the
/// requests a served worker reads (``RenderWorkerMain/serve(format:engine:memoryLimitMiB:)``)
/// and the answers its caller reads (``RenderSession``).
struct BlockReader {
    enum Stop {
        /// The descriptor's end: whoever wrote to it closed it.
        case end
        /// The deadline passed first.
        case late
    }

    let descriptor: Int32
    /// Bytes read and not yet taken.
    private var pending: [UInt8] = []
    /// Why the last read found nothing more, if it did not.
    private(set) var stopped: Stop?

    init(_ descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Whether the descriptor ended with every byte taken.
    var endedCleanly: Bool { stopped == .end && pending.isEmpty }

    /// The next line, without its newline; nil at the end, at the deadline, or when more
    /// than `longest` bytes come without one.
    mutating func line(longest: Int, deadline: DispatchTime? = nil) -> String? {
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            guard pending.count <= longest, fill(deadline) else { return nil }
        }
    }

    /// The next `count` bytes; nil if the descriptor ends or the deadline passes first.
    mutating func bytes(_ count: Int, deadline: DispatchTime? = nil) -> [UInt8]? {
        while pending.count < count {
            guard fill(deadline) else { return nil }
        }
        let bytes = Array(pending[..<count])
        pending.removeSubrange(..<count)
        return bytes
    }

    /// Reads what there is, waiting for it (until `deadline`, if given); false, with
    /// ``stopped`` saying why, when nothing more came.
    private mutating func fill(_ deadline: DispatchTime?) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if let deadline {
                let left = Int64(deadline.uptimeNanoseconds) - Int64(DispatchTime.now().uptimeNanoseconds)
                var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let polled = left <= 0 ? 0 : poll(&ready, 1, Int32(min(left / 1_000_000 + 1, Int64(Int32.max))))
                if polled < 0 && errno == EINTR { continue }
                if polled == 0 {
                    stopped = .late
                    return false
                }
            }
            let n = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if n > 0 {
                pending.append(contentsOf: chunk[..<n])
                return true
            }
            if n < 0 && errno == EINTR { continue }
            stopped = .end
            return false
        }
    }
}
