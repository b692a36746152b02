import Foundation

#if canImport(Glibc)
    import Glibc
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    import Darwin
    private let systemWrite = Darwin.write
#endif

/// Why an output could not be written, said for the person who named it.
public struct OutputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): error: cannot write: \(message)" }
}

/// Writes a command's output files so that nothing is half-written and nothing else is hit.
///
/// - A regular file (or a new name) is replaced whole: the bytes go to a temporary file in the
///   same folder, created by `mkstemp` (an unpredictable name, opened with `O_EXCL`, so a link
///   planted there is never followed), and then renamed over the target. A failure leaves the
///   earlier file as it was. The new file keeps the old one's permissions, or takes the usual
///   ones (0666 less the umask) when it is new.
/// - A link is followed to the file it names, which is replaced (the link is kept).
/// - A character device or a named pipe (`/dev/null`, `/dev/stdout`, a FIFO) is written
///   through, never replaced.
/// - Anything else (a folder, a socket, a block device) is refused, as is any input of the
///   command: a report is never written over the pathway it was made from.
public enum OutputFile {
    /// Writes `bytes` to `path`, refusing it when it is one of `inputs` (files, or folders of
    /// the CSV pair, whose `services.csv` and `routes.csv` are inputs).
    public static func write(_ bytes: [UInt8], to path: String, inputs: [String] = []) throws(OutputError) {
        var target = stat()
        if stat(path, &target) == 0 {
            if let input = inputFiles(inputs).first(where: { same($0, as: target) }) {
                throw OutputError(
                    path: path, input == path ? "it is an input of this command" : "it is the input \(input)")
            }
            switch target.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFCHR, S_IFIFO: return try writeThrough(bytes, to: path)
            case S_IFDIR: throw OutputError(path: path, "it is a folder; give a file name")
            default: throw OutputError(path: path, "it is not a regular file (a socket or a block device)")
            }
        }
        // The file a link names is the one replaced, so that the link itself is kept.
        let real = realTarget(path)
        let url = URL(fileURLWithPath: real)
        let folder = url.deletingLastPathComponent().path
        var template = Array(
            (folder as NSString).appendingPathComponent(".\(url.lastPathComponent).XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw OutputError(path: path, String(cString: strerror(errno))) }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do throws(OutputError) {
            let mode = stat(real, &target) == 0 ? target.st_mode & 0o7777 : 0o666 & ~currentUmask()
            fchmod(fd, mode)
            try writeAll(bytes, to: fd, path: path)
            guard close(fd) == 0 else { throw OutputError(path: path, String(cString: strerror(errno))) }
            guard rename(temporary, real) == 0 else { throw OutputError(path: path, String(cString: strerror(errno))) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
    }

    /// Writes `bytes` to standard output, saying when they could not all be written (a full
    /// disk, a closed pipe).
    public static func writeStandardOutput(_ bytes: [UInt8]) throws(OutputError) {
        try writeAll(bytes, to: STDOUT_FILENO, path: "standard output")
    }

    static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(OutputError) {
        var written = 0
        let failure: Int32? = bytes.withUnsafeBufferPointer { buffer in
            while written < buffer.count {
                let n = systemWrite(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { return errno }
                if n == 0 { return ENOSPC }
                written += n
            }
            return nil
        }
        if let failure { throw OutputError(path: path, String(cString: strerror(failure))) }
    }

    private static func writeThrough(_ bytes: [UInt8], to path: String) throws(OutputError) {
        let fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { throw OutputError(path: path, String(cString: strerror(errno))) }
        do throws(OutputError) {
            try writeAll(bytes, to: fd, path: path)
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw OutputError(path: path, String(cString: strerror(errno))) }
    }

    /// The path with every link followed, or the path itself when it names nothing yet (or a
    /// link to nothing: the link is then replaced).
    private static func realTarget(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func inputFiles(_ inputs: [String]) -> [String] {
        inputs.flatMap { input -> [String] in
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isFolder), isFolder.boolValue
            else { return [input] }
            return [
                input, (input as NSString).appendingPathComponent("services.csv"),
                (input as NSString).appendingPathComponent("routes.csv"),
            ]
        }
    }

    private static func same(_ input: String, as target: stat) -> Bool {
        var info = stat()
        return stat(input, &info) == 0 && info.st_dev == target.st_dev && info.st_ino == target.st_ino
    }

    private static func currentUmask() -> mode_t {
        let mask = umask(0o022)
        umask(mask)
        return mask
    }
}
