import Foundation
import Testing

/// The promises for hostile input and output files (README, "Bad input and output files"),
/// each held by a case a wrong program fails.
@Suite struct HardeningTests {
    let cli = CLITests()

    /// A fresh folder, removed when the test ends.
    final class Folder {
        let path: String
        init(_ name: String) throws {
            path =
                FileManager.default.temporaryDirectory
                .appendingPathComponent("hardening-\(name)-\(getpid())-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
        func write(_ name: String, _ text: String) throws {
            try text.write(toFile: file(name), atomically: false, encoding: .utf8)
        }
    }

    /// Runs the tool killed after `seconds` (far above what the command needs, so that only a
    /// program that hangs or takes time with the square of its input fails) and, when given,
    /// with its address space limited to `memoryMiB`.
    func run(_ arguments: [String], seconds: Int = 120, memoryMiB: Int? = nil) throws -> CLITests.Run {
        let limit = memoryMiB.map { "ulimit -v \($0 * 1024); " } ?? ""
        return try cli.runProgram(
            "/usr/bin/timeout",
            ["-s", "KILL", "\(seconds)", "/bin/sh", "-c", limit + "exec \"$0\" \"$@\"", CLITests.tool.path] + arguments)
    }

    /// The small valid pathway used where the input is not what is tested.
    static let small = """
        pathway: Small
        organisations:
          - {id: gp, name: GP practice, sector: primary-care}
          - {id: trust, name: Trust, sector: acute}
        services:
          - {id: gp-practice, name: GP practice, organisation: gp, entry: true, functions: [first-contact]}
          - {id: clinic, name: Clinic, organisation: trust, terminal: true, functions: [diagnosis]}
        routes:
          - {from: gp-practice, to: clinic, purpose: diagnosis, volume: 10}

        """

    // MARK: 1. A CSV header of 100,000 columns

    @Test(arguments: ["services.csv", "routes.csv"])
    func aHeaderOfAHundredThousandColumnsIsRefusedQuickly(_ wide: String) throws {
        let folder = try Folder("wide")
        let columns = (0..<100_000).map { "c\($0)" }.joined(separator: ",")
        try folder.write(
            "services.csv",
            wide == "services.csv"
                ? "id,organisation,sector,\(columns)\na,o,nhs\n" : "id,organisation,sector\na,o,nhs\n")
        try folder.write("routes.csv", wide == "routes.csv" ? "from,to,\(columns)\n" : "from,to\n")
        for command in [["check", folder.path], ["metrics", "--json", folder.path]] {
            // Before columns were found one at a time, this took over 20 minutes (debug build).
            let r = try run(command, seconds: 60)
            #expect(r.reason == .exit && r.status == 65, "\(command[0]): \(r.status) \(r.stderr.prefix(300))")
            let text = command[0] == "check" ? r.stdout : r.stderr
            #expect(text.contains("\(wide):1:"), "names the file and line: \(text.prefix(300))")
            #expect(text.contains("unknown column 'c0'"))
            #expect(text.components(separatedBy: "unknown column").count - 1 <= 50, "at most 50 problems")
        }
    }

    // MARK: 2. A gigabyte of NUL bytes

    @Test func aGigabyteOfNULBytesIsRefusedAtTheFirstByteInLittleMemory() throws {
        let folder = try Folder("nul")
        let path = folder.file("services.csv")
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 1 << 30)  // sparse: takes no disk
        try handle.close()
        for command in [["check", folder.path], ["metrics", "--json", folder.path]] {
            // 400 MiB of address space: reading the file whole cannot fit.
            let r = try run(command, memoryMiB: 400)
            let text = command[0] == "check" ? r.stdout : r.stderr
            #expect(r.reason == .exit && r.status == 65, "\(command[0]): \(r.status) \(r.stderr.prefix(300))")
            #expect(text.contains("services.csv:1:1: error: found a NUL byte"), "\(text.prefix(300))")
        }
    }

    /// A records file whose second line is a gigabyte long is refused at that line, in an
    /// address space of 400 MiB: the reader holds at most a little over a megabyte of a line.
    @Test func aGigabyteLineOfRecordsIsRefusedInLittleMemory() throws {
        let folder = try Folder("line")
        let path = folder.file("records.csv")
        #expect(FileManager.default.createFile(atPath: path, contents: Data("patient,service,time\np,".utf8)))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        let block = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<1024 { try handle.write(contentsOf: block) }
        try handle.close()
        for command in [["discover", path], ["conform", folder.file("design.yaml"), path]] {
            try folder.write("design.yaml", Self.small)
            let r = try run(command, memoryMiB: 400)
            #expect(r.reason == .exit && r.status == 65, "\(command[0]): \(r.status) \(r.stderr.prefix(300))")
            #expect(r.stderr.contains("records.csv:2:1: error: this row is longer than"), "\(r.stderr.prefix(300))")
        }
    }

    @Test func aBadByteAfterTheFirstMegabyteIsFoundAtItsLineAndColumn() throws {
        let folder = try Folder("late")
        var bytes = Array("id,organisation,sector\n".utf8)
        for k in 0..<150_000 { bytes += Array("s\(k),o,nhs\n".utf8) }
        let line = 150_002
        bytes += Array("x,".utf8) + [0xC3, 0x28] + Array(",nhs\n".utf8)
        // A multi-byte character cut by the edge of a chunk is not an error.
        bytes += Array("y,é,nhs\n".utf8)
        #expect(FileManager.default.createFile(atPath: folder.file("services.csv"), contents: Data(bytes)))
        let r = try run(["check", folder.path])
        #expect(r.status == 65)
        #expect(
            r.stdout.contains("services.csv:\(line):3: error: invalid UTF-8 (byte 0xC3)"), "\(r.stdout.prefix(300))")
    }
    // MARK: 4. A label of a million characters

    @Test func aMillionCharacterTitleOrNameIsBoundedBeforeGraphvizSeesIt() throws {
        let folder = try Folder("long")
        let title = String(repeating: "\u{202E}", count: 1_000_000)
        let name = String(repeating: "x", count: 1_000_000)
        try folder.write(
            "long.yaml",
            Self.small.replacingOccurrences(of: "pathway: Small", with: "pathway: \"\(title)\"")
                .replacingOccurrences(of: "name: Clinic,", with: "name: \(name),"))
        let dot = folder.file("long.dot")
        let r = try cli.run(["render", folder.file("long.yaml"), "-o", dot])
        #expect(r.status == 0, "\(r.stderr.prefix(300))")
        // What Graphviz lays out: every label bounded, so layout time follows the pathway's size.
        let text = try String(contentsOfFile: dot, encoding: .utf8)
        #expect(text.utf8.count < 50_000, "\(text.utf8.count) bytes of DOT")
        let labels = text.matches(of: /(?:^|[ \[,])x?label="((?:[^"\\]|\\.)*)"/).map { $0.output.1 }
        #expect(labels.count >= 3)
        for label in labels { #expect(label.count <= 2 * 200, "a label of \(label.count) characters") }
        let svg = try cli.run(["render", folder.file("long.yaml"), "-o", folder.file("long.svg")])
        #expect(svg.status == 0, "\(svg.stderr.prefix(300))")
    }

    // MARK: 7. An output that is a device or a pipe

    @Test func aNamedPipeOrADeviceIsWrittenThroughNeverReplaced() throws {
        let folder = try Folder("device")
        try folder.write("in.yaml", Self.small)
        let fifo = folder.file("out.svg")
        #expect(mkfifo(fifo, 0o600) == 0)
        // Opened for reading first, without waiting, so the tool's open for writing succeeds.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        let r = try cli.run(["render", folder.file("in.yaml"), "-o", fifo])
        #expect(r.status == 0, "\(r.stderr)")
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "the pipe is still a pipe")
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        let got = read(reader, &buffer, buffer.count)
        #expect(got > 0 && String(decoding: buffer[0..<max(0, got)], as: UTF8.self).contains("<svg"))

        // A character device (a private /dev/null) where the tests may make one: as root.
        let device = folder.file("null.svg")
        if getuid() == 0, mknod(device, S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0 {
            let r = try cli.run(["render", folder.file("in.yaml"), "-o", device])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(lstat(device, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR, "the device is still a device")
        }
        // (Never tried on /dev/null itself: a build that replaced devices would replace the
        // machine's.)
        // A folder is refused, with its name.
        let into = try cli.run(["render", folder.file("in.yaml"), "-o", folder.path, "--format", "svg"])
        #expect(into.status == 73 && into.stderr.contains("\(folder.path): error: cannot write: it is a folder"))
    }

    // MARK: 8. Standard output that cannot be written

    @Test(arguments: [
        ["metrics", "--json"], ["metrics"], ["check"], ["check", "--json"], ["entry-points"],
        ["entry-points", "--json"],
        ["diff", "--json", "pathways/dementia-london-before.yaml"], ["diff", "pathways/dementia-london-before.yaml"],
    ])
    func aFullDiskOnStandardOutputFailsTheCommand(_ command: [String]) throws {
        let arguments = command + ["pathways/dementia-london-after.yaml"]
        let r = try cli.runProgram(
            "/bin/sh", ["-c", "exec \"$0\" \"$@\" > /dev/full", CLITests.tool.path] + arguments)
        #expect(r.status == 73, "\(command): \(r.status) \(r.stderr)")
        #expect(r.stderr.contains("cannot write to standard output: No space left on device"), "\(r.stderr)")
    }

    // MARK: 10. An output named as an input

    @Test func noCommandWritesOverItsInput() throws {
        let folder = try Folder("input")
        let input = folder.file("in.yaml")
        try folder.write("in.yaml", Self.small)
        let link = folder.file("link.html")
        #expect(symlink(input, link) == 0)
        let csv = folder.file("csv")
        try FileManager.default.createDirectory(atPath: csv, withIntermediateDirectories: true)
        try "id,organisation,sector\na,o,acute\n".write(
            toFile: csv + "/services.csv", atomically: false, encoding: .utf8)
        let cases: [[String]] = [
            ["report", input, "-o", input],
            ["report", input, "-o", link],
            ["report", "pathways/sexual-health-before.yaml", input, "-o", input],
            ["render", input, "-o", input, "--format", "svg"],
            ["render", csv, "-o", csv + "/services.csv", "--format", "svg"],
        ]
        for command in cases {
            let r = try cli.run(command)
            #expect(r.status == 73, "\(command): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("error: cannot write: it is"), "\(r.stderr)")
        }
        #expect(try String(contentsOfFile: input, encoding: .utf8) == Self.small)
        #expect(
            try String(contentsOfFile: csv + "/services.csv", encoding: .utf8) == "id,organisation,sector\na,o,acute\n")
    }
}
