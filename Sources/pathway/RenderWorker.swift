import ArgumentParser
import GraphvizRenderer

extension PathwayCommand {
    /// The process that `render` and `diagrams` draw in; not for people to call.
    struct RenderWorkerCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: RenderWorker.workerCommand,
            abstract: "Draw DOT from standard input (used internally by render).",
            shouldDisplay: false
        )

        @Option var format: String
        @Option var layout: String
        @Option(name: .customLong("memory-mib")) var memoryMiB: Int = 4096
        @Flag var serve = false

        func run() throws {
            guard let format = DiagramFormat(rawValue: format), let engine = LayoutEngine(rawValue: layout) else {
                throw ValidationError("unknown format or layout")
            }
            let status =
                serve
                ? RenderWorkerMain.serve(format: format, engine: engine, memoryLimitMiB: memoryMiB)
                : RenderWorkerMain.run(format: format, engine: engine, memoryLimitMiB: memoryMiB)
            if status != 0 { throw ExitCode(status) }
        }
    }
}
