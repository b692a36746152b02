import PathwayCore

/// Safe output: how counts drawn from records are published, as NHS safe-output rules ask
/// before figures leave a secure environment.
///
/// With `suppressBelow: N` a count under N (zero included) is shown as `<N`; with `roundTo: R`
/// every other count is rounded to the nearest multiple of R (halves up). A figure derived from
/// a count (an annualised volume) is suppressed when the count behind it is; so is the most
/// boundary crossings of one patient, which describes one person. Totals that are
/// sums of published counts leave the suppressed ones out, so a total cannot reveal them.
public struct Disclosure: Sendable, Equatable {
    public var suppressBelow: Int?
    public var roundTo: Int?

    public init(suppressBelow: Int? = nil, roundTo: Int? = nil) {
        self.suppressBelow = suppressBelow
        self.roundTo = roundTo
    }

    /// No suppression, no rounding: every count exact.
    public static let exact = Disclosure()

    public var isExact: Bool { suppressBelow == nil && roundTo == nil }

    /// A published count.
    public enum Count: Sendable, Equatable, CustomStringConvertible {
        case value(Int)
        /// Under the threshold: shown as `<N`.
        case below(Int)

        public var description: String {
            switch self {
            case .value(let n): String(n)
            case .below(let n): "<\(n)"
            }
        }

        public var json: JSONValue {
            switch self {
            case .value(let n): .int(n)
            case .below: .string(description)
            }
        }

        /// The number, nil when suppressed.
        public var number: Int? {
            if case .value(let n) = self { return n }
            return nil
        }
    }

    /// How `n` is published.
    public func count(_ n: Int) -> Count {
        if let threshold = suppressBelow, n < threshold { return .below(threshold) }
        return .value(rounded(n))
    }

    /// How a figure derived from `basis` (an annualised volume from its transitions) is
    /// published: suppressed when either is under the threshold.
    public func derived(_ value: Int, basis: Int) -> Count {
        if let threshold = suppressBelow, basis < threshold || value < threshold { return .below(threshold) }
        return .value(rounded(value))
    }

    /// A total of parts: the parts that are suppressed are left out of it.
    public func total(_ parts: [Int]) -> Count {
        let shown = parts.reduce(0) { $0 + (count($1).number == nil ? 0 : $1) }
        return count(shown)
    }

    func rounded(_ n: Int) -> Int {
        guard let step = roundTo, step > 1 else { return n }
        return (2 * n + step) / (2 * step) * step
    }

    /// What the published figures mean, for a report's footer; nil when exact.
    public var explanation: String? {
        var parts: [String] = []
        if let n = suppressBelow { parts.append("counts under \(n) are shown as <\(n) and left out of totals") }
        if let r = roundTo { parts.append("published counts are rounded to the nearest \(r)") }
        return parts.isEmpty ? nil : "Safe output: " + parts.joined(separator: "; ") + "."
    }
}
