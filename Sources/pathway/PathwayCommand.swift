import ArgumentParser

@main
struct PathwayCommand: ParsableCommand {
    /// The release, as `pathway --version` and SARIF logs give it.
    static let version = "0.1.0"

    /// Every command takes `--no-color`; the rest is the argument parser's.
    static func main() {
        main(Terminal.takingNoColor(Array(CommandLine.arguments.dropFirst())))
    }

    static let configuration = CommandConfiguration(
        commandName: "pathway",
        abstract: "See, measure and compare health and social-care referral pathways.",
        discussion: paragraphs(
            """
            Data goes to standard output and messages to standard error, so that output can be
            piped or redirected. Every command takes --no-color: severities are coloured only on
            a terminal, never with --no-color or when NO_COLOR is set.

            Shell completion: pathway --generate-completion-script bash|zsh|fish.
            """),
        version: version,
        subcommands: [
            Check.self, Metrics.self, EntryPoints.self, Journeys.self, Diff.self, Report.self, Render.self,
            Discover.self, Conform.self,
            Diagrams.self, Import.self, New.self, Schema.self,
            RenderWorkerCommand.self,
        ]
    )
}
