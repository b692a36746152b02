import ArgumentParser
import Foundation
import PathwayCore
import PathwayDrawing

extension PathwayCommand {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a one-page HTML report of a pathway, or of a redesign, for a board paper.",
            discussion: paragraphs(
                """
                With one pathway: its key facts, its diagram, its metrics with what each means,
                a table of functions (providers, points of entry, fewest referrals and
                boundaries) and its findings (orphaned routes, loops, bottlenecks, services
                over capacity, unreachable services, dead ends), with the provenance of the
                file.

                With a before and an after pathway: the headline changes of 'pathway diff',
                the difference, before and after diagrams in one layout, the metrics before and
                after with the change, the functions table before and after, what changed,
                and the findings of the after pathway with the onward referrals it lost.

                With --records, a section on what referral records say of the pathway (after a
                redesign, the after pathway): the share of journeys that followed the design, the
                design drawn with the observed volumes, dormant and undesigned routes, the observed
                organisations, the busiest routes' waits, the most common journeys and the
                boundary crossings per patient as charts. --suppress-below and --round-to apply
                to every count in it.

                The page is one self-contained file: inline SVG and CSS, no fonts, images or
                scripts from anywhere else, so it opens offline, prints on A4 and can be
                attached to an email. Every name from the pathway files is shown as text.

                Example: pathway report pathways/dementia-london-before.yaml \\
                           pathways/dementia-london-after.yaml -o london-report.html

                Exit status: 0 when the report was written (whatever it found: use 'check
                --strict' or 'diff --exit-code' to fail a CI job); 64 for a mistake in the command
                line; 65 when an input does not load or the report cannot be drawn; 73 when it cannot
                be written. The report is written whole or not at all, and never over an input.
                """)
        )

        @Argument(help: "A pathway (file, or CSV folder); with AFTER, the pathway before the redesign.")
        var pathway: String

        @Argument(help: "The pathway after the redesign.")
        var after: String?

        @Option(name: .shortAndLong, help: "The HTML file to write.")
        var output: String

        @OptionGroup var time: TimeLimitOption
        @OptionGroup var profileOptions: ProfilesOption
        @OptionGroup var recordOptions: ReportRecordsOptions

        func run() throws {
            let profiles = try profileOptions.load()
            let first = try loadOrExit(pathway, profiles: profiles)
            let page: String
            do {
                if let after {
                    let second = try loadOrExit(after, profiles: profiles)
                    page = try Drawing.reportPage(
                        PathwayDiff(before: first, after: second), observed: try recordOptions.section(for: second),
                        worker: time.worker(for: [first, second]))
                } else {
                    page = try Drawing.reportPage(
                        first, observed: try recordOptions.section(for: first), worker: time.worker(for: [first]))
                }
            } catch let error as DrawingError {
                throw drawingFailed(error, file: after.map { "\(pathway) → \($0)" } ?? pathway)
            }
            try writeWhole(
                Array(page.utf8), to: output,
                inputs: [pathway] + (after.map { [$0] } ?? []) + profileOptions.inputs + recordOptions.inputs)
        }
    }
}
