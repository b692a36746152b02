/// A list of distinct ids held in one byte buffer, with an open-addressing hash table from id
/// to position: the service ids of a pathway, by vertex.
///
/// A million ids cost one buffer of their bytes, one offset each and a table of two slots each,
/// instead of a `String` and a dictionary entry each; a lookup hashes the bytes in place and
/// compares them with `memcmp`, so reading a network of millions of routes allocates nothing
/// per route.
///
/// Ids are compared as bytes. Valid ids are ASCII (`[a-z0-9-]`), for which byte order is the
/// order of `String`'s `<`, so ``sortedOrder()`` sorts exactly as `[String].sorted()` would.
public struct IDTable: RandomAccessCollection, Sendable {
    /// The ids' bytes, one after another.
    public private(set) var bytes: [UInt8] = []
    /// Id `k` is `bytes[starts[k]..<starts[k + 1]]`.
    public private(set) var starts: [Int] = [0]
    /// Two words per slot, in one cache line: the id's first eight bytes, then
    /// `tag << 40 | min(length, 255) << 32 | (position + 1)` (0 for an empty slot), the tag
    /// being the hash's top 24 bits. An id of up to eight bytes is found without reading
    /// `bytes`.
    private var slots: [UInt64] = []
    private var mask = 0
    /// The process's hash seed, held by each table: every read of a static is a call to the runtime
    /// to check that it is set, three a row when reading records.
    public let hashSeed = IDTable.processSeed

    public init() { resize(to: 16) }

    /// Room for `count` ids averaging `bytesEach` bytes without growing.
    public init(reservingCapacity count: Int, bytesEach: Int = 16) {
        self.init()
        reserve(count, bytesEach: bytesEach)
    }

    /// Room for `count` ids in all, averaging `bytesEach` bytes, without growing: the ids held
    /// are placed again in a larger table if this one would have to grow before then.
    public mutating func reserve(_ count: Int, bytesEach: Int = 16) {
        var capacity = slots.count / 2
        while 3 * capacity < 4 * (count + 1) { capacity *= 2 }
        if capacity > slots.count / 2 { resize(to: capacity) }
        bytes.reserveCapacity(count * bytesEach)
        starts.reserveCapacity(count + 1)
    }

    /// The table of `ids`, which must be distinct.
    public init<S: Sequence>(_ ids: S) where S.Element == String {
        self.init()
        for id in ids {
            var id = id
            id.withUTF8 { _ = insert($0) }
        }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { starts.count - 1 }

    public subscript(position: Int) -> String {
        bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[starts[position]..<starts[position + 1]]), as: UTF8.self)
        }
    }

    /// The position of `id`, if it is in the table.
    public func index(of id: String) -> Int? {
        var id = id
        return id.withUTF8 { find($0) }
    }

    /// The position of the id with these bytes, if it is in the table.
    public func find(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        find(key, hash: Self.hash(key, seed: hashSeed))
    }

    /// The position of the id with these bytes and this ``hash(_:)``, if it is in the table.
    func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
        probe(key, hash: hash).position
    }

    /// The first word of the slot where a search for this hash starts: reading it ahead
    /// brings the slot into the cache.
    @inline(__always)
    public func slotWord(hash: UInt64) -> UInt64 {
        slots.withUnsafeBufferPointer { $0[2 * (Int(truncatingIfNeeded: hash) & mask) + 1] }
    }

    /// For a key its slot cannot decide (over eight bytes, and not 9 to 16 digits): the
    /// position of the first id on its search's path (up to four slots) with its tag and
    /// length, most likely the key itself, or -1. Read after ``slotWord(hash:)`` has brought
    /// the slots in; then the id's start (``start(of:)``), then its bytes (``byteWord(at:)``),
    /// each for a batch of keys at once, so that the misses overlap where each insertion would
    /// wait for its slot, then for the id's place, then for its bytes.
    @inline(__always)
    public func candidate(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int {
        let (_, decides) = Self.slotWord(key)
        guard !decides else { return -1 }
        let meta = Self.meta(hash, key.count, decides: false)
        return slots.withUnsafeBufferPointer { slots in
            var slot = Int(truncatingIfNeeded: hash) & mask
            for _ in 0..<4 {
                let entry = slots[2 * slot + 1]
                if entry == 0 { return -1 }
                if entry >> 32 == meta { return Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1 }
                slot = (slot + 1) & mask
            }
            return -1
        }
    }

    /// Where id `position`'s bytes start in ``bytes``.
    @inline(__always)
    public func start(of position: Int) -> Int { starts.withUnsafeBufferPointer { $0[position] } }

    /// The stored byte at `offset` of ``bytes``, as a word (to read it ahead).
    @inline(__always)
    public func byteWord(at offset: Int) -> UInt64 { bytes.withUnsafeBufferPointer { UInt64($0[offset]) } }

    /// Linear probing from the hash's slot: the id's position if it is there, else the empty
    /// slot where it would go.
    @inline(__always)
    private func probe(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (position: Int?, slot: Int) {
        let (word, decides) = Self.slotWord(key)
        return probe(key, hash: hash, word: word, decides: decides)
    }

    /// ``probe(_:hash:)`` with the key's ``slotWord(_:)`` worked out already.
    @inline(__always)
    private func probe(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, word prefix: UInt64, decides: Bool)
        -> (position: Int?, slot: Int)
    {
        let meta = Self.meta(hash, key.count, decides: decides)
        var slot = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let entry = slots[2 * slot + 1]
                if entry == 0 { return (nil, slot) }
                if entry >> 32 == meta && slots[2 * slot] == prefix {
                    let k = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                    if decides || restEqual(key, k) { return (k, slot) }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Adds the id with these bytes, unless it is there already.
    /// - Returns: its position, and whether it was added.
    @discardableResult
    public mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> (position: Int, inserted: Bool) {
        insert(key, hash: Self.hash(key, seed: hashSeed))
    }

    /// ``insert(_:)`` with the key's ``hash(_:)`` worked out already (so that a batch of
    /// keys can have their slots read ahead with ``slotWord(hash:)``).
    @discardableResult
    public mutating func insert(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (position: Int, inserted: Bool) {
        // Grow at three quarters full.
        if 4 * (count + 1) > 3 * (slots.count / 2) { resize(to: slots.count) }
        let (word, decides) = Self.slotWord(key)
        let (found, slot) = probe(key, hash: hash, word: word, decides: decides)
        if let found { return (found, false) }
        let position = count
        slots[2 * slot] = word
        slots[2 * slot + 1] = Self.meta(hash, key.count, decides: decides) << 32 | UInt64(position + 1)
        bytes.append(contentsOf: key)
        starts.append(bytes.count)
        return (position, true)
    }

    /// Room for at least `capacity` slots, all ids placed again.
    private mutating func resize(to capacity: Int) {
        slots = [UInt64](repeating: 0, count: 2 * capacity)
        mask = capacity - 1
        let n = count
        bytes.withUnsafeBufferPointer { bytes in
            starts.withUnsafeBufferPointer { starts in
                slots.withUnsafeMutableBufferPointer { slots in
                    for k in 0..<n {
                        let key = UnsafeBufferPointer(rebasing: bytes[starts[k]..<starts[k + 1]])
                        let hash = Self.hash(key, seed: hashSeed)
                        var slot = Int(truncatingIfNeeded: hash) & mask
                        while slots[2 * slot + 1] != 0 { slot = (slot + 1) & mask }
                        let (word, decides) = Self.slotWord(key)
                        slots[2 * slot] = word
                        slots[2 * slot + 1] = Self.meta(hash, key.count, decides: decides) << 32 | UInt64(k + 1)
                    }
                }
            }
        }
    }

    /// A slot's tag: 24 bits of the hash, then a byte for the length, which also says whether
    /// the slot's word decides the id: 0-8 for ids of up to eight bytes, 137-144 for 9 to 16
    /// digits, and 9-127 (longer ids all 127) for any other, whose bytes must be compared.
    @inline(__always)
    static func meta(_ hash: UInt64, _ length: Int, decides: Bool) -> UInt64 {
        let byte = length <= 8 ? length : decides ? 128 + length : Swift.min(length, 127)
        return (hash >> 40) << 8 | UInt64(byte)
    }

    /// The word a slot keeps of an id, and whether with the id's length it decides the id
    /// alone: so for ids of up to eight bytes (``prefix(_:)``), and for ids of 9 to 16 ASCII
    /// digits, packed four bits a digit, as NHS numbers (ten digits) and other numeric ids
    /// are. Any other id keeps its first eight bytes, and a match is checked on its bytes,
    /// a cache miss more for its place and one for its bytes in a table of millions.
    @inline(__always)
    static func slotWord(_ key: UnsafeBufferPointer<UInt8>) -> (word: UInt64, decides: Bool) {
        let n = key.count
        if n <= 8 { return (prefix(key), true) }
        let first = UnsafeRawPointer(key.baseAddress!).loadUnaligned(as: UInt64.self)
        guard n <= 16 else { return (first, false) }
        var packed: UInt64 = 0
        for b in key {
            let digit = b &- UInt8(ascii: "0")
            if digit > 9 { return (first, false) }
            packed = packed << 4 | UInt64(digit)
        }
        return (packed, true)
    }

    /// The first eight bytes as one word; for a shorter id, a word that, with its length,
    /// determines it (two overlapping four-byte reads, or three single bytes).
    @inlinable @inline(__always)
    package static func prefix(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = key.count
        guard let base = key.baseAddress, n > 0 else { return 0 }
        let raw = UnsafeRawPointer(base)
        if n >= 8 { return raw.loadUnaligned(as: UInt64.self) }
        if n >= 4 {
            return UInt64(raw.loadUnaligned(as: UInt32.self))
                | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
        }
        return UInt64(base[0]) | UInt64(base[n / 2]) << 8 | UInt64(base[n - 1]) << 16
    }

    /// Whether `key`, whose first eight bytes match id `k`'s, equals it from there on.
    @inline(__always)
    private func restEqual(_ key: UnsafeBufferPointer<UInt8>, _ k: Int) -> Bool {
        bytes.withUnsafeBufferPointer { bytes in
            Self.equal(key, bytes, starts[k], starts[k + 1])
        }
    }

    @inline(__always)
    private static func equal(
        _ key: UnsafeBufferPointer<UInt8>, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int
    ) -> Bool {
        guard end - start == key.count else { return false }
        if key.count <= 32 {
            for j in 0..<key.count where key[j] != bytes[start + j] { return false }
            return true
        }
        return memcmp(key.baseAddress!, bytes.baseAddress! + start, key.count) == 0
    }

    /// A per-process seed, so that no file can be made to collide on every machine.
    private static let processSeed: UInt64 = UInt64.random(in: 1...UInt64.max)

    /// A fast hash of a short byte string: eight bytes at a time (the last eight read again,
    /// overlapping, rather than byte by byte), multiplied and folded: the hash that
    /// ``insert(_:hash:)`` and ``slotWord(hash:)`` take.
    @inline(__always)
    public static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        hash(key, seed: processSeed)
    }

    /// ``hash(_:)`` with the seed read already (``hashSeed``), for a loop over many keys.
    @inline(__always)
    public static func hash(_ key: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        let n = key.count
        var h = seed ^ UInt64(n) &* multiplier
        if n <= 8 { return mix(h ^ prefix(key)) }
        let raw = UnsafeRawPointer(key.baseAddress!)
        var k = 0
        while k + 8 < n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)) &* multiplier
            h ^= h >> 29
            k += 8
        }
        h = (h ^ raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) &* multiplier
        return mix(h)
    }

    @inline(__always)
    private static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Whether id `a` sorts before id `b`, comparing bytes.
    @inline(__always)
    public func precedes(_ a: Int, _ b: Int) -> Bool {
        bytes.withUnsafeBufferPointer { Self.less($0, starts[a], starts[a + 1], starts[b], starts[b + 1]) }
    }

    @inline(__always)
    private static func less(_ bytes: UnsafeBufferPointer<UInt8>, _ a0: Int, _ a1: Int, _ b0: Int, _ b1: Int) -> Bool {
        let la = a1 - a0
        let lb = b1 - b0
        let common = Swift.min(la, lb)
        if common > 0 {
            let c = memcmp(bytes.baseAddress! + a0, bytes.baseAddress! + b0, common)
            if c != 0 { return c < 0 }
        }
        return la < lb
    }

    /// Every position, in the order of their ids: `sortedOrder().map { self[$0] }` equals
    /// `Array(self).sorted()`.
    ///
    /// Sorts on each id's first eight bytes as one integer, by a least-significant-byte radix
    /// sort that steps over every byte all ids share (ids like `s123` share their first), then
    /// settles ties by the bytes.
    /// - Complexity: O(n) for the eight bytes, O(t log t) comparisons for each run of t ties.
    public func sortedOrder() -> [Int32] {
        let n = count
        var keys = [UInt64](repeating: 0, count: n)
        var order = [Int32](0..<Int32(n))
        bytes.withUnsafeBufferPointer { bytes in
            for k in 0..<n {
                var key: UInt64 = 0
                let start = starts[k]
                let length = Swift.min(8, starts[k + 1] - start)
                for j in 0..<length { key |= UInt64(bytes[start + j]) << (56 - 8 * UInt64(j)) }
                keys[k] = key
            }
        }
        Self.radixSort(&keys, carrying: &order, bits: 64, digit: 8)
        // Ids that share their first eight bytes are ordered by the rest.
        bytes.withUnsafeBufferPointer { bytes in
            starts.withUnsafeBufferPointer { starts in
                var runStart = 0
                while runStart < n {
                    var runEnd = runStart + 1
                    while runEnd < n && keys[runEnd] == keys[runStart] { runEnd += 1 }
                    if runEnd - runStart > 1 {
                        order[runStart..<runEnd].sort { a, b in
                            Self.less(bytes, starts[Int(a)], starts[Int(a) + 1], starts[Int(b)], starts[Int(b) + 1])
                        }
                    }
                    runStart = runEnd
                }
            }
        }
        return order
    }

    /// Sorts `keys` by their low `bits` bits, stably, carrying `values` along (unless it is
    /// empty): a least-significant-digit radix sort in digits of `digit` bits (up to 16),
    /// every pass's digit counts taken in one read of the keys, and a pass skipped when every
    /// key has the same digit there. Eleven bits suit millions of keys: a pass writes to 2,048
    /// places at a time, whose cache lines stay in the core's cache, where 65,536 went to
    /// memory, one miss a key.
    package static func radixSort(
        _ keys: inout [UInt64], carrying values: inout [Int32], bits: Int = 64, digit: Int = 11
    ) {
        let n = keys.count
        guard n > 1 else { return }
        let carry = !values.isEmpty
        let mask = UInt64(1) << UInt64(digit) - 1
        let passes = (bits + digit - 1) / digit
        var counts = [Int](repeating: 0, count: passes << digit)
        keys.withUnsafeBufferPointer { keys in
            counts.withUnsafeMutableBufferPointer { counts in
                for key in keys {
                    for pass in 0..<passes {
                        counts[pass << digit | Int(truncatingIfNeeded: key >> UInt64(pass * digit) & mask)] += 1
                    }
                }
            }
        }
        var spareKeys = [UInt64](repeating: 0, count: n)
        var spareValues = [Int32](repeating: 0, count: carry ? n : 0)
        for pass in 0..<passes {
            let shift = UInt64(pass * digit)
            var places = Array(counts[pass << digit..<(pass + 1) << digit])
            if places.contains(n) { continue }
            var total = 0
            for k in places.indices {
                let c = places[k]
                places[k] = total
                total += c
            }
            keys.withUnsafeBufferPointer { keys in
                values.withUnsafeBufferPointer { values in
                    spareKeys.withUnsafeMutableBufferPointer { spareKeys in
                        spareValues.withUnsafeMutableBufferPointer { spareValues in
                            places.withUnsafeMutableBufferPointer { places in
                                for k in 0..<n {
                                    let key = keys[k]
                                    let d = Int(truncatingIfNeeded: key >> shift & mask)
                                    let at = places[d]
                                    places[d] = at + 1
                                    spareKeys[at] = key
                                    if carry { spareValues[at] = values[k] }
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &spareKeys)
            if carry { swap(&values, &spareValues) }
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
