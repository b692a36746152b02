import Foundation
import Testing

/// Patient profiles as a user meets them: `--profiles` on every command that reads a
/// pathway, `pathway journeys`, the `unserved-profile` check, and what `diff` says of them.
@Suite struct ProfileCLITests {
    let cli = CLITests()
    static let london = ["pathways/dementia-london-before.yaml", "pathways/dementia-london-after.yaml"]
    static let londonProfiles = ["--profiles", "pathways/dementia-london.profiles.yaml"]

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pathway-profiles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The London pair tells the field study's story: patients with mixed physical and
    /// cognitive needs still get through after the single point of entry, with one more
    /// referral (the memory service first, then the geriatric clinic).
    @Test func londonMixedNeedsTakeOneMoreReferralAfter() throws {
        let run = try cli.run(["diff", "--json"] + Self.london + Self.londonProfiles)
        #expect(run.status == 0, "\(run.stderr)")
        let diff = try json(run.stdout)
        let mixed = try #require((diff["profiles"] as? [String: [String: Any]])?["dementia-physical"])
        let before = try #require(mixed["before"] as? [String: Any])
        let after = try #require(mixed["after"] as? [String: Any])
        #expect(before["served"] as? Bool == true && after["served"] as? Bool == true)
        #expect(before["minReferrals"] as? Int == 1 && after["minReferrals"] as? Int == 2)
        #expect((diff["lostProfiles"] as? [String]) == [])
        let text = try cli.run(["diff"] + Self.london + Self.londonProfiles)
        #expect(text.stdout.contains("dementia with physical health problems: 1 → 2 referrals"), "\(text.stdout)")
        #expect(try cli.run(["diff", "--exit-code"] + Self.london + Self.londonProfiles).status == 0)
    }

    /// Without the routes from the memory service to the geriatric clinics, those patients
    /// are lost, and `--exit-code` says so.
    @Test func droppingTheRouteToTheGeriatricClinicsLosesTheProfile() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let after = try String(
            contentsOfFile: CLITests.root.appendingPathComponent(Self.london[1]).path, encoding: .utf8)
        let dropped = after.replacingOccurrences(
            of: #"  - from: memory-service\n    to: trust-[ab]-geriatric-clinic\n(    [^\n]*\n)*"#, with: "",
            options: .regularExpression)
        #expect(dropped.count < after.count - 100)
        let variant = folder.appendingPathComponent("after-without-geriatric-routes.yaml").path
        try dropped.write(toFile: variant, atomically: true, encoding: .utf8)

        let gated = try cli.run(["diff", "--exit-code", "--json", Self.london[0], variant] + Self.londonProfiles)
        #expect(gated.status == 1, "\(gated.stderr)")
        #expect(try json(gated.stdout)["lostProfiles"] as? [String] == ["dementia-physical"])
        let text = try cli.run(["diff", Self.london[0], variant] + Self.londonProfiles)
        #expect(text.stdout.contains("no longer served: dementia with physical health problems"), "\(text.stdout)")
        // check warns, at the profile's line in the profiles file.
        let check = try cli.run(["check", "--strict", variant] + Self.londonProfiles)
        #expect(check.status == 1)
        #expect(
            check.stdout.contains(
                "pathways/dementia-london.profiles.yaml:14:5: warning: profile 'dementia-physical' (Dementia with"
                    + " physical health problems) cannot get through the pathway: no journey meets physical-assessment"
                    + " after diagnosis [unserved-profile]"), "\(check.stdout)")
    }

    @Test func journeysTellsEachProfileStepByStep() throws {
        let run = try cli.run(["journeys", Self.london[1]] + Self.londonProfiles)
        #expect(run.status == 0, "\(run.stderr)")
        for line in [
            "Dementia with physical health problems (dementia-physical)",
            "  1. GP practices, borough A (gp-borough-a), GP practices, borough A: presents",
            "[across a boundary]: diagnosis",
            "  2 referrals, 2 organisation boundaries.",
        ] {
            #expect(run.stdout.contains(line), "\(line)\n\(run.stdout)")
        }
        let object = try json(try cli.run(["journeys", "--json", Self.london[1]] + Self.londonProfiles).stdout)
        let profiles = try #require(object["profiles"] as? [String: [String: Any]])
        #expect(profiles.count == 5)
        let steps = try #require(profiles["dementia-physical"]?["journey"] as? [[String: Any]])
        #expect(
            steps.map { $0["service"] as? String } == ["gp-borough-a", "memory-service", "trust-a-geriatric-clinic"])
        #expect(steps.map { $0["crossesBoundary"] as? Bool } == [false, true, true])
        // metrics reads the same profiles, in a sentence each and in its JSON.
        let metrics = try cli.run(["metrics", Self.london[1]] + Self.londonProfiles)
        #expect(metrics.stdout.contains("Patients (each profile's needs"))
        let numbers = try json(try cli.run(["metrics", "--json", Self.london[1]] + Self.londonProfiles).stdout)
        #expect((numbers["profiles"] as? [String: Any])?.count == 5)
    }

    /// `--view profile:P` draws the journey, each service with its step; the report of the
    /// redesign has the Patients table and the journeys that changed.
    @Test func aJourneyIsDrawnAndReported() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let svg = folder.appendingPathComponent("journey.svg").path
        let render = try cli.run(
            ["render", Self.london[1], "--view", "profile:dementia-physical", "-o", svg] + Self.londonProfiles)
        #expect(render.status == 0, "\(render.stderr)")
        let drawn = try String(contentsOfFile: svg, encoding: .utf8)
        for text in ["[1: presents]", "[2: diagnosis]", "[3: physical&#45;assessment, treatment]"] {
            #expect(drawn.contains(text), "\(text)")
        }
        #expect(!drawn.contains("old&#45;age&#45;psychiatry&#45;ward"), "only the journey's services")
        let unknown = try cli.run(
            ["render", Self.london[1], "--view", "profile:nope", "-o", svg] + Self.londonProfiles)
        #expect(unknown.status == 64 && unknown.stderr.contains("did you mean") == false)
        #expect(unknown.stderr.contains("its profiles are: dementia-physical"), "\(unknown.stderr)")
        let none = try cli.run(["render", Self.london[1], "--view", "profile:x", "-o", svg])
        #expect(none.status == 64 && none.stderr.contains("the pathway has no patient profiles"), "\(none.stderr)")

        let html = folder.appendingPathComponent("report.html").path
        let report = try cli.run(["report"] + Self.london + Self.londonProfiles + ["-o", html])
        #expect(report.status == 0, "\(report.stderr)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<section id=\"patients\"><h2>Patients</h2>"))
        #expect(page.contains("<th scope=\"row\">Dementia with physical health problems</th>"))
        #expect(page.contains("+1 referral"))
        #expect(
            page.contains("The journey of Dementia with physical health problems after the redesign: 1 → 2 referrals"))
    }

    /// A profiles file in a folder of pathways is checked as a profiles file, and left out of
    /// what is drawn and measured.
    @Test func aProfilesFileIsNotAPathway() throws {
        let check = try cli.run(["check", "pathways"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let metrics = try cli.run(["metrics", "pathways/dementia-london.profiles.yaml"])
        #expect(metrics.status == 65)
        #expect(metrics.stderr.contains("this is a profiles file"), "\(metrics.stderr)")
    }

    static let badProfiles: [(text: String, line: Int, column: Int, words: String)] = [
        (
            "profiles:\n  - {id: a, needs: [diagnosis]}\n  - {id: a, needs: [treatment]}\n", 3, 5,
            "duplicate profile id 'a' (first defined at line 2)"
        ),
        ("profiles:\n  - {id: p, needs: [diagnosis], entry: []}\n", 2, 40, "'entry' is empty in profile 'p'"),
        ("profiles:\n  - {id: Bad Id, needs: [diagnosis]}\n", 2, 10, "'Bad Id' is not a valid id"),
        (
            "profiles:\n  - id: p\n    needs: [diagnosis]\n    entry: [gp-borough-a, gp-borogh-b]\n", 4, 27,
            "entry 'gp-borogh-b' of profile 'p' names no service of the pathway (did you mean 'gp-borough-b'?)"
        ),
        ("profiles:\n  - {id: p, needs: [Physical Assessment]}\n", 2, 21, "is not a function word for 'needs'"),
        (
            "profiles:\n  - {id: p, needs: [diagnosis], share: 1.5}\n", 2, 40,
            "expected a number from 0 to 1 for 'share'"
        ),
        ("profiles:\n  - {id: p, needs: [diagnosis], share: \"0.3\"}\n", 2, 40, "expected a number from 0 to 1"),
        ("profiles:\n  - {id: p, needs: diagnosis}\n", 2, 20, "expected a list for 'needs'"),
        ("profiles:\n  - {id: p}\n", 2, 5, "missing 'needs' in profile 'p'"),
        ("profiles:\n  - {id: p, needs: []}\n", 2, 20, "'needs' is empty"),
        ("profiles:\n  - {id: p, needs: [diagnosis], atributes: [x]}\n", 2, 33, "unknown key 'atributes'"),
        ("profiles:\n  - {id: p, needs: [diagnosis], attributes: x}\n", 2, 45, "expected a list for 'attributes'"),
        (
            "profiles:\n  - {id: p, needs: [diagnosis]}\nservices: []\n", 3, 1,
            "unknown key 'services' in a profiles file"
        ),
    ]

    /// Every bad profiles file is refused at its line and column, exit 65, and nothing is
    /// written.
    @Test(arguments: badProfiles.indices)
    func badProfilesAreRefusedAtTheirPlace(_ k: Int) throws {
        let (text, line, column, words) = Self.badProfiles[k]
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("profiles.yaml").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out.svg").path
        for arguments in [
            ["metrics", "--json", Self.london[1]], ["check", Self.london[1]], ["journeys", Self.london[1]],
            ["diff", "--diagram", output] + Self.london, ["render", Self.london[1], "-o", output],
        ] {
            let run = try cli.run(arguments + ["--profiles", file])
            #expect(run.status == 65, "\(arguments.first!): \(run.stdout)\(run.stderr)")
            let said = run.stderr + run.stdout
            #expect(said.contains("\(file):\(line):\(column): error: "), "\(arguments.first!): \(said)")
            #expect(said.contains(words), "\(arguments.first!): \(said)")
            #expect(!FileManager.default.fileExists(atPath: output), "\(arguments.first!) wrote \(output)")
        }
    }
}
