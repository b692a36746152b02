import Dispatch

/// A JSON value with a deterministic serialisation: object keys sorted by their UTF-8 bytes,
/// two-space indentation, numbers in their shortest exact form. Outputs diff cleanly.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }

    public static func optionalString(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }

    public static func optionalInt(_ value: Int?) -> JSONValue { value.map { .int($0) } ?? .null }

    /// The serialised text, with a final newline.
    public func serialized() -> String {
        String(decoding: serializedBytes(), as: UTF8.self)
    }

    /// The serialised text as UTF-8, with a final newline.
    public func serializedBytes() -> [UInt8] {
        var out: [UInt8] = []
        write(to: &out, indent: 0, parallelDepth: 2)
        out.append(0x0A)
        return out
    }

    /// The members of a large object written side by side on the cores, each into its own
    /// buffer, then joined in key order: the same bytes as writing them one by one.
    private static func writeMembers(
        _ members: [String: JSONValue], keys: [String], indent: Int, parallelDepth: Int
    ) -> [[UInt8]] {
        let parts = Parts(count: keys.count)
        DispatchQueue.concurrentPerform(iterations: keys.count) { k in
            var part: [UInt8] = []
            members[keys[k]]!.write(to: &part, indent: indent, parallelDepth: parallelDepth)
            parts.set(k, part)
        }
        return parts.values
    }

    /// One result per member, each written by one thread.
    final class Parts: @unchecked Sendable {
        private let storage: UnsafeMutableBufferPointer<[UInt8]>

        init(count: Int) {
            storage = .allocate(capacity: count)
            storage.initialize(repeating: [])
        }

        func set(_ k: Int, _ value: [UInt8]) { storage[k] = value }

        /// Value `k`, left empty here.
        func take(_ k: Int) -> [UInt8] {
            var value: [UInt8] = []
            swap(&value, &storage[k])
            return value
        }

        var values: [[UInt8]] { Array(storage) }

        deinit {
            storage.deinitialize()
            storage.deallocate()
        }
    }

    /// The number of values inside, up to `limit`: whether an object is worth writing on
    /// several cores.
    private func size(limit: Int) -> Int {
        switch self {
        case .array(let items):
            var total = items.count
            for item in items where total < limit { total += item.size(limit: limit - total) }
            return total
        case .object(let members):
            var total = members.count
            for value in members.values where total < limit { total += value.size(limit: limit - total) }
            return total
        default: return 1
        }
    }

    private static let spaces = [UInt8](repeating: 0x20, count: 64)

    static func indent(_ count: Int, _ out: inout [UInt8]) {
        if count <= spaces.count {
            out.append(contentsOf: spaces[0..<count])
        } else {
            for _ in 0..<count { out.append(0x20) }
        }
    }

    static func append(_ text: StaticString, _ out: inout [UInt8]) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    func write(to out: inout [UInt8], indent: Int, parallelDepth: Int = 0) {
        switch self {
        case .null: Self.append("null", &out)
        case .bool(let b): Self.append(b ? "true" : "false", &out)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d):
            Self.writeDouble(d, to: &out)
        case .string(let s): JSONValue.writeString(s, to: &out)
        case .array(let items):
            if items.isEmpty {
                Self.append("[]", &out)
                return
            }
            Self.append("[\n", &out)
            for (k, item) in items.enumerated() {
                Self.indent(indent + 2, &out)
                item.write(to: &out, indent: indent + 2)
                Self.append(k + 1 < items.count ? ",\n" : "\n", &out)
            }
            Self.indent(indent, &out)
            Self.append("]", &out)
        case .object(let members):
            if members.isEmpty {
                Self.append("{}", &out)
                return
            }
            Self.append("{\n", &out)
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let parts: [[UInt8]]? =
                parallelDepth > 0 && keys.count > 1 && size(limit: 100_000) >= 100_000
                ? Self.writeMembers(members, keys: keys, indent: indent + 2, parallelDepth: parallelDepth - 1) : nil
            for (k, key) in keys.enumerated() {
                Self.indent(indent + 2, &out)
                JSONValue.writeString(key, to: &out)
                Self.append(": ", &out)
                if let parts {
                    out.append(contentsOf: parts[k])
                } else {
                    members[key]!.write(to: &out, indent: indent + 2)
                }
                Self.append(k + 1 < keys.count ? ",\n" : "\n", &out)
            }
            Self.indent(indent, &out)
            Self.append("}", &out)
        }
    }

    /// A JSON string: `"`, `\\` and control characters escaped, and U+2028 and U+2029 too so
    /// the text is also valid JavaScript.
    /// A number in its shortest exact form; a whole one with `.0`, so it stays a float.
    static func writeDouble(_ d: Double, to out: inout [UInt8]) {
        if d.isFinite {
            out.append(contentsOf: (d == d.rounded() && abs(d) < 1e15 ? String(format: d) : "\(d)").utf8)
        } else {
            append("null", &out)
        }
    }

    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var plain = true
            for b in bytes where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b == 0xE2 {
                plain = false
                break
            }
            if plain {
                out.append(contentsOf: bytes)
                return
            }
            var k = 0
            while k < bytes.count {
                let b = bytes[k]
                switch b {
                case UInt8(ascii: "\""): append("\\\"", &out)
                case UInt8(ascii: "\\"): append("\\\\", &out)
                case 0x0A: append("\\n", &out)
                case 0x0D: append("\\r", &out)
                case 0x09: append("\\t", &out)
                case 0xE2
                where k + 2 < bytes.count && bytes[k + 1] == 0x80 && (bytes[k + 2] == 0xA8 || bytes[k + 2] == 0xA9):
                    append(bytes[k + 2] == 0xA8 ? "\\u2028" : "\\u2029", &out)
                    k += 2
                default:
                    if b < 0x20 {
                        let hex = Array("0123456789abcdef".utf8)
                        append("\\u00", &out)
                        out.append(hex[Int(b >> 4)])
                        out.append(hex[Int(b & 15)])
                    } else {
                        out.append(b)
                    }
                }
                k += 1
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension String {
    /// A whole double written with one decimal place (`2.0`), so it stays a float in JSON.
    fileprivate init(format d: Double) {
        self = String(Int64(d)) + ".0"
    }
}
