import GraphvizRenderer
import PathwayCore
import PathwayReports

extension Drawing {
    /// The HTML report of one pathway (``HTMLReport/page(_:metrics:figure:)``), with its diagram
    /// drawn as `render` draws it.
    public static func reportPage(_ pathway: Pathway, worker: RenderWorker = .current()) throws(DrawingError)
        -> String
    {
        let metrics = PathwayMetrics(pathway, betweenness: false)
        let svg = try Drawing.pathway(pathway, metrics: metrics, format: .svg, worker: worker)
        return HTMLReport.page(
            pathway, metrics: metrics, figure: .init(caption: pathway.title, svg: String(decoding: svg, as: UTF8.self)))
    }

    /// The HTML report of a redesign (``HTMLReport/page(_:figures:)``), with the difference and
    /// both sides drawn in one shared layout.
    public static func reportPage(_ diff: PathwayDiff, worker: RenderWorker = .current()) throws(DrawingError)
        -> String
    {
        let sides: [(DiffDiagram.Side, String)] = [
            (.difference, "What changed: added in blue, removed in orange and dashed, changed in purple"),
            (.before, "Before: \(diff.before.title)"), (.after, "After: \(diff.after.title)"),
        ]
        let drawn = try redesign(diff, sides: sides.map { ($0.0, .svg) }, worker: worker)
        return HTMLReport.page(
            diff,
            figures: zip(sides, drawn).map {
                HTMLReport.Figure(caption: $0.1, svg: String(decoding: $1, as: UTF8.self))
            })
    }
}
