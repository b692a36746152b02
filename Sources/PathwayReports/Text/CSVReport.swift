import Foundation
import PathwayCore

/// `metrics --format csv` and `entry-points --format csv`: tables for spreadsheets.
///
/// RFC 4180: a header row, CRLF line ends, a field quoted when it holds a comma, a quote or a
/// line break, a quote inside doubled. A text cell that a spreadsheet would take for a formula
/// (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) is written with a leading
/// apostrophe, as OWASP advises against CSV injection: a name from a pathway file is shown,
/// never run. Numbers are plain digits; a value not known is an empty cell.
public enum CSVReport {
    /// The columns of the services table, in order.
    public static let serviceColumns = [
        "id", "name", "organisation", "sector", "entry", "terminal", "unreachable", "deadEnd", "inLoop",
        "dominates", "betweenness", "inboundVolume", "capacity",
    ]

    /// The columns of the functions table, in order.
    public static let functionColumns = [
        "function", "providers", "pointsOfEntry", "singlePointOfEntry", "pointsOfEntryIds", "minReferrals",
        "minBoundaries", "bottlenecks",
    ]

    /// One row per service, in file order: what it is, and what the metrics say of it.
    ///
    /// `dominates` is how many services it dominates as one of the metrics' bottlenecks (0 when
    /// it is none); `betweenness` is empty when it was not computed; `inboundVolume` sums the
    /// referrals a year of the routes into it from services of the pathway.
    public static func services(_ pathway: Pathway, metrics: PathwayMetrics) -> String {
        let sector = Dictionary(
            pathway.organisations.map { ($0.id, $0.sector.rawValue) }, uniquingKeysWith: { a, _ in a })
        let unreachable = Set(metrics.unreachable)
        let deadEnds = Set(metrics.deadEnds)
        let inLoop = Set(metrics.loops.joined())
        let dominates = Dictionary(metrics.bottlenecks.map { ($0.id, $0.dominates) }, uniquingKeysWith: { a, _ in a })
        var inbound: [String: Int] = [:]
        let known = Set(pathway.services.map(\.id))
        for route in pathway.routes where known.contains(route.from) && known.contains(route.to) {
            inbound[route.to, default: 0] += route.volume ?? 0
        }
        var seen: Set<String> = []
        let rows: [[String]] = pathway.services.compactMap { service in
            guard seen.insert(service.id).inserted else { return nil }
            return [
                text(service.id), text(service.name), text(service.organisation),
                text(sector[service.organisation] ?? ""),
                bool(service.entry), bool(service.terminal), bool(unreachable.contains(service.id)),
                bool(deadEnds.contains(service.id)), bool(inLoop.contains(service.id)),
                String(dominates[service.id] ?? 0), metrics.betweenness?[service.id].map(number) ?? "",
                String(inbound[service.id] ?? 0), service.capacity.map(String.init) ?? "",
            ]
        }
        return table(serviceColumns, rows)
    }

    /// One row per function, in name order: its providers, its points of entry (how many,
    /// and their ids separated by `; `), the fewest referrals and boundaries to it, and the
    /// services every route to it passes.
    public static func functions(_ entries: [FunctionEntry], metrics: PathwayMetrics) -> String {
        let rows: [[String]] = entries.map { entry in
            let measured = metrics.functions[entry.function] ?? .absent
            return [
                text(entry.function), String(measured.providers.count), String(entry.doors.count),
                bool(entry.singlePointOfEntry), text(entry.doors.map(\.id).joined(separator: "; ")),
                measured.minReferrals.map(String.init) ?? "", measured.minBoundaries.map(String.init) ?? "",
                text(entry.bottlenecks.joined(separator: "; ")),
            ]
        }
        return table(functionColumns, rows)
    }

    /// The header and rows, each row's cells already written, joined as RFC 4180 records.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var out = header.map(text).joined(separator: ",") + "\r\n"
        for row in rows { out += row.joined(separator: ",") + "\r\n" }
        return out
    }

    static func bool(_ value: Bool) -> String { value ? "true" : "false" }

    /// A number as the JSON output writes it: a whole number without a point, else the
    /// shortest form that reads back exactly.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }

    /// A text cell: made inert if a spreadsheet would read it as a formula, then quoted if it
    /// must be.
    public static func text(_ value: String) -> String {
        var cell = value
        if let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { cell = "'" + cell }
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
