import ArgumentParser

@main
struct PathwayCommand: ParsableCommand {
    /// The release, as `pathway --version` and SARIF logs give it.
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "pathway",
        abstract: "See, measure and compare health and social-care referral pathways.",
        version: version,
        subcommands: [
            Check.self, Metrics.self, EntryPoints.self, Journeys.self, Diff.self, Report.self, Render.self,
            Discover.self, Conform.self,
            Diagrams.self, Import.self, New.self, Schema.self,
            RenderWorkerCommand.self,
        ]
    )
}
