import GraphvizRenderer
import PathwayCore
import PathwayReports

extension Drawing {
    /// A view of `pathway` other than `besides` whose text reads at 8 pt or more on `paper`,
    /// and the size of its smallest text there: the organisations, else the smallest of the
    /// function views, tried in that order (at most four are laid out).
    public static func readableView(
        of pathway: Pathway, on paper: Paper, besides: PathwayView, worker: RenderWorker = .current()
    ) -> (view: PathwayView, text: Double)? {
        let metrics = PathwayMetrics(pathway, betweenness: false)
        var candidates: [(PathwayView, Diagram)] = []
        if let organisations = try? PathwayView.organisations.diagram(pathway, metrics: metrics) {
            candidates.append((.organisations, organisations))
        }
        var functions: [(PathwayView, Diagram)] = []
        for word in metrics.functions.keys.sorted() {
            let view = PathwayView.function(word)
            if let diagram = try? view.diagram(pathway, metrics: metrics), diagram.nodes.count <= 15 {
                functions.append((view, diagram))
            }
        }
        functions.sort { ($0.1.nodes.count, $0.0.description) < ($1.1.nodes.count, $1.0.description) }
        candidates += functions
        for (view, diagram) in candidates.filter({ $0.0 != besides }).prefix(4) {
            guard LayoutSearch.searches(diagram),
                let best = try? LayoutSearch.best(diagram, options: DOTOptions(), worker: worker)
            else { continue }
            let (width, height) = LayoutSearch.canvas(best.layout.bounds, options: best.options)
            let smallest = diagram.smallestFontSize
            let readability = Readability(width: width, height: height, smallestText: smallest, paper: paper)
            if readability.readable { return (view, readability.smallestText) }
        }
        return nil
    }
}
