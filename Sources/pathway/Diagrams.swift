import ArgumentParser
import Foundation
import PathwayCore
import PathwayDrawing

extension PathwayCommand {
    struct Diagrams: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Redraw the SVG diagram of every sample pathway into diagrams/.",
            discussion: paragraphs(
                """
                Renders each pathway file in the pathways folder to an SVG of the same name in
                the diagrams folder, the same bytes for the same input. With --check, writes
                nothing and exits 1 if any diagram is missing or out of date.

                \(Exit.help)
                """)
        )

        @Option(help: "The folder of pathway files.")
        var pathways = "pathways"

        @Option(help: "The folder to write the diagrams to.")
        var output = "diagrams"

        @Flag(help: "Only report stale or missing diagrams (exit 1 if there are any).")
        var check = false

        @OptionGroup var time: TimeLimitOption

        func run() throws {
            let files = PathwayFiles.expand([pathways])
            if files.isEmpty {
                printError("\(pathways): error: no pathway files found")
                throw Exit.dataError
            }
            let diagrams: [SampleDiagrams.Diagram]
            do {
                diagrams = try SampleDiagrams.draw(files, into: output, worker: time.worker(for: []))
            } catch {
                printError(error.description)
                throw Exit.dataError
            }
            let stale = diagrams.filter { !$0.isCurrent }
            if check {
                for diagram in stale { printError("\(diagram.target): out of date: run 'pathway diagrams'") }
                if !stale.isEmpty { throw Exit.found }
                return
            }
            for diagram in stale {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                try writeWhole(diagram.svg, to: diagram.target, inputs: [pathways])
                try emit("wrote \(diagram.target)\n")
            }
        }
    }
}
