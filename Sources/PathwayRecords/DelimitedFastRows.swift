import PathwayCore

extension DelimitedReader {
    /// Reads, straight from the window, the complete lines that need none of the thorough
    /// reader's care: ASCII with no quote, NUL or lone carriage return; the header's number of
    /// fields, none empty and none with a space or tab at either end; a time that parses, with
    /// a zone if and only if the first row's had one. It stops at the first other line, which
    /// the thorough reader then reads (with its messages), and at the end of the window.
    ///
    /// Such a line gives the thorough reader's values byte for byte: nothing to unquote or trim,
    /// nothing to refuse. Lines are taken a block at a time: their patients' hash slots are
    /// read first, all at once, so that the cache misses of a table of millions of patients
    /// overlap instead of following one another.
    /// - Returns: whether it read a row.
    mutating func fastRows(_ source: inout ByteSource) -> Bool {
        guard let zone = zoneSeen, width > 0, width <= 256 else { return false }
        let block = 16
        if bounds.count != 2 * width * block { bounds = [Int](repeating: 0, count: 2 * width * block) }
        let delimiter = self.delimiter
        let width = self.width
        let referrals = log.shape == .referrals
        let before = log.patient.count
        var done = source.start
        var bounds = self.bounds
        var times = [Int64](repeating: 0, count: block)
        var hashes = [UInt64](repeating: 0, count: block)
        // The bytes that end a field or send the line to the thorough reader, eight at a time: a
        // word's lowest set bit of `special` is the first such byte in it (`zero` may also mark
        // bytes above a zero byte, never below one).
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let separator = ones &* UInt64(delimiter)
        @inline(__always) func zero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & high }
        @inline(__always) func special(_ w: UInt64) -> UInt64 {
            zero(w ^ separator) | zero(w ^ (ones &* 0x0A)) | zero(w ^ (ones &* 0x0D)) | zero(w ^ (ones &* 0x22))
                | zero(w) | (w & high)
        }
        source.buffer.withUnsafeBufferPointer { bytes in
            let n = bytes.count
            guard let base = bytes.baseAddress else { return }
            let raw = UnsafeRawPointer(base)
            var k = done
            var open = true
            while open {
                // Up to a block of lines: each field's bounds, and the time.
                var lines = 0
                lines: while lines < block && k < n {
                    let base = 2 * width * lines
                    var field = 0
                    var fieldStart = k
                    while true {
                        // Over the plain bytes a word at a time, to the next one that matters.
                        while k + 8 <= n {
                            let mask = special(raw.loadUnaligned(fromByteOffset: k, as: UInt64.self))
                            if mask == 0 {
                                k += 8
                                continue
                            }
                            k += mask.trailingZeroBitCount >> 3
                            break
                        }
                        guard k < n else { break lines }
                        let b = bytes[k]
                        let end = k
                        if b == 0x0D {
                            guard k + 1 < n, bytes[k + 1] == 0x0A else { break lines }
                            k += 1
                        } else if b != delimiter && b != 0x0A {
                            if b == 0x22 || b == 0 || b >= 0x80 { break lines }
                            k += 1
                            continue
                        }
                        if field >= width || end == fieldStart { break lines }
                        let first = bytes[fieldStart]
                        let last = bytes[end - 1]
                        if first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 { break lines }
                        bounds[base + 2 * field] = fieldStart
                        bounds[base + 2 * field + 1] = end
                        field += 1
                        k += 1
                        fieldStart = k
                        if bytes[k - 1] == 0x0A { break }
                    }
                    guard field == width,
                        case .success(let time) = RecordTime.parse(
                            UnsafeBufferPointer(
                                rebasing: bytes[bounds[base + 2 * timeColumn]..<bounds[base + 2 * timeColumn + 1]])),
                        time.hasZone == zone.hasZone
                    else { break lines }
                    times[lines] = time.nanoseconds
                    lines += 1
                    done = k
                }
                if lines < block { open = false }
                func value(_ line: Int, _ column: Int) -> UnsafeBufferPointer<UInt8> {
                    let at = 2 * width * line + 2 * column
                    return UnsafeBufferPointer(rebasing: bytes[bounds[at]..<bounds[at + 1]])
                }
                var sink: UInt64 = 0
                for j in 0..<lines {
                    hashes[j] = IDTable.hash(value(j, patientColumn))
                    sink &+= patients.slotWord(hash: hashes[j])
                }
                for j in 0..<lines {
                    log.patient.append(Int32(patients.insert(value(j, patientColumn), hash: hashes[j]).position))
                    log.service.append(Int32(services.insert(value(j, serviceColumn)).position))
                    if referrals { log.from.append(Int32(services.insert(value(j, fromColumn)).position)) }
                    if organisationColumn >= 0 {
                        log.organisation.append(Int32(organisations.insert(value(j, organisationColumn)).position))
                    }
                    log.time.append(times[j])
                }
                line += lines
                readAhead &+= sink
                if let progress, log.patient.count & ~0xFFFF != (log.patient.count - lines) & ~0xFFFF {
                    progress.update("reading records", rows: log.patient.count)
                }
            }
        }
        self.bounds = bounds
        source.start = done
        return log.patient.count > before
    }
}
