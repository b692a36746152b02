import Foundation
import PathwayCore
import Testing

@testable import PathwayRecords

/// A seeded mutation fuzzer for the records reader: slices of the synthetic records in both
/// shapes, changed a byte, a token or a line at a time. Whatever it is given, the reader does
/// not crash; a refusal names the file and a line and column inside it, one line a problem; a
/// log that loads is measured and held against its design. `RECORDS_FUZZ_CASES=N
/// RECORDS_FUZZ_SEED=S swift test --filter RecordsFuzzTests` for more.
@Suite struct RecordsFuzzTests {
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    static let tokens: [[UInt8]] =
        [
            ",", ";", "\t", "\"", "\"\"", "\n", "\r\n", "\r", " ", "", "Z", "+01:00", "-", "/", ":", ".", "T",
            "2024-02-30", "9999-01-01", "2024-01-01T00:00:00Z", "1677-01-01", "\u{FEFF}", "é", "patient", "from",
            "service", "to", "time", "organisation",
        ].map { Array($0.utf8) } + [[0], [0xFF], [0xC3], [0x80], [0xE2, 0x80]]

    func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0...rng.below(3) {
            let at = rng.below(bytes.count + 1)
            switch rng.below(6) {
            case 0 where !bytes.isEmpty:
                bytes[min(at, bytes.count - 1)] ^= UInt8(1 << rng.below(8))
            case 1:
                bytes.insert(contentsOf: Self.tokens[rng.below(Self.tokens.count)], at: at)
            case 2 where !bytes.isEmpty:
                let end = min(bytes.count, at + rng.below(40))
                bytes.removeSubrange(min(at, end)..<end)
            case 3:
                // A line repeated.
                let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
                let k = rng.below(lines.count)
                var out: [UInt8] = []
                for (j, line) in lines.enumerated() {
                    out += line + [0x0A]
                    if j == k { for _ in 0..<rng.below(5) { out += line + [0x0A] } }
                }
                bytes = out
            case 4:
                bytes = Array(bytes.prefix(at))
            default:
                if let token = Self.tokens.randomElement(using: &rng) {
                    bytes.replaceSubrange(min(at, bytes.count)..<min(bytes.count, at + token.count), with: token)
                }
            }
        }
        return bytes
    }

    @Test func theReaderKeepsItsPromisesOnMutatedRecords() throws {
        let environment = ProcessInfo.processInfo.environment
        let cases = Int(environment["RECORDS_FUZZ_CASES"] ?? "") ?? 1000
        var rng = SplitMix64(state: UInt64(environment["RECORDS_FUZZ_SEED"] ?? "") ?? 20_261_202)
        let design = try PathwayFiles.load(RecordsPaths.path("pathways/dementia-london-after.yaml"))
        var corpus: [[UInt8]] = []
        for shape in ["events", "referrals"] {
            let text = try String(
                contentsOfFile: RecordsPaths.path("pathways/records/dementia-london-after-\(shape).csv"),
                encoding: .utf8)
            corpus.append(Array(text.split(separator: "\n").prefix(40).joined(separator: "\n").utf8) + [0x0A])
        }
        var loaded = 0
        for k in 0..<cases {
            let input = mutate(corpus[k % corpus.count], &rng)
            let lineCount = input.split(separator: 0x0A, omittingEmptySubsequences: false).count
            // The fast reader and the thorough one agree on every case: the same log or the
            // same problems.
            let thorough = Result { () throws(PathwayLoadError) in
                try DelimitedRecordReader.load(bytes: input, file: "case.csv", thorough: true)
            }
            let fast = Result { () throws(PathwayLoadError) in
                try DelimitedRecordReader.load(bytes: input, file: "case.csv")
            }
            switch (fast, thorough) {
            case (.success(let a), .success(let b)):
                #expect(a == b, "\(String(decoding: input, as: UTF8.self).debugDescription.prefix(300))")
            case (.failure(let a), .failure(let b)):
                #expect(a.problems == b.problems)
            default:
                Issue.record("one reader refused what the other read: \(String(decoding: input, as: UTF8.self))")
            }
            do {
                let log = try DelimitedRecordReader.load(bytes: input, file: "case.csv")
                let journeys = PatientJourneys(log)
                let discovery = Discovery(log, journeys: journeys)
                let conformance = Conformance(design: design, log: log, discovery: discovery, journeys: journeys)
                #expect(discovery.events == log.count && discovery.patients == journeys.patients)
                #expect(!discovery.json().serialized().isEmpty && !conformance.json().serialized().isEmpty)
                _ = try YAMLPathwayLoader.load(
                    text: PathwayYAMLWriter.yaml(discovery.observedPathway(log: log, design: design)), file: "o.yaml")
                loaded += 1
            } catch {
                for problem in error.problems {
                    let place = "\(problem) for \(String(decoding: input, as: UTF8.self).debugDescription.prefix(300))"
                    #expect(problem.file == "case.csv", "\(place)")
                    #expect((problem.line ?? 0) >= 1 && (problem.line ?? 0) <= lineCount + 1, "\(place)")
                    #expect((problem.column ?? 0) >= 1, "\(place)")
                    #expect(!problem.description.contains("\n"), "\(place)")
                }
            }
        }
        print("fuzz records: \(cases) cases: \(loaded) loaded, \(cases - loaded) refused")
        #expect(loaded > cases / 20, "some mutated logs still load: \(loaded) of \(cases)")
    }
}
