import ArgumentParser
import GraphvizRenderer
import PathwayCore
import PathwayDrawing
import PathwayReports

/// Options for commands that draw a view of a pathway.
struct ViewOptions: ParsableArguments {
    @Option(help: "services, organisations, function:F, focus:S[:DEPTH] or profile:P (default: services).")
    var view = "services"

    @Option(help: "Fit the drawing to a sheet: a4, a3 or letter, with -landscape (the default) or -portrait.")
    var page: String?

    @Flag(help: "Draw a lane around each organisation's services (dot only).")
    var lanes = false

    static let help = """
        The views: services; organisations (one box per organisation, one arrow per pair \
        that refer to each other, with summed volumes); function:F (the entries, the points of \
        entry and providers of F, and the services on shortest paths between them); \
        focus:S[:DEPTH] (S, who refers to it and where it refers on, DEPTH referrals each way, 1 \
        unless given); profile:P (the journey of patient profile P, each service marked with its \
        step and the needs met there). With --page the drawing is scaled to the sheet, and a view whose text \
        would print smaller than 8 pt is named, with one that reads.
        """

    var paper: Paper? { page.flatMap(Paper.init(parsing:)) }

    func validate() throws {
        do {
            _ = try PathwayView(parsing: view)
        } catch {
            throw ValidationError(error.description)
        }
        if let page, Paper(parsing: page) == nil {
            throw ValidationError("unknown page '\(page)': use \(Paper.names)")
        }
    }

    /// The view, checked against the pathway it is to draw (a usage mistake otherwise).
    func view(for pathway: Pathway) throws -> PathwayView {
        do {
            let view = try PathwayView(parsing: view)
            try view.validate(for: pathway)
            return view
        } catch {
            throw ValidationError(error.description)
        }
    }
}

/// How long a command's drawing may take.
struct TimeLimitOption: ParsableArguments {
    @Option(
        help: """
            Seconds that drawing may take before the tool stops it with an error (default 12, and \
            1 more for every 500 services and routes, up to 120).
            """)
    var timeLimit: Double?

    func validate() throws {
        guard let timeLimit else { return }
        guard timeLimit > 0 && timeLimit <= 86_400 else {
            throw ValidationError("--time-limit must be a number of seconds above 0, up to 86400 (a day)")
        }
    }

    /// A worker process with this limit, or the default for drawing `pathways` (the largest of
    /// them: a redesign's sides are drawn in one layout, so both count).
    func worker(for pathways: [Pathway]) -> RenderWorker {
        let items = pathways.reduce(0) { $0 + $1.services.count + $1.routes.count }
        return .current(timeout: timeLimit ?? RenderWorker.defaultTimeLimit(items: items))
    }
}
