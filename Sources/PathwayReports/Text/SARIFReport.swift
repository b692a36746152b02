import Foundation
import PathwayCore

/// `pathway check --format sarif`: the findings as a SARIF 2.1.0 log, the format that GitHub
/// code scanning and other CI tools read to show each finding on its line.
///
/// One run; every rule of ``PathwayCheck/rules`` in `tool.driver.rules`, with its meaning, its
/// remedy and its default level; one result per finding, with its rule, level, message and
/// place (the file relative to the working folder, the line and column), and a
/// `partialFingerprints` entry that does not move when lines are added above the finding, so
/// that a code-scanning service can follow a finding from one commit to the next.
///
/// - Reference: OASIS, "Static Analysis Results Interchange Format (SARIF) Version 2.1.0",
///   Errata 01, 2023.
public enum SARIFReport {
    /// The schema the log declares.
    public static let schema =
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

    /// SARIF's level for a severity: an info finding is a `note`.
    public static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }

    /// The log of `findings`, with file paths made relative to `workingFolder` where they lie
    /// inside it.
    public static func log(_ findings: [Finding], workingFolder: String, toolVersion: String) -> JSONValue {
        let rules = PathwayCheck.rules
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.name, $0) })
        var seen: [String: Int] = [:]
        let results: [JSONValue] = findings.map { finding in
            var result: [String: JSONValue] = [
                "ruleId": .string(finding.rule),
                "level": .string(level(finding.severity)),
                "message": .object(["text": .string(finding.message)]),
                "locations": .array([location(finding, workingFolder: workingFolder)]),
            ]
            if let k = ruleIndex[finding.rule] { result["ruleIndex"] = .int(k) }
            // What the finding is about, not where: the rule, the file, the services and the
            // message with its numbers left out (a line it points to, a volume), and which
            // occurrence of all that it is.
            let key = [finding.rule, relative(finding.file, to: workingFolder), withoutNumbers(finding.message)]
            let joined = (key + finding.services).joined(separator: "\u{0}")
            let occurrence = seen[joined, default: 0]
            seen[joined] = occurrence + 1
            result["partialFingerprints"] = .object([
                "pathwayFinding/v1": .string(hex(SHA256.digest(Array((joined + "\u{0}\(occurrence)").utf8)).prefix(16)))
            ])
            if !finding.services.isEmpty {
                result["properties"] = .object(["services": .strings(finding.services)])
            }
            return .object(result)
        }
        let driver: [String: JSONValue] = [
            "name": .string("pathway"),
            "version": .string(toolVersion),
            "semanticVersion": .string(toolVersion),
            "rules": .array(
                rules.map { rule in
                    .object([
                        "id": .string(rule.name),
                        "name": .string(pascalCase(rule.name)),
                        "shortDescription": .object(["text": .string(sentence(rule.meaning))]),
                        "fullDescription": .object(["text": .string(sentence(rule.meaning) + " " + rule.remedy)]),
                        "help": .object(["text": .string(rule.remedy)]),
                        "defaultConfiguration": .object(["level": .string(level(rule.severity))]),
                    ])
                }),
        ]
        return .object([
            "$schema": .string(schema),
            "version": .string("2.1.0"),
            "runs": .array([
                .object([
                    "tool": .object(["driver": .object(driver)]),
                    "columnKind": .string("unicodeCodePoints"),
                    "results": .array(results),
                ])
            ]),
        ])
    }

    /// Where a finding is: its file, and its line and column when known.
    static func location(_ finding: Finding, workingFolder: String) -> JSONValue {
        let path = relative(finding.file, to: workingFolder)
        var artifact: [String: JSONValue] = ["uri": .string(uri(path))]
        if !path.hasPrefix("/") { artifact["uriBaseId"] = .string("%SRCROOT%") }
        var physical: [String: JSONValue] = ["artifactLocation": .object(artifact)]
        if let line = finding.line, line >= 1 {
            var region: [String: JSONValue] = ["startLine": .int(line)]
            if let column = finding.column, column >= 1 { region["startColumn"] = .int(column) }
            physical["region"] = .object(region)
        }
        return .object(["physicalLocation": .object(physical)])
    }

    /// `path` relative to `folder` when it lies inside it (with `./` and repeated slashes
    /// dropped); an absolute path elsewhere stays absolute.
    static func relative(_ path: String, to folder: String) -> String {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        if path.hasPrefix("/") {
            let base = folder.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
            guard parts.starts(with: base) else { return "/" + parts.joined(separator: "/") }
            parts.removeFirst(base.count)
        }
        return parts.joined(separator: "/")
    }

    /// A relative path as a URI reference, or an absolute one as a `file:` URI: each byte
    /// outside RFC 3986's unreserved characters (and the slashes) percent-encoded.
    static func uri(_ path: String) -> String {
        var out = path.hasPrefix("/") ? "file://" : ""
        for byte in path.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80 && (c.isLetter || c.isNumber || "-._~/".contains(c)) {
                out.append(c)
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// `text` with each run of digits written `#`.
    static func withoutNumbers(_ text: String) -> String {
        var out = ""
        var inNumber = false
        for c in text {
            if c.isASCII && c.isNumber {
                if !inNumber { out.append("#") }
                inNumber = true
            } else {
                out.append(c)
                inNumber = false
            }
        }
        return out
    }

    static func pascalCase(_ name: String) -> String {
        name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    static func sentence(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst() + "."
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
