import Foundation
import GraphvizRenderer
import PathwayCore
import PathwayReports

/// The checked-in diagrams of the sample pathways: for each pathway file, every service
/// (`NAME.svg`) and its organisations (`NAME.organisations.svg`), and the ``gallery``'s views
/// (`NAME.function-diagnosis.svg`, …), drawn as `render` draws them,
/// the same bytes for the same input, so that a stale one shows.
public enum SampleDiagrams {
    /// The views drawn of each sample, and the suffix of their files.
    public static let views: [(view: PathwayView, suffix: String)] = [
        (.services, ""), (.organisations, ".organisations"),
    ]

    /// Further views of one sample, for the README's picture of each view: how patients reach
    /// a diagnosis in London after the redesign, and its new single point of entry in focus.
    public static let gallery: [(pathway: String, view: PathwayView)] = [
        ("dementia-london-after", .function("diagnosis")),
        ("dementia-london-after", .focus("memory-service", depth: 1)),
    ]

    /// The views drawn of the pathway file named `name` (without its extension).
    static func views(of name: String) -> [(view: PathwayView, suffix: String)] {
        views + gallery.filter { $0.pathway == name }.map { ($0.view, "." + $0.view.fileName) }
    }

    public struct Diagram: Sendable {
        /// The pathway file drawn.
        public var pathway: String
        public var view: PathwayView
        /// Where its diagram belongs.
        public var target: String
        public var svg: [UInt8]
        /// The target already holds these very bytes.
        public var isCurrent: Bool
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case load(PathwayLoadError)
        case drawing(file: String, DrawingError)

        public var description: String {
            switch self {
            case .load(let error): error.description
            case .drawing(let file, let error): "\(file): error: the diagram could not be drawn: \(error.message)"
            }
        }
    }

    /// Draws every view of every pathway of `files` into `folder`, and compares each with what
    /// is there.
    public static func draw(_ files: [String], into folder: String, worker: RenderWorker = .current())
        throws(Failure) -> [Diagram]
    {
        var diagrams: [Diagram] = []
        for file in files {
            let pathway: Pathway
            do throws(PathwayLoadError) {
                pathway = try PathwayFiles.load(file)
            } catch {
                throw .load(error)
            }
            let metrics = PathwayMetrics(pathway, betweenness: false)
            let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            for (view, suffix) in views(of: name) {
                let target = (folder as NSString).appendingPathComponent(name + suffix + ".svg")
                let svg: [UInt8]
                do throws(DrawingError) {
                    svg = try Drawing.pathway(
                        pathway, metrics: metrics, options: .init(view: view), format: .svg, worker: worker
                    ).bytes
                } catch {
                    throw .drawing(file: file, error)
                }
                let current = FileManager.default.contents(atPath: target).map { [UInt8]($0) }
                diagrams.append(Diagram(pathway: file, view: view, target: target, svg: svg, isCurrent: current == svg))
            }
        }
        return diagrams
    }
}
