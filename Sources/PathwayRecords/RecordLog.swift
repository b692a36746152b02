import PathwayCore

/// The two shapes of a records file (`shared/pathway-format.md` section 5).
public enum RecordShape: String, Sendable, Equatable {
    /// A patient reached a service at a time: consecutive events of a patient are a transition.
    case events
    /// Each row is one transition from → to.
    case referrals
}

/// Which columns of a records file hold what. Each name may be mapped by an option
/// (`--patient`, `--service`, `--from`, `--to`, `--time`, `--organisation`).
public struct RecordColumns: Sendable, Equatable {
    public var patient = "patient"
    public var service = "service"
    public var from = "from"
    public var to = "to"
    public var time = "time"
    /// Read when the header has it; named by `--organisation` it is required.
    public var organisation = "organisation"
    /// `organisation` was named by an option, so the file must have it.
    public var organisationRequired = false

    public init() {}
}

/// How to read a records file.
public struct RecordOptions: Sendable, Equatable {
    /// The field separator; nil finds it from the header line (`,`, `;` or tab).
    public var delimiter: UInt8?
    public var columns = RecordColumns()

    public init(delimiter: UInt8? = nil, columns: RecordColumns = RecordColumns()) {
        self.delimiter = delimiter
        self.columns = columns
    }
}

/// A records file read into columns: one entry per row in each array, services and
/// organisations named once each (interned), in the order first seen, and patients numbered in
/// that order. Patients are counted, not named: no figure names a patient, and the names of
/// 25 million patients (10^8 rows) would hold 400 MB for nothing.
public struct RecordLog: Sendable, Equatable {
    public var file: String
    public var shape: RecordShape
    /// How many distinct patients the rows name; `patient` numbers them from 0.
    public var patientCount = 0
    public var serviceNames: [String] = []
    public var organisationNames: [String] = []
    /// Per row: the patient.
    public var patient: [Int32] = []
    /// Per row: the service reached (event rows) or the `to` (referral rows).
    public var service: [Int32] = []
    /// Per row, referral rows only: the `from`.
    public var from: [Int32] = []
    /// Per row, when the file has an organisation column: the organisation of the service
    /// reached (the receiving side of a referral).
    public var organisation: [Int32] = []
    /// Per row: nanoseconds since 1970 in UTC.
    public var time: [Int64] = []

    public init(file: String, shape: RecordShape) {
        self.file = file
        self.shape = shape
    }

    public var count: Int { patient.count }

    /// Lets the rows' columns go, keeping the file, the shape and the names: for when the
    /// rows live on elsewhere (``PatientJourneys`` holds them in journey order), at 10^8 rows
    /// 1.6 GB. `count` is 0 afterwards.
    public mutating func dropRows() {
        (patient, service, from, organisation, time) = ([], [], [], [], [])
    }
    /// The file has an organisation column (even if it has no rows).
    public var organisationColumn = false
}

/// Names → small integers, in the order first seen.
struct Interner {
    var index: [String: Int32] = [:]
    var names: [String] = []

    mutating func intern(_ name: String) -> Int32 {
        if let k = index[name] { return k }
        let k = Int32(names.count)
        index[name] = k
        names.append(name)
        return k
    }
}

/// Loads a records file: XES (`.xes`) or delimited text.
public enum RecordFiles {
    public static func load(
        _ path: String, options: RecordOptions = RecordOptions(), progress: RunProgress? = nil
    ) throws(PathwayLoadError) -> RecordLog {
        if path.lowercased().hasSuffix(".xes") { return try XESReader.load(path, options: options) }
        return try DelimitedRecordReader.load(path, options: options, progress: progress)
    }
}
