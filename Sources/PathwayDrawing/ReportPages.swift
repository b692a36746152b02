import GraphvizRenderer
import PathwayCore
import PathwayReports

extension Drawing {
    /// The HTML report of one pathway (``HTMLReport/page(_:metrics:figures:)``): its
    /// organisations first, which read on a page, then every service.
    public static func reportPage(
        _ pathway: Pathway, observed: ObservedSection? = nil, worker: RenderWorker = .current()
    ) throws(DrawingError) -> String {
        let metrics = PathwayMetrics(pathway, betweenness: false)
        var figures: [HTMLReport.Figure] = []
        for (view, caption, full, description) in [
            (
                PathwayView.organisations, "Organisations, and the referrals between them", false,
                "A box for each of the \(metrics.organisations) organisations, coloured by sector, and an arrow for"
                    + " each pair that refer patients to each other, labelled with the referrals a year."
            ),
            (
                .services, "Every service and route: \(pathway.title)", true,
                "A box for each of the \(metrics.services) services, coloured by the sector of the organisation"
                    + " that runs it, and an arrow for its \(metrics.routes) referral routes; blue arrows cross"
                    + " from one organisation to another."
            ),
        ] {
            let svg = try Drawing.pathway(
                pathway, metrics: metrics, options: Options(view: view), format: .svg, worker: worker)
            figures.append(
                HTMLReport.Figure(
                    caption: caption, svg: String(decoding: svg.bytes, as: UTF8.self), full: full,
                    description: description))
        }
        var extra: [HTMLReport.Figure] = []
        if let observed { extra = try observedFigures(observed, worker: worker) }
        return HTMLReport.page(
            pathway, metrics: metrics, figures: figures, observed: observed, observedFigures: extra)
    }

    /// The figures of a "designed and observed" section: the conformance diagram, then the
    /// observed pathway's organisations, line weight by observed volume.
    static func observedFigures(_ section: ObservedSection, worker: RenderWorker) throws(DrawingError)
        -> [HTMLReport.Figure]
    {
        let conformance = try diagram(section.conformance, format: .svg, worker: worker)
        let organisations = try pathway(
            section.observed, options: Options(view: .organisations), format: .svg, worker: worker)
        return [
            HTMLReport.Figure(
                caption: "The design, with what patients did on it: designed routes with their observed volume,"
                    + " grey and dashed where nobody took them, vermilion where patients went that nobody designed",
                svg: String(decoding: conformance.bytes, as: UTF8.self)),
            HTMLReport.Figure(
                caption: "The observed pathway's organisations: line weight by referrals a year",
                svg: String(decoding: organisations.bytes, as: UTF8.self)),
        ]
    }

    /// The views a redesign's report leads with, in order: the organisations, then each function
    /// whose points of entry changed, then each new single point of entry in focus.
    public static func leadingViews(_ diff: PathwayDiff) -> [(view: PathwayView, caption: String)] {
        var views: [(PathwayView, String)] = [
            (.organisations, "Organisations, and how the referrals between them changed")
        ]
        let words = Set(diff.beforeMetrics.functions.keys).union(diff.afterMetrics.functions.keys).sorted()
        var focused: Set<String> = []
        var focus: [(PathwayView, String)] = []
        for word in words {
            let before = diff.beforeMetrics.functions[word]?.pointsOfEntry ?? []
            let after = diff.afterMetrics.functions[word]?.pointsOfEntry ?? []
            guard Set(before) != Set(after) else { continue }
            views.append(
                (.function(word), "How patients reach \(word): points of entry \(before.count) → \(after.count)"))
            if after.count == 1, before != after, focused.insert(after[0]).inserted {
                let name = diff.after.services.first { $0.id == after[0] }?.name ?? after[0]
                focus.append(
                    (
                        .focus(after[0], depth: 1),
                        "The single point of entry for \(word), \(name): who refers to it and where it refers on"
                    ))
            }
        }
        // The journeys that changed, most changed first: a lost profile, then the most referrals added.
        var journeys: [(rank: Int, view: PathwayView, caption: String)] = []
        for change in diff.profiles {
            guard let b = change.before, let a = change.after else { continue }
            let rank: Int
            if b.served && !a.served {
                rank = 1_000
            } else if let x = b.minReferrals, let y = a.minReferrals, x != y {
                rank = abs(y - x)
            } else {
                continue
            }
            let counts =
                a.served
                ? "\(b.minReferrals.map(String.init) ?? "none") → \(a.minReferrals!) referrals" : "no longer served"
            journeys.append((rank, .profile(change.id), "The journey of \(change.name) after the redesign: \(counts)"))
        }
        let changed = journeys.sorted { $0.rank > $1.rank }.prefix(3).map { ($0.view, $0.caption) }
        return views + focus + changed
    }

    /// What a leading view of a redesign shows, for a reader who cannot see it.
    static func describe(_ view: PathwayView) -> String {
        let change =
            "blue where the redesign added them, orange and dashed where it removed them, purple where it changed them."
        switch view {
        case .organisations:
            return "A box for each organisation of either side, coloured by sector, and an arrow for each pair that"
                + " refer patients to each other, labelled with the referrals a year: " + change
        case .function(let word):
            return "How patients reach \(word): the entries, its points of entry (heavy black border) and other"
                + " providers, and the services on the shortest referral paths between them: " + change
        case .focus(let id, _):
            return "The service \(id) (heavy black border), the services that refer to it and those it refers on to: "
                + change
        case .profile(let id):
            return "The journey of patient profile \(id) after the redesign, each service marked with its step and"
                + " the needs it meets."
        case .services:
            return "Every service and route of either side: " + change
        }
    }

    /// The HTML report of a redesign (``HTMLReport/page(_:figures:)``): the views that read on a
    /// page first (``leadingViews(_:)``), each as the difference of the redesign; then every
    /// service, as the difference and each side in one shared layout.
    public static func reportPage(
        _ diff: PathwayDiff, observed: ObservedSection? = nil, worker: RenderWorker = .current()
    ) throws(DrawingError) -> String {
        var figures: [HTMLReport.Figure] = []
        for (view, caption) in leadingViews(diff) {
            let svg = try redesign(diff, view: view, sides: [(.difference, .svg)], worker: worker)[0]
            figures.append(
                HTMLReport.Figure(
                    caption: caption, svg: String(decoding: svg, as: UTF8.self), description: describe(view)))
        }
        let sides: [(DiagramSide, String)] = [
            (
                .difference,
                "Every service, what changed: added in blue, removed in orange and dashed, changed in purple"
            ),
            (.before, "Before: \(diff.before.title)"), (.after, "After: \(diff.after.title)"),
        ]
        let descriptions = [
            "Every service of both sides in one layout: services and routes the redesign added are blue,"
                + " those it removed orange and dashed, those it changed purple.",
            "Every one of the \(diff.beforeMetrics.services) services before the redesign, in the same layout as"
                + " the difference.",
            "Every one of the \(diff.afterMetrics.services) services after the redesign, in the same layout as the"
                + " difference.",
        ]
        let drawn = try redesign(diff, sides: sides.map { ($0.0, .svg) }, worker: worker)
        for ((side, svg), description) in zip(zip(sides, drawn), descriptions) {
            figures.append(
                HTMLReport.Figure(
                    caption: side.1, svg: String(decoding: svg, as: UTF8.self), full: true, description: description))
        }
        var extra: [HTMLReport.Figure] = []
        if let observed { extra = try observedFigures(observed, worker: worker) }
        return HTMLReport.page(diff, figures: figures, observed: observed, observedFigures: extra)
    }
}
