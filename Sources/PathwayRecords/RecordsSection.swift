import Foundation
import PathwayCore
import PathwayReports

/// The "designed and observed" section of `pathway report DESIGN --records RECORDS`: the facts,
/// the conformance diagram, the observed organisations, the busiest routes' waits, the top
/// variants and the boundary crossings per patient as charts, and the tables a commissioner
/// acts on. Every count goes through the ``Disclosure``.
public enum RecordsSection {
    public static func make(
        design: Pathway, log: RecordLog, records: String, discovery d: Discovery, conformance x: Conformance,
        disclosure: Disclosure = .exact
    ) -> ObservedSection {
        let c = disclosure.count
        var names: [String: String] = [:]
        for service in design.services { names[service.id] = service.name }
        func name(_ id: String) -> String { names[x.matches[id] ?? id] ?? id }
        func percent(_ share: Double) -> String { String(Int((share * 100).rounded())) + "%" }
        let period = "\(RecordTime.format(d.from).prefix(10)) to \(RecordTime.format(d.to).prefix(10))"
        var facts = [
            "\(RecordsReport.counted(c(d.patients), "patient")) in the referral records (\(records)), \(period)",
            "\(percent(x.fitness)) of transitions followed a designed route; \(percent(x.coverage)) of designed routes"
                + " were used; \(percent(x.patientsOnDesign)) of patients stayed on the design",
        ]
        if let top = x.undesignedRoutes.first {
            // The routes are listed below: their number is not a count of patients, and is not given.
            facts.append(
                "patients took routes nobody designed; the most used: \(name(top.from)) → \(name(top.to)),"
                    + " \(RecordsReport.counted(c(top.transitions), "transition"))")
        } else {
            facts.append("no undesigned routes: every transition followed a designed route")
        }
        if !x.dormantRoutes.isEmpty {
            facts.append("some designed routes nobody took: they are listed below, and drawn grey and dashed")
        }
        for over in x.overCapacity {
            facts.append(
                "\(name(over.id)) is over capacity: \(disclosure.derived(over.inbound, basis: over.transitions))"
                    + " referrals a year against \(over.capacity)")
        }
        let observed = d.observedPathway(log: log, design: design, disclosure: disclosure)
        return ObservedSection(
            facts: facts,
            conformance: ConformanceView.diagram(
                design: design, observed: x.drawing(discovery: d, disclosure: disclosure)),
            observed: observed, charts: charts(d, name: name, disclosure: disclosure),
            tables: tables(x, name: name, disclosure: disclosure), safeOutput: disclosure.explanation)
    }

    static func charts(_ d: Discovery, name: (String) -> String, disclosure: Disclosure) -> [(
        caption: String, svg: String
    )] {
        let c = disclosure.count
        var charts: [(String, String)] = []
        func days(_ s: Double?) -> Double? { s.map { $0 / 86_400 } }
        let busiest = d.routes.indices.sorted { a, b in
            d.routes[a].transitions != d.routes[b].transitions
                ? d.routes[a].transitions > d.routes[b].transitions : a < b
        }.prefix(10).map { d.routes[$0] }
        if !busiest.isEmpty {
            let bars = busiest.map { r -> Chart.Bar in
                let label = "\(name(r.from)) → \(name(r.to))"
                // The waits of a route too few patients took describe those few: not published.
                guard c(r.transitions).number != nil, let median = days(r.medianSeconds) else {
                    return Chart.Bar(
                        label: label, values: [],
                        text: r.medianSeconds == nil ? "no wait" : "\(c(r.transitions)) transitions")
                }
                let p90 = days(r.p90Seconds) ?? median
                return Chart.Bar(
                    label: label, values: [median, p90],
                    text: String(format: "%.1f / %.1f days", median, p90))
            }
            charts.append(
                (
                    "Waits on the busiest routes: median and 90th percentile, in days",
                    Chart.horizontal(
                        bars, title: "Waits on the busiest routes", legend: ["median", "90th percentile"])
                ))
        }
        let variants = d.variants.prefix(8)
        if !variants.isEmpty {
            let bars = variants.map { v -> Chart.Bar in
                let published = c(v.patients)
                return Chart.Bar(
                    label: v.path.map(name).joined(separator: " → "), values: [published.number.map(Double.init)],
                    text: RecordsReport.counted(published, "patient"))
            }
            charts.append(
                (
                    "The most common journeys (variants): each patient's services in order",
                    Chart.horizontal(bars, title: "The most common journeys")
                ))
        }
        var histogram = d.continuity.crossingsHistogram
        if !histogram.isEmpty {
            // Under suppression the tail is top-coded: the last bins that would each be
            // suppressed join one "k or more" bin, so the most crossings of one patient is not told.
            var labels = histogram.indices.map(String.init)
            if let threshold = disclosure.suppressBelow {
                var k = histogram.count - 1
                while k > 0 && histogram[k] < threshold { k -= 1 }
                if k < histogram.count - 1 {
                    let tail = histogram[(k + 1)...].reduce(0, +)
                    histogram = Array(histogram[...k]) + [tail]
                    labels = Array(labels[...k]) + ["\(k + 1)+"]
                }
            }
            let bars = zip(labels, histogram).map { label, count -> Chart.Bar in
                let published = c(count)
                return Chart.Bar(label: label, values: [published.number.map(Double.init)], text: published.description)
            }
            charts.append(
                (
                    "Boundary crossings per patient: how many times each patient's care moved to another"
                        + (d.continuity.overOrganisations ? " organisation" : " service"),
                    Chart.histogram(
                        bars, title: "Patients by boundary crossings",
                        axis: "boundary crossings per patient (patients with two events or more)")
                ))
        }
        return charts
    }

    static func tables(_ x: Conformance, name: (String) -> String, disclosure: Disclosure) -> String {
        let c = disclosure.count
        func e(_ text: String) -> String { HTMLReport.escape(text) }
        var out = "<h3>Undesigned routes patients took, most used first</h3>\n"
        if x.undesignedRoutes.isEmpty {
            out += "<p class=\"none\">None: every transition followed a designed route.</p>\n"
        } else {
            out += "<table><thead><tr><th>From</th><th>To</th><th class=\"n\">Transitions</th>"
            out += "<th class=\"n\">Patients</th></tr></thead><tbody>\n"
            for r in x.undesignedRoutes.prefix(15) {
                out += "<tr><td>\(e(name(r.from)))</td><td>\(e(name(r.to)))</td>"
                out += "<td class=\"n\">\(c(r.transitions))</td><td class=\"n\">\(c(r.patients))</td></tr>\n"
            }
            out += "</tbody></table>\n"
        }
        out += "<h3>Dormant routes: designed, nobody took them</h3>\n"
        out +=
            x.dormantRoutes.isEmpty
            ? "<p class=\"none\">None.</p>\n"
            : "<ul>" + x.dormantRoutes.map { "<li>\(e(name($0.from))) → \(e(name($0.to)))</li>" }.joined() + "</ul>\n"
        out += "<h3>Journeys that start where the design has no entry</h3>\n"
        out +=
            x.unexpectedStarts.isEmpty
            ? "<p class=\"none\">None.</p>\n"
            : "<ul>"
                + x.unexpectedStarts.map {
                    "<li>\(e(name($0.id))): \(RecordsReport.counted(c($0.count), "patient"))</li>"
                }.joined() + "</ul>\n"
        if !x.unknownServices.isEmpty {
            out += "<h3>Services in the records that the design does not have</h3>\n<ul>"
            out += x.unknownServices.map { "<li>\(e($0.id)): \(RecordsReport.counted(c($0.count), "event"))</li>" }
                .joined()
            out += "</ul>\n"
        }
        return out
    }
}
