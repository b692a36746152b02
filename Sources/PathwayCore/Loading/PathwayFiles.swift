import Foundation

/// Finds and loads pathway files by path: a YAML file (`.yaml`, `.yml`), a folder holding the
/// CSV pair, or `services.csv` itself.
public enum PathwayFiles {
    /// Loads the pathway at `path`, choosing the format from what is there.
    public static func load(_ path: String) throws(PathwayLoadError) -> Pathway {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PathwayLoadError(file: path, "no such file or folder")
        }
        if isDirectory.boolValue {
            guard isCSVFolder(path) else {
                throw PathwayLoadError(
                    file: path, "is a folder without services.csv: expected a pathway file or a CSV pair")
            }
            return try CSVPathwayLoader.load(folder: path)
        }
        let name = (path as NSString).lastPathComponent
        if name == "services.csv" || name == "routes.csv" {
            return try CSVPathwayLoader.load(
                folder: (path as NSString).deletingLastPathComponent.isEmpty
                    ? "." : (path as NSString).deletingLastPathComponent)
        }
        return try YAMLPathwayLoader.load(path: path)
    }

    /// What the metrics read from the pathway at `path`: a CSV folder (or either of its files)
    /// is read straight into columns by ``CSVNetworkLoader``; a YAML file through ``load(_:)``.
    /// The same files load, with the same errors, as by ``load(_:)``.
    public static func loadNetwork(_ path: String) throws(PathwayLoadError) -> PathwayNetwork {
        var isDirectory: ObjCBool = false
        let name = (path as NSString).lastPathComponent
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue && isCSVFolder(path) { return try CSVNetworkLoader.load(folder: path) }
            if !isDirectory.boolValue && (name == "services.csv" || name == "routes.csv") {
                let folder = (path as NSString).deletingLastPathComponent
                return try CSVNetworkLoader.load(folder: folder.isEmpty ? "." : folder)
            }
        }
        return PathwayNetwork(try load(path))
    }

    /// Whether the YAML file at `path` is a profiles file (section 4) rather than a pathway.
    public static func isProfilesFile(_ path: String) -> Bool {
        guard let text = try? TextInput.read(path, limit: YAMLPathwayLoader.maximumFileSize) else { return false }
        return YAMLPathwayLoader.isProfilesFile(text: text[...])
    }

    static func isCSVFolder(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("services.csv"))
    }

    /// The pathways named by `paths`: files as given, and for each folder that is not a CSV
    /// pair, the YAML files and CSV-pair folders inside it (searched recursively), sorted.
    /// Profiles files found in folders are left out unless `profiles`.
    public static func expand(_ paths: [String], profiles: Bool = false) -> [String] {
        var result: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
                isDirectory.boolValue, !isCSVFolder(path)
            else {
                result.append(path)
                continue
            }
            var found: [String] = []
            let enumerator = FileManager.default.enumerator(atPath: path)
            while let relative = enumerator?.nextObject() as? String {
                let full = (path as NSString).appendingPathComponent(relative)
                let ext = (relative as NSString).pathExtension.lowercased()
                if ext == "yaml" || ext == "yml" {
                    if profiles || !isProfilesFile(full) { found.append(full) }
                } else if (relative as NSString).lastPathComponent == "services.csv" {
                    found.append((full as NSString).deletingLastPathComponent)
                }
            }
            result.append(contentsOf: found.sorted())
        }
        return result
    }
}
