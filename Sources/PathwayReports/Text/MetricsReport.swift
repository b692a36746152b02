import PathwayCore

/// The readable report of `pathway metrics`: each number with what it means, in a sentence,
/// naming the services.
public enum MetricsReport {
    public static func text(_ m: PathwayMetrics, pathway: Pathway) -> String {
        let names = Dictionary(pathway.services.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        func list(_ ids: [String]) -> String {
            ids.isEmpty
                ? "none"
                : ids.map { id in names[id].map { $0 == id ? id : "\($0) (\(id))" } ?? id }
                    .joined(separator: ", ")
        }
        func percent(_ x: Double) -> String { String(Int((x * 100).rounded())) + "%" }
        func plural(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        var out = "\(m.title)\n"
        out += String(repeating: "=", count: min(m.title.count, 78)) + "\n\n"
        out +=
            "Size: \(plural(m.services, "service")) run by \(plural(m.organisations, "organisation"))"
            + " in \(plural(m.sectors, "sector")), joined by \(plural(m.routes, "route")).\n"
        out += "Entry points (where patients first present): \(list(m.entryPoints)).\n\n"
        out +=
            "Boundary crossings: \(m.crossBoundaryRoutes) of \(m.routes) routes"
            + " (\(percent(m.crossBoundaryShare))) refer a patient to another organisation.\n"
        out +=
            "Ownership spread (HHI): \(String(format3(m.ownershipHHI))), from 1/\(m.organisations)"
            + " when every organisation runs as many services, to 1 when one runs them all.\n\n"
        out +=
            "Functions (points of entry: where a patient can first reach it;"
            + " fewest referrals and boundary crossings from an entry):\n"
        for word in m.functions.keys.sorted() {
            let f = m.functions[word]!
            let reach =
                f.minReferrals.map { r in
                    "\(plural(r, "referral")), \(plural(f.minBoundaries ?? 0, "boundary crossing"))"
                } ?? "not reachable from any entry"
            let single = f.singlePointOfEntry ? "single point of entry" : "\(f.pointsOfEntry.count) points of entry"
            out += "  \(word): \(single): \(list(f.pointsOfEntry)); \(reach)\n"
        }
        if m.functions.isEmpty { out += "  none: no service lists functions\n" }
        out += "\n"
        out +=
            "Bottlenecks (every route from an entry to other services passes them): "
            + (m.bottlenecks.isEmpty
                ? "none"
                : m.bottlenecks.map { b in
                    "\(list([b.id])) gates \(plural(b.dominates, "service"))"
                }.joined(separator: "; ")) + ".\n"
        out +=
            "Loops (services that can refer a patient round in a circle): "
            + (m.loops.isEmpty ? "none" : m.loops.map { "[" + list($0) + "]" }.joined(separator: "; ")) + ".\n"
        out += "Dead ends (refer nowhere, not marked terminal): \(list(m.deadEnds)).\n"
        out += "Unreachable (no entry leads there): \(list(m.unreachable)).\n"
        out +=
            "Over capacity: "
            + (m.overCapacity.isEmpty
                ? "none"
                : m.overCapacity.map { "\(list([$0.id])) receives \($0.inbound) a year for capacity \($0.capacity)" }
                    .joined(separator: "; ")) + ".\n"
        out +=
            "Orphaned routes (name a service that does not exist): "
            + (m.orphanedRoutes.isEmpty
                ? "none" : m.orphanedRoutes.map { "\($0.from) → \($0.to)" }.joined(separator: ", ")) + ".\n"
        out += ProfileReport.section(m, pathway: pathway)
        return out
    }

    static func format3(_ x: Double) -> String {
        let scaled = Int((x * 1000).rounded())
        let fraction = String(scaled % 1000)
        return "\(scaled / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
