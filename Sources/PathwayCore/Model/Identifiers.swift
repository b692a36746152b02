/// The shapes of words a pathway file uses, from `shared/pathway-format.md` section 1.
public enum Identifiers {
    /// Organisation and service ids: `[a-z0-9-]+`.
    public static func isValidID(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// Function and purpose words: kebab-case, `diagnosis`, `crisis-response`.
    public static func isKebabWord(_ s: String) -> Bool {
        guard let first = s.utf8.first, let last = s.utf8.last,
            isLowerAlnum(first), isLowerAlnum(last)
        else { return false }
        var previousDash = false
        for b in s.utf8 {
            if b == UInt8(ascii: "-") {
                if previousDash { return false }
                previousDash = true
            } else if isLowerAlnum(b) {
                previousDash = false
            } else {
                return false
            }
        }
        return true
    }

    private static func isLowerAlnum(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }

    /// A valid id suggested for an invalid one: `Memory Clinic` → `memory-clinic`.
    public static func suggestion(for s: String) -> String? {
        var out = ""
        var pendingDash = false
        for ch in s.lowercased().unicodeScalars {
            if ("a"..."z").contains(ch) || ("0"..."9").contains(ch) {
                if pendingDash && !out.isEmpty { out.append("-") }
                pendingDash = false
                out.unicodeScalars.append(ch)
            } else {
                pendingDash = true
            }
        }
        return out.isEmpty || out == s ? nil : out
    }

    /// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word, $0)) }
        guard let best = scored.min(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }),
            best.1 <= max(2, word.count / 3)
        else { return nil }
        return best.0
    }

    /// Levenshtein distance, iterative with two rows.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// What a referral count written as text turned out to be.
enum CountText: Equatable {
    case value(Int)
    case negative
    case notANumber
    case tooLarge

    /// The phrase for messages about counts.
    static let expected = "a whole number of referrals per year (0 to \(Limits.maximumCount))"

    /// Reads a whole number from 0 to ``Limits/maximumCount``; a leading `+` is allowed.
    init(_ text: Substring) {
        var digits = text
        if digits.hasPrefix("+") { digits = digits.dropFirst() }
        func allDigits(_ s: Substring) -> Bool { !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber } }
        if digits.hasPrefix("-") && allDigits(digits.dropFirst()) {
            self = .negative
        } else if !allDigits(digits) {
            self = .notANumber
        } else if digits.count > 13 || Int(digits).map({ $0 > Limits.maximumCount }) ?? true {
            self = .tooLarge
        } else {
            self = .value(Int(digits)!)
        }
    }

    /// The message for a problem, or nil for a value.
    func problem(key: String, in place: String, text: String, found: String) -> String? {
        switch self {
        case .value: nil
        case .negative: "'\(key)'\(place) is negative (\(text)): expected \(Self.expected)"
        case .notANumber: "expected \(Self.expected) for '\(key)'\(place), found \(found)"
        case .tooLarge: "'\(key)'\(place) is too large (\(text)): expected \(Self.expected)"
        }
    }
}

/// Limits that keep a count meaningful: no referral volume or capacity is larger than this,
/// and sums over millions of routes cannot overflow.
public enum Limits {
    public static let maximumCount = 1_000_000_000_000
}

extension Identifiers {
    /// Makes valid, distinct ids (`[a-z0-9-]+`) for names from elsewhere (referral records, a
    /// DOT drawing): a name that is an id stays as it is; `Memory Clinic` becomes
    /// `memory-clinic`, `RV5` `rv5`; clashes take `-2`, `-3`.
    public struct Maker: Sendable {
        var used: Set<String>
        let fallback: String

        public init(reserved: Set<String> = [], fallback: String) {
            used = reserved
            self.fallback = fallback
        }

        public mutating func make(_ name: String) -> String {
            var base = Identifiers.isValidID(name) ? name : Identifiers.suggestion(for: name) ?? fallback
            if base.isEmpty { base = fallback }
            var id = base
            var n = 2
            while used.contains(id) {
                id = "\(base)-\(n)"
                n += 1
            }
            used.insert(id)
            return id
        }
    }
}
