import Foundation
import GraphvizRenderer
import PathwayCore
import PathwayReports

/// The checked-in diagrams of the sample pathways: one SVG per pathway file, of the same name,
/// drawn the same bytes for the same input, so that a stale one shows.
public enum SampleDiagrams {
    public struct Diagram: Sendable {
        /// The pathway file drawn.
        public var pathway: String
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

    /// Draws every pathway of `files` with dot in lanes, Graphviz's defaults and every label
    /// (``PathwayDiagram/dot(_:metrics:lanes:routeLabels:)``), each to `folder/NAME.svg`, and
    /// compares it with what is there.
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
            let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension + ".svg"
            let target = (folder as NSString).appendingPathComponent(name)
            let svg: [UInt8]
            do throws(GraphvizError) {
                svg = try worker.render(dot: PathwayDiagram.dot(pathway), format: .svg)
            } catch {
                throw .drawing(file: file, DrawingError(error))
            }
            let current = FileManager.default.contents(atPath: target).map { [UInt8]($0) }
            diagrams.append(Diagram(pathway: file, target: target, svg: svg, isCurrent: current == svg))
        }
        return diagrams
    }
}
