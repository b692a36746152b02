import Foundation
import PathwayCore

/// The readable summaries of `pathway discover` and `pathway conform`. Every count goes
/// through the ``Disclosure``, so suppression and rounding reach every line.
public enum RecordsReport {
    static func days(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        return String(format: "%.1f", seconds / 86_400)
    }

    /// `1 patient`, `3 patients`, `<10 patients`.
    static func counted(_ count: Disclosure.Count, _ word: String) -> String {
        count == .value(1) ? "1 \(word)" : "\(count) \(word)s"
    }

    static func share(_ x: Double) -> String { String(format: "%.0f%%", x * 100) }

    static func number(_ x: Double?, _ digits: Int = 2) -> String {
        guard let x else { return "-" }
        return String(format: "%.\(digits)f", x)
    }

    /// Columns padded to their widest cell, the last one left as it is.
    static func table(_ rows: [[String]], indent: String = "  ") -> String {
        guard let width = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: width)
        for row in rows { for (k, cell) in row.enumerated() { widths[k] = max(widths[k], cell.count) } }
        return rows.map { row in
            indent
                + row.enumerated().map { k, cell in
                    k == row.count - 1 ? cell : cell.padding(toLength: widths[k], withPad: " ", startingAt: 0)
                }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    public static func discovery(
        _ d: Discovery, routes limit: Int = 10, variants: Int = 5, disclosure: Disclosure = .exact
    ) -> String {
        let c = disclosure.count
        var out = "Observed pathway from \(d.file) (\(d.shape == .events ? "event" : "referral") rows)\n"
        let events = disclosure.isExact ? c(d.events) : disclosure.total(d.services.map(\.events))
        out += "  \(c(d.patients)) patients, \(events) events, \(RecordTime.format(d.from).prefix(10)) to"
        out += " \(RecordTime.format(d.to).prefix(10)) (\(String(format: "%.1f", d.days)) days)\n"
        out += "  \(c(d.services.count)) services, \(c(d.routes.count)) routes, \(c(d.variants.count)) variants\n"
        // Most transitions first; ties in (from, to) order, as the routes are.
        let busiest = d.routes.indices.sorted { a, b in
            d.routes[a].transitions != d.routes[b].transitions
                ? d.routes[a].transitions > d.routes[b].transitions : a < b
        }.prefix(limit).map { d.routes[$0] }
        if !busiest.isEmpty {
            out += "\nBusiest routes (waits in days)\n"
            var rows = [["from", "to", "transitions", "patients", "median wait", "90th percentile"]]
            for r in busiest {
                rows.append([
                    r.from, r.to, c(r.transitions).description, c(r.patients).description, days(r.medianSeconds),
                    days(r.p90Seconds),
                ])
            }
            out += table(rows)
        }
        if !d.variants.isEmpty {
            out += "\nTop variants (each patient's services in order)\n"
            var rows: [[String]] = []
            for v in d.variants.prefix(variants) {
                rows.append([counted(c(v.patients), "patient"), v.path.joined(separator: " → ")])
            }
            out += table(rows)
        }
        let k = d.continuity
        out += "\nContinuity of care over the \(k.overOrganisations ? "organisations" : "services") patients saw"
        out += " (\(c(k.patients)) patients with two events or more; mean, median)\n"
        if k.patients > 0 {
            out += table([
                ["usual provider (UPC)", number(k.upc.mean), number(k.upc.median)],
                ["continuity of care (COC)", number(k.coc.mean), number(k.coc.median)],
                ["sequential continuity (SECON)", number(k.secon.mean), number(k.secon.median)],
                [
                    "boundary crossings per patient", number(k.boundaryCrossings.mean, 1),
                    number(k.boundaryCrossings.median, 1) + ", at most \(c(k.maximumCrossings ?? 0))",
                ],
            ])
        }
        if let explanation = disclosure.explanation { out += "\n" + explanation + "\n" }
        return out
    }

    public static func conformance(
        _ x: Conformance, design: Pathway, records: String, limit: Int = 10, disclosure: Disclosure = .exact
    ) -> String {
        let c = disclosure.count
        var out = "Referral records \(records) held against \(design.file ?? design.title)\n"
        out += "  \(share(x.fitness)) of transitions follow a designed route (fitness \(number(x.fitness)));"
        out += " \(share(x.coverage)) of designed routes were used (coverage \(number(x.coverage)));"
        out += " \(share(x.patientsOnDesign)) of patients stayed on the design\n"
        out += "\nUndesigned routes patients took, most used first\n"
        if x.undesignedRoutes.isEmpty {
            out += "  none: every transition follows a designed route\n"
        } else {
            var rows = [["from", "to", "transitions", "patients"]]
            for r in x.undesignedRoutes.prefix(limit) {
                rows.append([r.from, r.to, c(r.transitions).description, c(r.patients).description])
            }
            out += table(rows)
            if x.undesignedRoutes.count > limit {
                out += "  … and \(x.undesignedRoutes.count - limit) more (--json lists them all)\n"
            }
        }
        out += "\nDormant routes: designed, never used\n"
        out +=
            x.dormantRoutes.isEmpty
            ? "  none\n" : table(x.dormantRoutes.prefix(limit).map { [$0.from, "→ " + $0.to] })
        if x.dormantRoutes.count > limit { out += "  … and \(x.dormantRoutes.count - limit) more\n" }
        out += "\nUnexpected starts: journeys that begin where the design has no entry\n"
        out +=
            x.unexpectedStarts.isEmpty
            ? "  none\n" : table(x.unexpectedStarts.map { [$0.id, counted(c($0.count), "patient")] })
        out += "\nOver capacity on observed volumes (a year)\n"
        out +=
            x.overCapacity.isEmpty
            ? "  none\n"
            : table(
                x.overCapacity.map {
                    [
                        $0.id, "\(disclosure.derived($0.inbound, basis: $0.transitions)) referrals",
                        "capacity \($0.capacity)",
                    ]
                })
        if !x.unknownServices.isEmpty {
            out += "\nServices in the records that the design does not have\n"
            out += table(x.unknownServices.map { [$0.id, counted(c($0.count), "event")] })
        }
        if let explanation = disclosure.explanation { out += "\n" + explanation + "\n" }
        return out
    }
}
