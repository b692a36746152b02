import ArgumentParser

@main
struct PathwayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pathway",
        abstract: "See, measure and compare health and social-care referral pathways.",
        subcommands: [
            Check.self, Metrics.self, EntryPoints.self, Journeys.self, Diff.self, Report.self, Render.self,
            Discover.self, Conform.self,
            Diagrams.self, Import.self,
            RenderWorkerCommand.self,
        ]
    )
}
