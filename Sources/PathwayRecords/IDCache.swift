import PathwayCore

/// The positions of a few hundred ids met again and again in no order (the services of a
/// records file, one a row), in front of their ``IDTable``: a direct-mapped table of the ids
/// of up to 16 bytes, each kept whole as two words and its length, so that a hit is decided
/// without hashing, probing or reading the table's bytes. Longer ids, and ids whose entry
/// another holds, go to the table. A cache serves one table, which only it and direct
/// insertions may grow.
final class IDCache {
    /// Three words an entry: the id's first eight bytes (for up to eight, ``IDTable``'s word that
    /// with its length determines it), its last eight (0 for up to eight), then its length above
    /// its position plus one (0 for an empty entry).
    private let entries: UnsafeMutablePointer<UInt64>
    /// 2^bits entries.
    private let bits: Int

    /// A cache of 2^bits entries (1,024 unless told).
    init(bits: Int = 10) {
        self.bits = bits
        entries = .allocate(capacity: 3 << bits)
        entries.initialize(repeating: 0, count: 3 << bits)
    }

    deinit { entries.deallocate() }

    /// The position of `key` in `table`, inserted there if it is new.
    @inline(__always)
    func insert(_ key: UnsafeBufferPointer<UInt8>, into table: inout IDTable) -> Int {
        let n = key.count
        guard n <= 16, n > 0, let base = key.baseAddress else { return table.insert(key).position }
        let raw = UnsafeRawPointer(base)
        // Up to eight bytes, the table's own word for them (with the length, it determines
        // the id); more, the first and the last eight.
        let first = n <= 8 ? IDTable.prefix(key) : raw.loadUnaligned(as: UInt64.self)
        let last = n <= 8 ? 0 : raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        let tag = UInt64(n) << 32
        let mixed = (first ^ last &* 0xC2B2_AE3D_27D4_EB4F ^ tag) &* 0x9E37_79B9_7F4A_7C15
        let entry = entries + 3 * Int(truncatingIfNeeded: mixed >> UInt64(64 - bits))
        if entry[0] == first && entry[1] == last && entry[2] & ~0xFFFF_FFFF == tag {
            return Int(truncatingIfNeeded: entry[2] & 0xFFFF_FFFF) - 1
        }
        let position = table.insert(key).position
        if position < 0xFFFF_FFFF {
            entry[0] = first
            entry[1] = last
            entry[2] = tag | UInt64(position + 1)
        }
        return position
    }
}
