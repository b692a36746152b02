import Foundation

/// A shell script that a test runs in place of the drawing worker.
///
/// A child shell writes it, never a descriptor of this process. Tests run side by side, and a
/// process one of them starts meanwhile (Chromium, another worker) holds a copy of whatever
/// this process has open until it runs its program; while any process holds a script open for
/// writing the kernel will not run it (ETXTBSY), and the worker fails to start.
public enum ScriptFile {
    /// A new executable file in the temporary folder holding `text`, named `prefix-UUID.sh`.
    public static func executable(_ text: String, prefix: String = "worker") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString).sh")
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "cat > \"$1\" && chmod 755 \"$1\"", "sh", url.path]
        let input = Pipe()
        shell.standardInput = input
        try shell.run()
        try input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
        try input.fileHandleForWriting.close()
        shell.waitUntilExit()
        guard shell.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        return url
    }
}
