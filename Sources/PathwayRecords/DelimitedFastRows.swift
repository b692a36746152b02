import PathwayCore

extension DelimitedReader {
    /// Reads, straight from the window, the complete lines that need none of the thorough
    /// reader's care: ASCII with no quote, NUL or lone carriage return; the header's number of
    /// fields, none empty and none with a space or tab at either end; a time that parses, with
    /// a zone if and only if the first row's had one. It stops at the first other line, which
    /// the thorough reader then reads (with its messages), and at the end of the window.
    ///
    /// Such a line gives the thorough reader's values byte for byte: nothing to unquote or trim,
    /// nothing to refuse. This core finds the fields, parses the time and interns the services
    /// and organisations; the patients go to an ``IDFeed``, which interns them on a second
    /// core while this one reads on, in the same order, so numbered exactly as here.
    /// - Returns: whether it read a row.
    mutating func fastRows(_ source: inout ByteSource) -> Bool {
        guard let zone = zoneSeen, width > 0, width <= 256 else { return false }
        if bounds.count != 2 * width { bounds = [Int](repeating: 0, count: 2 * width) }
        let delimiter = self.delimiter
        let width = self.width
        let referrals = log.shape == .referrals
        let organised = organisationColumn >= 0
        let before = log.time.count
        var done = source.start
        // The bytes that may end a field or send the line to the thorough reader, eight at a
        // time: the delimiter, every byte below 0x23 (the line feed, carriage return, quote and
        // NUL among them) and every byte from 0x80. A word's lowest set bit of `special` is the
        // first such byte in it (a borrow may also mark bytes above it, never below); a space
        // or another byte below 0x23 that is none of those is stepped over where the scan stops.
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let separator = ones &* UInt64(delimiter)
        let below = ones &* 0x23
        @inline(__always) func zero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & high }
        @inline(__always) func special(_ w: UInt64) -> UInt64 { zero(w ^ separator) | ((w &- below) | w) & high }
        // The patients go to a second core when this run looks long: a long window to read, and the
        // last run was not cut short by a line for the thorough reader.
        let concurrent = IDFeed.cores >= 2 && source.buffer.count - done >= 1 << 18 && lastRun >= IDFeed.batch
        if !patientsSized { sizePatients() }
        let feed = self.feed ?? IDFeed()
        let (seed, monthStarts) = (patients.hashSeed, RecordTime.monthStarts)
        self.feed = feed
        // The feed holds the only reference while it runs (or each insertion would copy).
        swapTables(feed)
        defer { swapTables(feed) }
        source.buffer.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return }
            feed.begin(window: base, concurrent: concurrent)
            defer { feed.finish() }
            let n = bytes.count
            let raw = UnsafeRawPointer(base)
            var k = done
            bounds.withUnsafeMutableBufferPointer { bounds in
                // A line at a time: each field's bounds, then the time.
                lines: while k < n {
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
                        bounds[2 * field] = fieldStart
                        bounds[2 * field + 1] = end
                        field += 1
                        k += 1
                        fieldStart = k
                        if bytes[k - 1] == 0x0A { break }
                    }
                    guard field == width,
                        case .success(let time) = RecordTime.parse(
                            UnsafeBufferPointer(rebasing: bytes[bounds[2 * timeColumn]..<bounds[2 * timeColumn + 1]]),
                            monthStarts: monthStarts),
                        time.hasZone == zone.hasZone
                    else { break lines }
                    log.time.append(time.nanoseconds)
                    let row = feed.next
                    row[0] = Int(
                        Int64(
                            bitPattern: IDTable.hash(
                                UnsafeBufferPointer(
                                    rebasing: bytes[bounds[2 * patientColumn]..<bounds[2 * patientColumn + 1]]),
                                seed: seed)))
                    row[1] = bounds[2 * patientColumn]
                    row[2] = bounds[2 * patientColumn + 1]
                    feed.added()
                    // Services and organisations, a few hundred, are interned here (most found
                    // by their cache's first look): their tables stay in this core's cache, and
                    // the second core has the patients.
                    @inline(__always) func id(_ column: Int) -> UnsafeBufferPointer<UInt8> {
                        UnsafeBufferPointer(rebasing: bytes[bounds[2 * column]..<bounds[2 * column + 1]])
                    }
                    log.service.append(Int32(serviceCache.insert(id(serviceColumn), into: &services)))
                    if referrals { log.from.append(Int32(serviceCache.insert(id(fromColumn), into: &services))) }
                    if organised {
                        log.organisation.append(
                            Int32(organisationCache.insert(id(organisationColumn), into: &organisations)))
                    }
                    done = k
                    line += 1
                    if let progress, log.time.count & 0xFFFF == 0 {
                        progress.update("reading records", rows: log.time.count)
                    }
                }
            }
        }
        source.start = done
        lastRun = log.time.count - before
        return log.time.count > before
    }

    /// Exchanges the reader's patient table and column with the feed's.
    private mutating func swapTables(_ feed: IDFeed) {
        swap(&patients, &feed.tables.patients)
        swap(&log.patient, &feed.tables.patient)
    }
}
