import Dispatch
import Foundation
import PathwayCore

/// The patients of the plain rows (``DelimitedReader/fastRows(_:)``), interned on a second
/// core while the first finds the next rows' fields, parses their times and interns their
/// services and organisations.
///
/// At millions of patients, interning a patient is a cache miss a row (the table is far larger
/// than the cache): about as much time as all the rest of reading a row, so on two cores the
/// two halves overlap. The reader hands over batches of rows (the patient's hash and its
/// bytes' bounds in the window) through a ring of a few batches, two semaphores keeping the
/// cores in step; the batches are interned in order, so every patient is numbered exactly as
/// on one core. Without a second core, or for a short run of rows, each batch is interned at
/// once on the reader's core. A reader keeps one feed for all its runs: a run may be a single
/// row, between rows for the thorough reader, and must cost no more than it did on one core.
final class IDFeed: @unchecked Sendable {
    /// The tables and the rows' columns: the feed's own while a run of rows is read (the
    /// reader's between runs, when these are ``none``).
    var tables = IDFeed.none
    /// Whether a second core interns this run.
    private var concurrent = false

    struct Tables {
        var patients = IDTable()
        var patient: [Int32] = []
    }

    /// Tables that stand in where the real ones are away, and are never written: copying them
    /// allocates nothing.
    static let none = Tables()

    /// The cores this process may run on.
    static let cores = ProcessInfo.processInfo.activeProcessorCount
    static let batch = 1024
    static let ring = 8
    /// Rows whose slots (and ids' bytes) are read ahead together.
    static let block = 16
    /// Words a row: the patient's hash, then its bytes' start and end in the window.
    private let stride = 3
    /// Each batch's rows: the patient's ``IDTable/hash(_:)``, then its (start, end) offsets
    /// in the window, `stride` words a row.
    private let bounds: UnsafeMutablePointer<Int>
    /// Each batch's count of rows; -1 ends the run.
    private let counts: UnsafeMutablePointer<Int>
    /// For each row of a block, the place of its id's bytes to read ahead (-1 for none).
    private let places: UnsafeMutablePointer<Int>
    /// The window of the run being read.
    private var window: UnsafePointer<UInt8>?
    // Each starts at zero (`free` is signalled once a batch before the first concurrent run,
    // and is back at that count after each): a semaphore let go below its starting value is
    // an error.
    private let filled = DispatchSemaphore(value: 0)
    private let free = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    /// The batch being filled, and how many rows it has.
    private var writing = 0
    private var fill = 0
    private var primed = false
    /// The slots read ahead (kept, so that the reads are not optimised away).
    private(set) var readAhead: UInt64 = 0

    init() {
        bounds = .allocate(capacity: stride * Self.batch * Self.ring)
        counts = .allocate(capacity: Self.ring)
        places = .allocate(capacity: Self.block)
    }

    /// Starts a run of rows in `window`, which must stay where it is until ``finish()``.
    func begin(window: UnsafePointer<UInt8>, concurrent: Bool) {
        self.window = window
        self.concurrent = concurrent
        writing = 0
        fill = 0
        guard concurrent else { return }
        if !primed {
            for _ in 1..<Self.ring { free.signal() }
            primed = true
        }
        DispatchQueue.global().async { self.intern() }
    }

    deinit {
        bounds.deallocate()
        counts.deallocate()
        places.deallocate()
    }

    /// Where the next row goes: the patient's hash (its bits), then its start and end.
    /// ``added()`` then counts the row.
    @inline(__always)
    var next: UnsafeMutablePointer<Int> { bounds + stride * (writing * Self.batch + fill) }

    @inline(__always)
    func added() {
        fill += 1
        if fill == Self.batch { send() }
    }

    /// Waits until every row added is interned; the tables and columns are then complete.
    func finish() {
        send()
        guard concurrent else { return }
        counts[writing] = -1
        filled.signal()
        finished.wait()
    }

    /// Hands the batch being filled over (or, on one core, interns it now).
    private func send() {
        guard fill > 0 else { return }
        counts[writing] = fill
        fill = 0
        if concurrent {
            filled.signal()
            writing = (writing + 1) % Self.ring
            free.wait()
        } else {
            intern(batch: writing)
        }
    }

    /// The second core: each batch in turn, until the one that ends the run.
    private func intern() {
        var slot = 0
        while true {
            filled.wait()
            if counts[slot] < 0 { break }
            intern(batch: slot)
            free.signal()
            slot = (slot + 1) % Self.ring
        }
        finished.signal()
    }

    /// Interns a batch's rows in order, a block at a time: the block's patients' hash slots are
    /// read first, all at once, then (for ids longer than eight bytes) the stored bytes those
    /// slots point to, so that their cache misses overlap instead of following one another.
    private func intern(batch slot: Int) {
        let count = counts[slot]
        guard let window else { return }
        let base = bounds + stride * slot * Self.batch
        let block = Self.block
        let ahead = places
        var sink: UInt64 = 0
        // The tables held in a local while the batch goes in: a class's stored property is
        // checked for exclusive access at every use.
        var t = Self.none
        swap(&t, &tables)
        defer { swap(&t, &tables) }
        var first = 0
        while first < count {
            let last = min(first + block, count)
            for j in first..<last {
                sink &+= t.patients.slotWord(hash: UInt64(bitPattern: Int64(base[stride * j])))
            }
            // Ids their slots cannot decide: the places of their bytes, then the bytes.
            var long = false
            for j in first..<last {
                let row = base + stride * j
                ahead[j - first] = t.patients.candidate(
                    UnsafeBufferPointer(start: window + row[1], count: row[2] - row[1]),
                    hash: UInt64(bitPattern: Int64(row[0])))
                long = long || ahead[j - first] >= 0
            }
            if long {
                for j in 0..<(last - first) where ahead[j] >= 0 { ahead[j] = t.patients.start(of: ahead[j]) }
                for j in 0..<(last - first) where ahead[j] >= 0 { sink &+= t.patients.byteWord(at: ahead[j]) }
            }
            for j in first..<last {
                let row = base + stride * j
                let id = UnsafeBufferPointer(start: window + row[1], count: row[2] - row[1])
                t.patient.append(Int32(t.patients.insert(id, hash: UInt64(bitPattern: Int64(row[0]))).position))
            }
            first = last
        }
        readAhead &+= sink
    }
}
