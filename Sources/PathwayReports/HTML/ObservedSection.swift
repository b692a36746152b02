import Foundation
import PathwayCore

/// The "designed and observed" section of a report: what referral records say of the pathway.
/// It is made by the records module and drawn here; its figures (the conformance diagram and
/// the observed pathway's organisations) are drawn by Graphviz, its charts by ``Chart``.
public struct ObservedSection: Sendable {
    /// The headline facts: patients, period, fitness, coverage.
    public var facts: [String]
    /// The conformance diagram.
    public var conformance: Diagram
    /// The observed pathway, whose organisations view is drawn.
    public var observed: Pathway
    /// Inline SVG charts, each with its caption.
    public var charts: [(caption: String, svg: String)]
    /// The tables a commissioner acts on (undesigned routes, dormant routes, unexpected starts),
    /// as HTML.
    public var tables: String
    /// What suppression and rounding did to the figures; nil when they are exact.
    public var safeOutput: String?

    public init(
        facts: [String], conformance: Diagram, observed: Pathway, charts: [(caption: String, svg: String)],
        tables: String, safeOutput: String?
    ) {
        self.facts = facts
        self.conformance = conformance
        self.observed = observed
        self.charts = charts
        self.tables = tables
        self.safeOutput = safeOutput
    }
}

extension HTMLReport {
    /// The section as HTML, with its two drawn figures.
    static func observed(_ section: ObservedSection, figures drawn: [Figure]) -> String {
        var out = "<section id=\"observed\"><h2>Designed and observed</h2>\n<ul>\n"
        out += section.facts.map { "<li>\(escape($0))</li>\n" }.joined() + "</ul>\n"
        for (k, figure) in drawn.enumerated() {
            out += "<figure class=\"diagram\"><figcaption>\(escape(figure.caption))</figcaption>\n"
            out +=
                inline(
                    svg: figure.svg, prefix: "o\(k)", title: figure.caption,
                    description: figure.alternative(facts: section.facts)) + "\n</figure>\n"
        }
        for chart in section.charts {
            out +=
                "<figure class=\"chart\"><figcaption>\(escape(chart.caption))</figcaption>\n\(chart.svg)\n</figure>\n"
        }
        out += section.tables
        if let note = section.safeOutput { out += "<p class=\"where\">\(escape(note))</p>\n" }
        return out + "</section>\n"
    }
}

/// Bar charts as inline SVG, drawn from the figures themselves: text the page's own size,
/// every value written beside its bar, so that a chart reads without colour and in print.
public enum Chart {
    /// One bar, or a pair (a median and a 90th percentile) on one row.
    public struct Bar: Sendable {
        public var label: String
        public var values: [Double?]
        /// What is written beside the bar; a suppressed count has no bar, only its text.
        public var text: String

        public init(label: String, values: [Double?], text: String) {
            self.label = label
            self.values = values
            self.text = text
        }
    }

    static let colours = ["#0072B2", "#9ECAE9"]

    /// Horizontal bars, one row each, labels on the left: waits (two bars a row, the second
    /// lighter and behind) or counts. `legend` names each of a row's bars.
    public static func horizontal(_ bars: [Bar], title: String, legend: [String] = []) -> String {
        let labelWidth = 300.0
        let barWidth = 330.0
        let row = 24.0
        let top = legend.isEmpty ? 8.0 : 28.0
        let width = labelWidth + barWidth + 120
        let height = top + Double(bars.count) * row + 8
        let largest = bars.flatMap { $0.values.compactMap { $0 } }.max() ?? 0
        var svg =
            "<svg viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(HTMLReport.escape(title))\""
        svg +=
            " font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\"><title>\(HTMLReport.escape(title))</title>"
        for (k, name) in legend.enumerated() {
            let x = labelWidth + Double(k) * 150
            svg += "<rect x=\"\(n(x))\" y=\"6\" width=\"14\" height=\"10\" fill=\"\(colours[k % 2])\"/>"
            svg += "<text x=\"\(n(x + 20))\" y=\"15\">\(HTMLReport.escape(name))</text>"
        }
        for (k, bar) in bars.enumerated() {
            let y = top + Double(k) * row
            // Each service of a label keeps its start, so that both ends of a route show; the whole
            // label is the row's tooltip.
            let parts = bar.label.components(separatedBy: " → ")
            let short = parts.map { truncated($0, parts.count > 2 ? 14 : 21) }.joined(separator: " → ")
            svg += "<g><title>\(HTMLReport.escape(bar.label)): \(HTMLReport.escape(bar.text))</title>"
            svg += "<text x=\"\(n(labelWidth - 8))\" y=\"\(n(y + 15))\" text-anchor=\"end\">"
            svg += HTMLReport.escape(truncated(short, 48)) + "</text>"
            var end = labelWidth
            // The later values are drawn first, behind: a 90th percentile behind its median.
            for (j, value) in bar.values.enumerated().reversed() {
                guard let value, largest > 0 else { continue }
                let w = max(1, barWidth * value / largest)
                let inset = j == 0 && bar.values.count > 1 ? 5.0 : 2.0
                svg += "<rect x=\"\(n(labelWidth))\" y=\"\(n(y + inset))\" width=\"\(n(w))\""
                svg += " height=\"\(n(row - 2 * inset))\" fill=\"\(colours[j % 2])\"/>"
                end = max(end, labelWidth + w)
            }
            svg += "<text x=\"\(n(end + 6))\" y=\"\(n(y + 15))\">\(HTMLReport.escape(bar.text))</text></g>"
        }
        return svg + "</svg>"
    }

    /// Vertical bars: a distribution (patients by boundary crossings), categories along the
    /// bottom, each count above its bar.
    public static func histogram(_ bars: [Bar], title: String, axis: String) -> String {
        let column = max(26.0, min(60.0, 640.0 / Double(max(bars.count, 1))))
        let chartHeight = 160.0
        let left = 20.0
        let width = left + Double(bars.count) * column + 20
        let height = chartHeight + 62
        let largest = bars.compactMap { $0.values.first ?? nil }.max() ?? 0
        var svg = "<svg viewBox=\"0 0 \(n(max(width, 320))) \(n(height))\" role=\"img\""
        svg +=
            " aria-label=\"\(HTMLReport.escape(title))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">"
        svg += "<title>\(HTMLReport.escape(title))</title>"
        let base = 20 + chartHeight
        for (k, bar) in bars.enumerated() {
            let x = left + Double(k) * column
            var top = base
            if let value = bar.values.first ?? nil, largest > 0 {
                let h = max(1, chartHeight * value / largest)
                top = base - h
                svg += "<rect x=\"\(n(x + 3))\" y=\"\(n(top))\" width=\"\(n(column - 6))\" height=\"\(n(h))\""
                svg += " fill=\"\(colours[0])\"/>"
            }
            svg += "<text x=\"\(n(x + column / 2))\" y=\"\(n(top - 4))\" text-anchor=\"middle\">"
            svg += HTMLReport.escape(bar.text) + "</text>"
            svg += "<text x=\"\(n(x + column / 2))\" y=\"\(n(base + 16))\" text-anchor=\"middle\" class=\"category\">"
            svg += HTMLReport.escape(bar.label) + "</text>"
        }
        svg += "<line x1=\"\(n(left))\" y1=\"\(n(base))\" x2=\"\(n(left + Double(bars.count) * column))\""
        svg += " y2=\"\(n(base))\" stroke=\"#1d1d1d\"/>"
        svg += "<text x=\"\(n(left))\" y=\"\(n(base + 36))\">\(HTMLReport.escape(axis))</text>"
        return svg + "</svg>"
    }

    static func truncated(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    static func n(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x)
    }
}
