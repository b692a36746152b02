import PathwayCore

/// `pathway report`: one self-contained HTML page for a board paper. Inline SVG and CSS, a few
/// lines of optional script (hovering a service in a table highlights it in the diagrams), no
/// request to anything outside the page, and a print layout for A4.
///
/// Every piece of user text goes through ``escape(_:)``. The diagrams are Graphviz's SVG,
/// which escapes its own text; their element ids are prefixed per diagram so that the page
/// has no duplicate ids.
public enum HTMLReport {
    /// A drawn diagram to place on the page.
    public struct Figure: Sendable {
        public var caption: String
        public var svg: String
        /// A full diagram of every service: panned and zoomed on screen, a page of its own in
        /// print.
        public var full: Bool
        /// What the drawing shows, in a sentence, for readers who cannot see it; the page's
        /// headline facts follow it in the text alternative.
        public var description: String?

        public init(caption: String, svg: String, full: Bool = false, description: String? = nil) {
            self.caption = caption
            self.svg = svg
            self.full = full
            self.description = description
        }

        /// The text alternative's description: the figure's own sentence, then `facts`.
        func alternative(facts: [String]) -> String {
            ([description].compactMap { $0 } + [facts.joined(separator: "; ")].filter { !$0.isEmpty })
                .joined(separator: " ")
        }
    }

    /// What each metric in the table means, in one line.
    static let meanings: [(key: String, label: String, meaning: String)] = [
        ("services", "Services", "Teams and clinics that accept referrals."),
        ("organisations", "Organisations", "Bodies named in the pathway (trusts, councils, practices, charities)."),
        ("sectors", "Sectors", "Kinds of organisation that run at least one service."),
        ("routes", "Routes", "Referral routes between two services that exist."),
        ("crossBoundaryRoutes", "Boundary crossings", "Routes that refer a patient to another organisation."),
        ("crossBoundaryShare", "Share crossing a boundary", "Boundary crossings as a share of all routes."),
        (
            "ownershipHHI", "Ownership concentration (HHI)",
            "From 1/organisations (spread evenly) to 1 (one organisation runs all)."
        ),
        ("entryPoints.count", "Entry points", "Services where patients first present."),
        ("unreachable.count", "Unreachable services", "Services no entry leads to."),
        ("deadEnds.count", "Dead ends", "Services that refer nowhere and are not an end of the pathway."),
        ("loops.count", "Loops", "Groups of services that can refer a patient round in a circle."),
        ("bottlenecks.count", "Bottlenecks", "Services every route from the entries to some others must pass."),
        ("orphanedRoutes.count", "Orphaned routes", "Routes to or from a service that does not exist."),
        ("overCapacity.count", "Over capacity", "Services whose inbound referrals exceed their capacity."),
    ]

    /// The report of one pathway.
    ///
    /// With `observed`, a "designed and observed" section of what referral records say follows
    /// the diagrams, with its own figures.
    public static func page(
        _ pathway: Pathway, metrics: PathwayMetrics, figures drawn: [Figure], observed: ObservedSection? = nil,
        observedFigures: [Figure] = []
    ) -> String {
        var body = "<header><p class=\"kicker\">Pathway report</p><h1>\(escape(pathway.title))</h1></header>\n"
        let facts = keyFacts(metrics, names: names([pathway]))
        body += headline(facts)
        body += figures(drawn, facts: facts)
        if let observed { body += Self.observed(observed, figures: observedFigures) }
        body += metricsTable(before: nil, after: metrics)
        body += functionsTable(before: nil, after: metrics, names: names([pathway]))
        body += patientsTable(pathway.profiles.map { ($0.id, $0.name, nil, metrics.profiles[$0.id]) }, pathway: pathway)
        body += findings(metrics, lost: nil, names: names([pathway]))
        body += provenance([("Pathway", pathway)])
        return document(title: "Pathway report: \(pathway.title)", body: body)
    }

    /// The report of a redesign: before, after, and what changed.
    public static func page(
        _ diff: PathwayDiff, figures drawn: [Figure], observed: ObservedSection? = nil, observedFigures: [Figure] = []
    ) -> String {
        let named = names([diff.before, diff.after])
        var body = "<header><p class=\"kicker\">Redesign report</p><h1>\(escape(diff.after.title))</h1>"
        body += "<p class=\"sub\">compared with: \(escape(diff.before.title))</p></header>\n"
        let facts = DiffReport.headlines(diff)
        body += headline(facts)
        body += figures(drawn, facts: facts)
        if let observed { body += Self.observed(observed, figures: observedFigures) }
        body += metricsTable(before: diff.beforeMetrics, after: diff.afterMetrics)
        body += functionsTable(before: diff.beforeMetrics, after: diff.afterMetrics, names: named)
        body += patientsTable(diff.profiles.map { ($0.id, $0.name, $0.before, $0.after) }, pathway: diff.after)
        body += changes(diff, names: named)
        body += findings(diff.afterMetrics, lost: diff.lostReach, names: named)
        body += provenance([("Before", diff.before), ("After", diff.after)])
        return document(title: "Redesign report: \(diff.after.title)", body: body)
    }

    /// The few facts that sum one pathway up.
    static func keyFacts(_ m: PathwayMetrics, names: [String: String]) -> [String] {
        func plural(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        var lines = [
            "\(plural(m.services, "service")) run by \(plural(m.organisations, "organisation")) in \(plural(m.sectors, "sector"))",
            "boundary crossings: \(m.crossBoundaryRoutes) of \(plural(m.routes, "route")) (\(percent(m.crossBoundaryShare)))",
        ]
        for word in m.functions.keys.sorted() {
            let doors = m.functions[word]!.pointsOfEntry
            if doors.count == 1 {
                lines.append("single point of entry for \(word): \(names[doors[0]] ?? doors[0])")
            } else if doors.count > 1 {
                lines.append("points of entry for \(word): \(doors.count)")
            }
        }
        lines.append(
            m.orphanedRoutes.isEmpty ? "no orphaned routes" : "\(plural(m.orphanedRoutes.count, "orphaned route"))")
        if !m.unreachable.isEmpty { lines.append("\(plural(m.unreachable.count, "service")) no entry reaches") }
        return lines
    }

    static func headline(_ lines: [String]) -> String {
        "<section id=\"headline\" class=\"headline\"><h2>Headline</h2><ul>\n"
            + lines.map { "<li>\(escape($0))</li>\n" }.joined() + "</ul></section>\n"
    }

    static func provenance(_ sides: [(String, Pathway)]) -> String {
        var out = "<section><h2>Provenance</h2><table class=\"provenance\"><thead><tr><th></th>"
        out += sides.map { "<th>\(escape($0.0))</th>" }.joined() + "</tr></thead><tbody>\n"
        let rows: [(String, (Pathway) -> String?)] = [
            ("Title", { $0.title }), ("Condition", { $0.condition }), ("Area", { $0.area }),
            ("As of", { $0.asOf }), ("Source", { $0.source }), ("File", { $0.file }),
        ]
        for (label, value) in rows {
            out +=
                "<tr><th scope=\"row\">\(label)</th>"
                + sides.map { "<td>\(value($0.1).map(escape) ?? "<span class=\"none\">not stated</span>")</td>" }
                .joined()
                + "</tr>\n"
        }
        return out + "</tbody></table></section>\n"
    }

    /// The diagrams, each with its caption and a text alternative (its description and
    /// `facts`), the full ones with zoom buttons that the page's script shows.
    static func figures(_ figures: [Figure], facts: [String]) -> String {
        var out = "<section><h2>Diagrams</h2>\n"
        for (k, figure) in figures.enumerated() {
            out +=
                "<figure class=\"diagram\(figure.full ? " full" : "")\"><figcaption>\(escape(figure.caption))</figcaption>\n"
            if figure.full {
                out += "<div class=\"zoom\" role=\"group\" aria-label=\"Zoom the diagram\">"
                out += "<button type=\"button\" data-zoom=\"in\" aria-label=\"Zoom in\">+</button>"
                out += "<button type=\"button\" data-zoom=\"out\" aria-label=\"Zoom out\">\u{2212}</button>"
                out += "<button type=\"button\" data-zoom=\"reset\">Whole diagram</button>"
                out += "<span>drag to move, wheel or buttons to zoom</span></div>\n"
            }
            out +=
                inline(
                    svg: figure.svg, prefix: "d\(k)", title: figure.caption,
                    description: figure.alternative(facts: facts)) + "\n</figure>\n"
        }
        return out + "</section>\n"
    }

    /// Graphviz's SVG without its XML prologue, with every id prefixed and the fixed size
    /// dropped so that the drawing scales to the page (its viewBox keeps the proportions), and
    /// a text alternative: an `img` role named by a `<title>` and described by a `<desc>`, the
    /// drawing's first children, as WCAG 2.1 (1.1.1) asks of an image that carries meaning.
    static func inline(svg: String, prefix: String, title: String, description: String) -> String {
        guard let start = svg.range(of: "<svg") else { return "" }
        var text = String(svg[start.lowerBound...])
        text = text.replacingOccurrences(of: " id=\"", with: " id=\"\(prefix)-")
        if let open = text.range(of: ">") {
            var tag = String(text[..<open.lowerBound])
            for attribute in ["width", "height"] {
                if let r = tag.range(of: " \(attribute)=\"[^\"]*\"", options: .regularExpression) {
                    tag.removeSubrange(r)
                }
            }
            tag += " role=\"img\" aria-labelledby=\"\(prefix)-title \(prefix)-desc\""
            let alternative =
                "<title id=\"\(prefix)-title\">\(escape(title))</title>"
                + "<desc id=\"\(prefix)-desc\">\(escape(description))</desc>"
            text = tag + ">" + alternative + String(text[text.index(after: open.lowerBound)...])
        }
        return text
    }

    static func metricsTable(before: PathwayMetrics?, after: PathwayMetrics) -> String {
        func values(_ m: PathwayMetrics) -> [String: Double] {
            guard case .object(let o) = m.json else { return [:] }
            var out: [String: Double] = [:]
            for (key, value) in o {
                switch value {
                case .int(let i): out[key] = Double(i)
                case .double(let d): out[key] = d
                case .array(let a): out[key + ".count"] = Double(a.count)
                default: break
                }
            }
            return out
        }
        let (x, y) = (before.map(values), values(after))
        var out = "<section><h2>Metrics</h2><table class=\"metrics\"><thead><tr><th>Metric</th>"
        out +=
            before == nil
            ? "<th class=\"n\">Value</th>"
            : "<th class=\"n\">Before</th><th class=\"n\">After</th><th class=\"n\">Change</th>"
        out += "<th>What it means</th></tr></thead><tbody>\n"
        for (key, label, meaning) in meanings {
            let b = x?[key]
            let a = y[key] ?? 0
            out += "<tr><th scope=\"row\">\(label)</th>"
            if let b {
                let moved = b != a
                out += "<td class=\"n\">\(number(b, key))</td><td class=\"n\">\(number(a, key))</td>"
                out += "<td class=\"n\(moved ? " moved" : "")\">\(moved ? change(b, a, key) : "–")</td>"
            } else {
                out += "<td class=\"n\">\(number(a, key))</td>"
            }
            out += "<td class=\"meaning\">\(meaning)</td></tr>\n"
        }
        return out + "</tbody></table></section>\n"
    }

    static func number(_ x: Double, _ key: String) -> String {
        if key == "crossBoundaryShare" { return percent(x) }
        if key == "ownershipHHI" { return MetricsReport.format3(x) }
        return String(Int(x))
    }

    static func change(_ b: Double, _ a: Double, _ key: String) -> String {
        let sign = a > b ? "+" : "−"
        if key == "crossBoundaryShare" { return sign + String(Int((abs(a - b) * 100).rounded())) + " points" }
        if key == "ownershipHHI" { return sign + MetricsReport.format3(abs(a - b)) }
        return sign + String(Int(abs(a - b)))
    }

    static func percent(_ x: Double) -> String { String(Int((x * 100).rounded())) + "%" }

    static func functionsTable(before: PathwayMetrics?, after: PathwayMetrics, names: [String: String]) -> String {
        let words = Set(after.functions.keys).union(before?.functions.keys ?? [:].keys).sorted()
        var out =
            "<section><h2>Functions</h2><p>For each function: the services that offer it; its points of entry (the "
        out +=
            "providers a patient can reach first); and the fewest referrals and organisation boundaries from an entry.</p>\n"
        out +=
            "<table class=\"functions\"><thead><tr><th>Function</th><th class=\"n\">Providers</th><th>Points of entry\(before == nil ? "" : " (how many before → after: those now)")</th>"
        out +=
            "<th>Single point of entry</th><th class=\"n\">Fewest referrals</th><th class=\"n\">Fewest boundaries</th></tr></thead><tbody>\n"
        // "–" where no entry reaches the function.
        let absent = FunctionMetrics.absent
        func pair<T: Equatable>(_ b: T?, _ a: T, _ show: (T) -> String) -> String {
            guard let b, b != a else { return show(a) }
            return "<span class=\"was\">\(show(b))</span> → \(show(a))"
        }
        func services(_ ids: [String]) -> String {
            ids.isEmpty
                ? "<span class=\"none\">none</span>" : ids.map { service($0, names: names) }.joined(separator: ", ")
        }
        for word in words {
            let a = after.functions[word] ?? absent
            let b = before.map { $0.functions[word] ?? absent }
            // Counts for the providers; the names of the points of entry as they are now.
            let doors =
                (b.map { "\(pair($0.pointsOfEntry.count, a.pointsOfEntry.count, String.init)): " }
                    ?? "\(a.pointsOfEntry.count): ")
                + services(a.pointsOfEntry)
            out += "<tr><th scope=\"row\">\(escape(word))</th>"
            out += "<td class=\"n\">\(pair(b?.providers.count, a.providers.count, String.init))</td>"
            out += "<td class=\"doors\">\(doors)</td>"
            out += "<td>\(pair(b?.singlePointOfEntry, a.singlePointOfEntry) { $0 ? "yes" : "no" })</td>"
            out += "<td class=\"n\">\(pair(b?.minReferrals, a.minReferrals) { $0.map(String.init) ?? "–" })</td>"
            out +=
                "<td class=\"n\">\(pair(b?.minBoundaries, a.minBoundaries) { $0.map(String.init) ?? "–" })</td></tr>\n"
        }
        if words.isEmpty { out += "<tr><td colspan=\"6\">No service lists functions.</td></tr>\n" }
        return out + "</tbody></table></section>\n"
    }

    /// The patients table: for each profile, whether it gets through, with the fewest referrals
    /// and organisation boundaries; before, after and the change for a redesign. Empty when
    /// there are no profiles.
    static func patientsTable(
        _ rows: [(id: String, name: String, before: ProfileJourney?, after: ProfileJourney?)], pathway: Pathway
    ) -> String {
        guard !rows.isEmpty else { return "" }
        let redesign = rows.contains { $0.before != nil }
        func plural(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        func cell(_ j: ProfileJourney?) -> String {
            guard let j else { return "<span class=\"none\">not in this pathway</span>" }
            guard let r = j.minReferrals else {
                return "<strong>not served</strong>: no journey meets \(escape(ProfileReport.words(j.unmet ?? "?")))"
            }
            let b = j.minBoundaries ?? 0
            return "\(plural(r, "referral")), \(b) organisation \(b == 1 ? "boundary" : "boundaries")"
        }
        func change(_ b: ProfileJourney?, _ a: ProfileJourney?) -> String {
            guard let b, let a else { return "–" }
            if b.served && !a.served { return "<strong>lost</strong>" }
            if !b.served && a.served { return "now served" }
            guard let x = b.minReferrals, let y = a.minReferrals else { return "no change" }
            var parts: [String] = []
            if x != y { parts.append("\(y > x ? "+" : "−")\(plural(abs(y - x), "referral"))") }
            if let c = b.minBoundaries, let d = a.minBoundaries, c != d {
                parts.append("\(d > c ? "+" : "−")\(abs(d - c)) \(abs(d - c) == 1 ? "boundary" : "boundaries")")
            }
            return parts.isEmpty ? "no change" : parts.joined(separator: ", ")
        }
        var out = "<section id=\"patients\"><h2>Patients</h2><p>Each patient profile is a mix of needs, met in "
        out += "order, at services that accept the patients: whether they get through, and with how few referrals "
        out += "and organisation boundaries.</p>\n<table class=\"patients\"><thead><tr><th>Profile</th>"
        out += redesign ? "<th>Before</th><th>After</th><th>Change</th>" : "<th>Fewest referrals and boundaries</th>"
        out += "<th>Journey</th></tr></thead><tbody>\n"
        let profiles = Dictionary(pathway.profiles.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for row in rows {
            out += "<tr><th scope=\"row\">\(escape(row.name))</th>"
            if redesign { out += "<td>\(cell(row.before))</td>" }
            out += "<td>\(cell(row.after))</td>"
            if redesign { out += "<td>\(change(row.before, row.after))</td>" }
            if let profile = profiles[row.id], let journey = row.after {
                out +=
                    "<td>\(escape(ProfileReport.sentence(profile, journey, pathway: pathway, named: false)))</td></tr>\n"
            } else {
                out += "<td></td></tr>\n"
            }
        }
        return out + "</tbody></table></section>\n"
    }

    static func changes(_ diff: PathwayDiff, names: [String: String]) -> String {
        var out = "<section><h2>What changed</h2>\n"
        var items: [String] = []
        for merge in diff.merged {
            items.append(
                "\(service(merge.into, names: names)) replaces "
                    + merge.from.map { service($0, names: names) }.joined(separator: ", "))
        }
        for id in diff.addedServices where !diff.merged.contains(where: { $0.into == id }) {
            items.append("added \(service(id, names: names))")
        }
        let replaced = Set(diff.merged.flatMap(\.from))
        for id in diff.removedServices where !replaced.contains(id) {
            items.append("removed \(service(id, names: names))")
        }
        for change in diff.changedServices {
            items.append(
                "changed \(service(change.id, names: names)): "
                    + change.changes.map {
                        escape("\($0.field) \(DiffReport.describe($0.before)) → \(DiffReport.describe($0.after))")
                    }
                    .joined(separator: "; "))
        }
        out += list(items, empty: "No service was added, removed or changed.")
        out +=
            "<p>Routes: \(diff.addedRoutes.count) added, \(diff.removedRoutes.count) removed, "
            + "\(diff.changedRoutes.count) changed, \(diff.redirectedRoutes.count) of them following their service into the one "
            + "that replaced it.</p>\n"
        return out + "</section>\n"
    }

    /// The findings of one pathway (the after pathway of a redesign), and the onward
    /// referrals a redesign lost when there is one.
    static func findings(_ m: PathwayMetrics, lost: [PathwayDiff.LostReach]?, names: [String: String]) -> String {
        func services(_ ids: [String]) -> String { ids.map { service($0, names: names) }.joined(separator: ", ") }
        var out = "<section id=\"findings\"><h2>Findings</h2>\n"
        out +=
            "<h3>Orphaned routes</h3>\n"
            + list(
                m.orphanedRoutes.map { route in
                    escape(PathwayDiff.RouteKey(route).description)
                        + (route.location.map { " <span class=\"where\">\(escape($0.description))</span>" } ?? "")
                }, empty: "None: every route names services that exist.", warn: true)
        if let lost {
            out +=
                "<h3>Onward referrals lost</h3>\n"
                + list(
                    lost.map { row in
                        "\(service(row.service, names: names)) can no longer reach <b>\(escape(row.function))</b>. Before: "
                            + escape(row.path.joined(separator: " → ")) + ". Now: " + escape(row.reason) + "."
                    }, empty: "None: every service reaches every function it reached before.", warn: true)
        }
        out += "<h3>Loops</h3>\n" + list(m.loops.map { services($0) }, empty: "None.")
        out +=
            "<h3>Bottlenecks</h3>\n"
            + list(
                m.bottlenecks.map {
                    "\(service($0.id, names: names)) gates \($0.dominates) service\($0.dominates == 1 ? "" : "s")"
                }, empty: "None.")
        out +=
            "<h3>Over capacity</h3>\n"
            + list(
                m.overCapacity.map {
                    "\(service($0.id, names: names)) receives \($0.inbound) referrals a year for a capacity of \($0.capacity)"
                }, empty: "None.", warn: true)
        out +=
            "<h3>Unreachable services</h3>\n"
            + list(m.unreachable.map { service($0, names: names) }, empty: "None.", warn: true)
        out += "<h3>Dead ends</h3>\n" + list(m.deadEnds.map { service($0, names: names) }, empty: "None.", warn: true)
        return out + "</section>\n"
    }

    static func list(_ items: [String], empty: String, warn: Bool = false) -> String {
        if items.isEmpty { return "<p class=\"none\">\(escape(empty))</p>\n" }
        return "<ul class=\"\(warn ? "warn" : "plain")\">" + items.map { "<li>\($0)</li>" }.joined(separator: "\n")
            + "</ul>\n"
    }

    /// A service's name, marked so that hovering it highlights the service in the diagrams.
    static func service(_ id: String, names: [String: String]) -> String {
        "<span class=\"svc\" data-service=\"\(escape(id))\" title=\"\(escape(id))\">\(escape(names[id] ?? id))</span>"
    }

    static func names(_ pathways: [Pathway]) -> [String: String] { DiffReport.Namer(pathways).names }

    /// Text as HTML: `&`, `<`, `>`, `"` and `'` as entities.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en-GB">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-\(SHA256.base64Digest(scriptElement))'; img-src data:">
        <title>\(escape(title))</title>
        <style>
        \(css)
        </style>
        </head>
        <body>
        <main>
        \(body)
        </main>
        <script>\(scriptElement)</script>
        </body>
        </html>

        """
    }

    static let css = """
        :root { color-scheme: light; --ink: #1d1d1d; --muted: #5a5a5a; --rule: #d6d6d6; --warn: #b34700; --accent: #0072B2; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
        main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 48px; }
        header h1 { font-size: 26px; margin: 0 0 4px; }
        .kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--muted); margin: 0; }
        .sub { margin: 0; color: var(--muted); }
        h2 { font-size: 19px; border-bottom: 2px solid var(--ink); padding-bottom: 3px; margin: 32px 0 10px; }
        h3 { font-size: 15px; margin: 18px 0 4px; }
        .headline { background: #f3f7fb; border-left: 5px solid var(--accent); padding: 4px 18px 8px; margin-top: 18px; }
        .headline h2 { border: 0; margin: 10px 0 4px; }
        .headline li { font-size: 16px; margin: 3px 0; }
        table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
        th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--rule); }
        thead th { border-bottom: 2px solid var(--ink); font-weight: 600; }
        td.n, th.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
        td.moved { font-weight: 600; }
        td.meaning { color: var(--muted); }
        table.functions th { white-space: normal; }
        table.functions td.doors { width: 48%; }
        .was { color: var(--muted); text-decoration: line-through; }
        .none { color: var(--muted); }
        ul.warn li::marker { color: var(--warn); }
        .where { color: var(--muted); font-size: 12px; }
        figure.diagram { margin: 14px 0 22px; border: 1px solid var(--rule); padding: 8px; break-inside: avoid; }
        @media screen and (min-width: 1100px) {
          figure.diagram { width: calc(100vw - 48px); max-width: 1500px; margin-left: 50%; transform: translateX(-50%); }
        }
        figure.diagram figcaption { font-weight: 600; margin-bottom: 6px; }
        figure.diagram svg { display: block; width: 100%; height: auto; }
        figure.full svg { max-height: 80vh; cursor: grab; touch-action: none; }
        figure.chart { margin: 14px 0 22px; break-inside: avoid; }
        figure.chart figcaption { font-weight: 600; margin-bottom: 6px; }
        figure.chart svg { display: block; width: 100%; max-width: 780px; height: auto; }
        .zoom { display: none; gap: 6px; align-items: center; margin-bottom: 6px; font-size: 12.5px; color: var(--muted); }
        .js .zoom { display: flex; }
        .zoom button { font: inherit; padding: 2px 10px; border: 1px solid var(--rule); background: #fafafa; border-radius: 4px; cursor: pointer; }
        .svc { border-bottom: 1px dotted var(--muted); }
        .svc:hover, .svc.hl { background: #fff2b3; }
        svg .hl polygon, svg .hl path, svg .hl ellipse { stroke: #000 !important; stroke-width: 4px !important; }
        @page { size: A4; margin: 14mm; }
        @media print {
          body { font-size: 10.5pt; }
          main { max-width: none; padding: 0; }
          h2 { break-after: avoid; }
          tr, li, figure.diagram { break-inside: avoid; }
          figure.full { break-before: page; border: 0; padding: 0; }
          figure.full svg { max-height: 250mm; }
          .zoom { display: none !important; }
          .headline { background: none; }
        }
        """

    /// Optional: hovering a service in a table outlines it in every diagram. The page reads
    /// the same without it.
    /// The text of the page's script element, whose hash the content security policy names.
    static let scriptElement = "\n" + script + "\n"

    /// The page's only script: hovering a service in a table outlines it in every diagram, and
    /// the full diagrams pan and zoom. The page reads the same without it.
    static let script = """
        (function () {
          document.documentElement.classList.add('js');
          function mark(id, on) {
            document.querySelectorAll('[id$="-svc-' + id + '"]').forEach(function (g) { g.classList.toggle('hl', on); });
          }
          document.querySelectorAll('.svc[data-service]').forEach(function (el) {
            el.addEventListener('mouseenter', function () { mark(el.dataset.service, true); });
            el.addEventListener('mouseleave', function () { mark(el.dataset.service, false); });
          });
          document.querySelectorAll('figure.full').forEach(function (figure) {
            var svg = figure.querySelector('svg');
            if (!svg || !svg.viewBox || !svg.viewBox.baseVal) { return; }
            var original = svg.getAttribute('viewBox'), whole = svg.viewBox.baseVal;
            var start = [whole.x, whole.y, whole.width, whole.height], box = start.slice();
            function show() { svg.setAttribute('viewBox', box.join(' ')); }
            function zoom(factor, fx, fy) {
              var w = Math.min(start[2] * 1.5, Math.max(start[2] / 20, box[2] * factor)), h = w * start[3] / start[2];
              box = [box[0] + (box[2] - w) * fx, box[1] + (box[3] - h) * fy, w, h];
              show();
            }
            figure.querySelectorAll('[data-zoom]').forEach(function (button) {
              button.addEventListener('click', function () {
                var how = button.dataset.zoom;
                if (how === 'reset') { box = start.slice(); svg.setAttribute('viewBox', original); }
                else { zoom(how === 'in' ? 0.7 : 1 / 0.7, 0.5, 0.5); }
              });
            });
            svg.addEventListener('wheel', function (event) {
              event.preventDefault();
              var r = svg.getBoundingClientRect();
              zoom(event.deltaY < 0 ? 0.85 : 1 / 0.85, (event.clientX - r.left) / r.width, (event.clientY - r.top) / r.height);
            }, { passive: false });
            var drag = null;
            svg.addEventListener('pointerdown', function (event) {
              drag = [event.clientX, event.clientY, box[0], box[1]];
              svg.setPointerCapture(event.pointerId);
            });
            svg.addEventListener('pointermove', function (event) {
              if (!drag) { return; }
              var r = svg.getBoundingClientRect(), k = box[2] / r.width;
              box[0] = drag[2] - (event.clientX - drag[0]) * k;
              box[1] = drag[3] - (event.clientY - drag[1]) * k;
              show();
            });
            svg.addEventListener('pointerup', function () { drag = null; });
          });
        })();
        """
}
