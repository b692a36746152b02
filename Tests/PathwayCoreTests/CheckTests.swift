import Testing

@testable import PathwayCore
@testable import PathwayReports

@Suite struct CheckTests {
    func rules(_ yaml: String) throws -> [String: [Finding]] {
        Dictionary(grouping: PathwayCheck.findings(try pathway(yaml)), by: \.rule)
    }

    static let header = """
        pathway: p
        organisations: [{id: o, sector: other}, {id: q, sector: acute}]

        """

    @Test func eachRuleFiresOnItsCaseAndNotOnACleanPathway() throws {
        let found = try rules(
            Self.header + """
                services:
                  - {id: gp, organisation: o, entry: true, functions: [first-contact]}
                  - {id: a, organisation: q, functions: [diagnosis], capacity: 5}
                  - {id: b, organisation: q, functions: [diagnosis]}
                  - {id: lost, organisation: q}
                  - {id: end, organisation: q, terminal: true}
                routes:
                  - {from: gp, to: a, purpose: diagnosis, volume: 4}
                  - {from: gp, to: a, purpose: diagnosis, volume: 4}
                  - {from: gp, to: b}
                  - {from: a, to: end}
                  - {from: b, to: b}
                  - {from: b, to: closed-clinic}
                """)
        #expect(found["orphaned-route"]?.map(\.severity) == [.error])
        #expect(found["orphaned-route"]?.first?.line == 15)
        #expect(found["orphaned-route"]?.first?.services == ["b", "closed-clinic"])
        #expect(found["unreachable-service"]?.map(\.services) == [["lost"]])
        #expect(found["dead-end"]?.map(\.services) == [["lost"]])  // 'end' is terminal
        #expect(found["duplicate-route"]?.map(\.line) == [11])
        #expect(found["over-capacity"]?.map(\.services) == [["a"]])
        #expect(found["multiple-points-of-entry"]?.map(\.services) == [["a", "b"]])
        #expect(found["referral-loop"]?.map(\.services) == [["b"]])
        #expect(found["no-entry-point"] == nil)
        #expect(found["unreachable-service"]?.first?.severity == .warning)

        let clean = try rules(
            Self.header + """
                services:
                  - {id: gp, organisation: o, entry: true}
                  - {id: a, organisation: q, functions: [diagnosis], capacity: 10, terminal: true}
                routes:
                  - {from: gp, to: a, purpose: diagnosis, volume: 10}
                  - {from: gp, to: a, purpose: treatment}
                """)
        #expect(clean.isEmpty, "\(clean)")
    }

    @Test func noEntryIsOneWarningNotOnePerService() throws {
        let found = try rules(
            Self.header
                + "services: [{id: a, organisation: o, terminal: true}, {id: b, organisation: o, terminal: true}]\n")
        #expect(found["no-entry-point"]?.count == 1)
        #expect(found["unreachable-service"] == nil)
    }

    @Test func textReportLinksFileLineAndRule() throws {
        let findings = PathwayCheck.findings(try PathwayFiles.load(Paths.good("orphaned-routes.yaml")))
        let text = CheckReport.text(findings, files: 1)
        #expect(
            text.contains(
                "orphaned-routes.yaml:21:5: error: the route from 'gp' to 'old-clinic' for diagnosis names 'old-clinic', which is not a service of this pathway [orphaned-route]"
            ))
        #expect(text.hasSuffix("1 pathway checked: 2 errors, 1 warning, 0 notes\n"))
        let json = CheckReport.json(findings).serialized()
        #expect(json.contains("\"rule\": \"orphaned-route\""))
        #expect(json.contains("\"severity\": \"error\""))
    }

    @Test func samplePathwaysHaveNoErrors() throws {
        let files = PathwayFiles.expand([Paths.pathways])
        #expect(files.count >= 7)
        for file in files {
            let findings = PathwayCheck.findings(try PathwayFiles.load(file))
            #expect(findings.filter { $0.severity == .error }.isEmpty, "\(file)")
        }
    }

    @Test func londonBeforeReportsSeveralDoorsForDiagnosisAndAfterOne() throws {
        func diagnosisDoors(_ name: String) throws -> [String]? {
            PathwayCheck.findings(try PathwayFiles.load(Paths.sample(name)))
                .first { $0.rule == "multiple-points-of-entry" && $0.message.hasPrefix("diagnosis ") }?.services
        }
        #expect(try (diagnosisDoors("dementia-london-before.yaml")?.count ?? 0) >= 3)
        #expect(try diagnosisDoors("dementia-london-after.yaml") == nil)
    }
}
