import ArgumentParser
import PathwayCore
import PathwayReports

extension PathwayCommand {
    struct Journeys: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Follow each patient profile through a pathway, step by step.",
            discussion: paragraphs(
                """
                A profile is a group of patients with a mix of needs, met in order (say
                diagnosis, then a physical assessment, then treatment), and attributes that
                services' eligibility rules look at (say age-65-plus). For each profile of the
                pathway (its own 'profiles', then those of --profiles FILE) this shows one
                journey with the fewest referrals: each service in turn, its organisation,
                the needs met there and where a referral crosses an organisation boundary; or,
                when no journey exists, the first need that cannot be met and the furthest the
                patients get. --json prints each profile's metrics (section 4 of the format)
                with the journey's services named.

                Example: pathway journeys pathways/dementia-london-after.yaml \\
                             --profiles pathways/dementia-london.profiles.yaml

                \(Exit.help)
                """)
        )

        @Argument(help: "A pathway file, or a folder holding services.csv and routes.csv.")
        var path: String

        @OptionGroup var profileOptions: ProfilesOption
        @OptionGroup var output: OutputOptions

        func run() throws {
            let pathway = try loadOrExit(path, profiles: try profileOptions.load())
            let metrics = PathwayMetrics(pathway, betweenness: false)
            if output.json {
                try emit(ProfileReport.json(metrics, pathway: pathway).serialized())
            } else {
                try emit(ProfileReport.text(metrics, pathway: pathway))
            }
        }
    }
}
