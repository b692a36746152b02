/// A moment in a referral record: nanoseconds since 1970-01-01T00:00:00Z.
///
/// The forms of `shared/pathway-format.md` section 5: an ISO 8601 date (`2024-03-01`) or
/// date-time (`T` or a space between; minutes or seconds, an optional fraction of up to nine
/// digits; `Z`, `±hh:mm` or none, which means UTC), or `YYYY/MM/DD HH:MM:SS[.fff]`.
/// Years 1678 to 2261 fit (the range of a nanosecond clock, as in pandas).
public enum RecordTime {
    public static let nanosecondsPerSecond: Int64 = 1_000_000_000
    public static let nanosecondsPerDay: Int64 = 86_400 * nanosecondsPerSecond

    /// A parsed time, and whether the text named its time zone.
    public struct Parsed: Sendable, Equatable {
        public var nanoseconds: Int64
        public var hasZone: Bool
    }

    /// What a time field should hold, for messages.
    public static let expected =
        "expected a date (2024-03-01) or date-time (2024-03-01T09:30:00, optionally with a fraction"
        + " and Z or an offset like +01:00), or 2024/03/01 09:30:00"

    /// Parses `bytes`; on failure, the reason (to follow "the time '…' is …").
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Parsed, TimeProblem> {
        parse(bytes, monthStarts: monthStarts)
    }

    /// ``parse(_:)`` with ``monthStarts`` read already, for a loop over many times (every read
    /// of a static is a call to the runtime to check that it is set).
    @inline(__always)
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, monthStarts: [Int64]) -> Result<Parsed, TimeProblem> {
        if let time = fixed(bytes, monthStarts: monthStarts) { return .success(time) }
        return scanned(bytes)
    }

    /// Parses `bytes` byte by byte, every form.
    static func scanned(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Parsed, TimeProblem> {
        var scan = Scanner(bytes: bytes)
        return scan.time()
    }

    /// The forms that fill most files, `2024-03-01T09:30:00` (or a space for the `T`) and
    /// `2024-03-01`, read at their fixed places in one go, if valid and in range; nil for
    /// anything else, which the scanner reads (and says what is wrong with). At 10^7 rows
    /// the scanner's checks at every byte were a seventh of the reading.
    @inline(__always)
    static func fixed(_ bytes: UnsafeBufferPointer<UInt8>, monthStarts: [Int64] = monthStarts) -> Parsed? {
        let n = bytes.count
        guard n == 19 || n == 10, let b = bytes.baseAddress, b[4] == 0x2D, b[7] == 0x2D else { return nil }
        @inline(__always) func digit(_ i: Int) -> Int { Int(b[i] &- 0x30) }
        @inline(__always) func isDigit(_ i: Int) -> Bool { b[i] &- 0x30 < 10 }
        guard isDigit(0), isDigit(1), isDigit(2), isDigit(3), isDigit(5), isDigit(6), isDigit(8), isDigit(9) else {
            return nil
        }
        let year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3)
        let month = digit(5) * 10 + digit(6)
        let day = digit(8) * 10 + digit(9)
        var seconds = 0
        if n == 19 {
            guard b[10] == 0x54 || b[10] == 0x20, b[13] == 0x3A, b[16] == 0x3A, isDigit(11), isDigit(12),
                isDigit(14), isDigit(15), isDigit(17), isDigit(18)
            else { return nil }
            let hour = digit(11) * 10 + digit(12)
            let minute = digit(14) * 10 + digit(15)
            let second = digit(17) * 10 + digit(18)
            guard hour <= 23, minute <= 59, second <= 59 else { return nil }
            seconds = hour * 3600 + minute * 60 + second
        }
        guard year >= 1678, year <= 2261, month >= 1, month <= 12, day >= 1, day <= daysInMonth(year, month) else {
            return nil
        }
        // Years 1678 to 2261 are within the nanosecond clock: no overflow.
        let days = monthStarts[(year - 1678) * 12 + month - 1] + Int64(day - 1)
        return Parsed(nanoseconds: (days * 86_400 + Int64(seconds)) * nanosecondsPerSecond, hasZone: false)
    }

    /// The day (since 1970-01-01) each month of 1678 to 2261 starts: a look-up for
    /// ``fixed(_:monthStarts:)`` in place of the calendar's arithmetic.
    static let monthStarts: [Int64] = (0..<(2262 - 1678) * 12).map {
        days(year: 1678 + $0 / 12, month: 1 + $0 % 12, day: 1)
    }

    /// Parses a string (tests and XES attributes).
    public static func parse(_ text: String) -> Result<Parsed, TimeProblem> {
        var copy = Array(text.utf8)
        return copy.withUnsafeMutableBufferPointer { parse(UnsafeBufferPointer($0)) }
    }

    /// Why a time did not parse.
    public enum TimeProblem: Error, Sendable, Equatable {
        /// Not one of the forms.
        case unreadable
        /// A form, but a field out of its range (month 13, 31 April, hour 24, year 1500).
        case outOfRange(String)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, with a fraction of a second only when it is not zero (trailing
    /// zeros dropped).
    public static func format(_ nanoseconds: Int64) -> String {
        var days = nanoseconds / nanosecondsPerDay
        var rest = nanoseconds % nanosecondsPerDay
        if rest < 0 {
            rest += nanosecondsPerDay
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        let seconds = rest / nanosecondsPerSecond
        let fraction = rest % nanosecondsPerSecond
        var out = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        out += "T" + pad(Int(seconds / 3600), 2) + ":" + pad(Int(seconds / 60 % 60), 2) + ":"
        out += pad(Int(seconds % 60), 2)
        if fraction != 0 {
            var digits = pad(Int(fraction), 9)
            while digits.hasSuffix("0") { digits.removeLast() }
            out += "." + digits
        }
        return out + "Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 4, 6, 9, 11: return 30
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        default: return 31
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var k = 0

        mutating func digits(_ count: Int) -> Int? {
            guard k + count <= bytes.count else { return nil }
            var value = 0
            for i in k..<(k + count) {
                let b = bytes[i]
                guard b >= 0x30 && b <= 0x39 else { return nil }
                value = value * 10 + Int(b - 0x30)
            }
            k += count
            return value
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard k < bytes.count, bytes[k] == byte else { return false }
            k += 1
            return true
        }

        var atEnd: Bool { k == bytes.count }

        mutating func time() -> Result<Parsed, TimeProblem> {
            guard let year = digits(4) else { return .failure(.unreadable) }
            let slash = k < bytes.count && bytes[k] == UInt8(ascii: "/")
            let separator = slash ? UInt8(ascii: "/") : UInt8(ascii: "-")
            guard take(separator), let month = digits(2), take(separator), let day = digits(2) else {
                return .failure(.unreadable)
            }
            var hour = 0
            var minute = 0
            var second = 0
            var fraction: Int64 = 0
            var offset = 0
            var hasZone = false
            if atEnd {
                // A date alone; the slashed form always has a time.
                if slash { return .failure(.unreadable) }
            } else {
                guard take(UInt8(ascii: " ")) || (!slash && take(UInt8(ascii: "T"))) else {
                    return .failure(.unreadable)
                }
                guard let h = digits(2), take(UInt8(ascii: ":")), let m = digits(2) else {
                    return .failure(.unreadable)
                }
                hour = h
                minute = m
                if take(UInt8(ascii: ":")) {
                    guard let s = digits(2) else { return .failure(.unreadable) }
                    second = s
                    if take(UInt8(ascii: ".")) || (!slash && take(UInt8(ascii: ","))) {
                        var count = 0
                        while k < bytes.count, bytes[k] >= 0x30, bytes[k] <= 0x39 {
                            if count == 9 { return .failure(.outOfRange("more than nine digits of a second")) }
                            fraction = fraction * 10 + Int64(bytes[k] - 0x30)
                            count += 1
                            k += 1
                        }
                        if count == 0 { return .failure(.unreadable) }
                        for _ in count..<9 { fraction *= 10 }
                    }
                } else if slash {
                    return .failure(.unreadable)
                }
                if !slash && !atEnd {
                    if take(UInt8(ascii: "Z")) {
                        hasZone = true
                    } else if k < bytes.count, bytes[k] == UInt8(ascii: "+") || bytes[k] == UInt8(ascii: "-") {
                        let sign = bytes[k] == UInt8(ascii: "-") ? -1 : 1
                        k += 1
                        guard let oh = digits(2), take(UInt8(ascii: ":")), let om = digits(2) else {
                            return .failure(.unreadable)
                        }
                        if oh > 23 || om > 59 { return .failure(.outOfRange("an offset past ±23:59")) }
                        offset = sign * (oh * 3600 + om * 60)
                        hasZone = true
                    }
                }
                if !atEnd { return .failure(.unreadable) }
            }
            if year < 1678 || year > 2261 { return .failure(.outOfRange("a year outside 1678 to 2261")) }
            if month < 1 || month > 12 { return .failure(.outOfRange("a month outside 01 to 12")) }
            if day < 1 || day > RecordTime.daysInMonth(year, month) {
                return .failure(.outOfRange("a day past the end of the month"))
            }
            if hour > 23 { return .failure(.outOfRange("an hour past 23")) }
            if minute > 59 { return .failure(.outOfRange("a minute past 59")) }
            if second > 59 { return .failure(.outOfRange("a second past 59")) }
            let seconds =
                RecordTime.days(year: year, month: month, day: day) * 86_400
                + Int64(hour * 3600 + minute * 60 + second - offset)
            let (product, overflow) = seconds.multipliedReportingOverflow(by: RecordTime.nanosecondsPerSecond)
            let (total, overflow2) = product.addingReportingOverflow(fraction)
            if overflow || overflow2 { return .failure(.outOfRange("a time outside 1678 to 2261")) }
            return .success(Parsed(nanoseconds: total, hasZone: hasZone))
        }
    }
}
