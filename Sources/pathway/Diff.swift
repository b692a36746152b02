import ArgumentParser
import Foundation
import GraphvizRenderer
import PathwayCore
import PathwayDrawing
import PathwayReports

extension PathwayCommand {
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare a pathway before and after a redesign.",
            discussion: paragraphs(
                """
                Prints the headline changes first (services merged, points of entry per
                function, boundary crossings, what the redesign leaves broken), then the
                details: services and routes added, removed and changed, routes redirected to
                the service that replaced their end, every metric that moved, the orphaned
                routes of the after pathway, and the onward referrals lost: each service, in
                both versions, that could reach a function before and cannot after, with a path
                that worked before and where the after pathway breaks it.

                Services match by id, and by 'replaces' in the after file (merges and splits).
                Routes match on from, to and purpose; a change of kind, volume or note is a
                change, not a removal and an addition. --json prints the 'diff' keys of the
                pathway format (section 3).

                --view chooses what the diagrams draw (as for render; default: every service).
                --diagram draws the union of both pathways: added in blue, removed in orange
                and dashed, changed in purple, unchanged grey, and a dotted line from each
                merged service to what it replaces. --before-diagram and --after-diagram draw
                each side in the same layout, so a reader can flip between them.

                Example: pathway diff pathways/dementia-london-before.yaml \\
                           pathways/dementia-london-after.yaml --diagram london-diff.svg

                Patient profiles (each side's own, and --profiles FILE on both sides, so one
                population is held against both): how each profile's fewest referrals and
                boundaries moved, and the profiles served before and not after.

                Exit status: with --exit-code, 1 when the after pathway has orphaned routes,
                lost onward referrals or a profile no longer served (for the CI of a pathway
                repository), else 0; without it,
                0 whatever the difference. 64 for a mistake in the command line; 65 when an
                input does not load or a diagram cannot be drawn; 73 when an output cannot be
                written (an input is never written over).
                """)
        )

        @Argument(help: "The pathway before the redesign (file, or CSV folder).")
        var before: String

        @Argument(help: "The pathway after the redesign.")
        var after: String

        @OptionGroup var profileOptions: ProfilesOption
        @OptionGroup var output: OutputOptions

        @Flag(help: "Exit 1 when the after pathway has orphaned routes, lost onward referrals or lost profiles.")
        var exitCode = false

        @Option(help: "Also draw the difference to this file (.svg .png .pdf .dot .mmd; .drawio: all three sides).")
        var diagram: String?

        @Option(help: "Also draw the before pathway, laid out as the difference is.")
        var beforeDiagram: String?

        @Option(help: "Also draw the after pathway, laid out as the difference is.")
        var afterDiagram: String?

        @Option(help: "The view the diagrams draw: services, organisations, function:F, focus:S[:DEPTH] or profile:P.")
        var view = "services"

        @OptionGroup var time: TimeLimitOption

        func validate() throws {
            do {
                _ = try PathwayView(parsing: view)
            } catch {
                throw ValidationError(error.description)
            }
            for path in [diagram, beforeDiagram, afterDiagram].compactMap({ $0 }) {
                guard DrawingOutput(fileExtension: (path as NSString).pathExtension) != nil else {
                    throw ValidationError(
                        "cannot tell the format from '\(path)': end it in \(DrawingOutput.extensions)")
                }
            }
        }

        func run() throws {
            let profiles = try profileOptions.load()
            let old = try loadOrExit(before, profiles: profiles)
            let new = try loadOrExit(after, profiles: profiles)
            let diff = PathwayDiff(before: old, after: new)
            // Draw everything first, then write: a failure leaves no file half-done.
            var drawings: [(path: String, bytes: [UInt8])] = []
            let asked = [(diagram, DiagramSide.difference), (beforeDiagram, .before), (afterDiagram, .after)]
                .compactMap { path, side in
                    path.map { ($0, side, DrawingOutput(fileExtension: ($0 as NSString).pathExtension)!) }
                }
            if !asked.isEmpty {
                let view = try PathwayView(parsing: view)
                if (try? view.validate(for: old)) == nil {
                    do { try view.validate(for: new) } catch { throw ValidationError(error.description) }
                }
                do {
                    let files = try Drawing.files(
                        diff, view: view, sides: asked.map { ($0.1, $0.2) }, worker: time.worker(for: [old, new]))
                    for ((path, _, _), file) in zip(asked, files) {
                        drawings.append((path, file.bytes))
                        for warning in file.warnings { printError("\(path): warning: \(warning)") }
                    }
                } catch {
                    throw drawingFailed(error, file: "\(before) → \(after)")
                }
            }
            for drawing in drawings {
                try writeWhole(drawing.bytes, to: drawing.path, inputs: [before, after] + profileOptions.inputs)
            }

            if output.json {
                try emit(DiffReport.json(diff).serialized())
            } else {
                try emit(DiffReport.text(diff))
            }
            if exitCode && diff.hasGaps { throw Exit.found }
        }
    }
}
