import Foundation

/// `manifest.json` of a period folder (SPEC §6): every file with its SHA-256, the reports
/// with their reproducibility records (statement hashes included), the run's options, the
/// period, the generation time and the tool version. Keys are snake_case; times are ISO 8601
/// in UTC; files and reports are sorted by path and id, so the same run gives the same bytes.
public struct OutputManifest: Codable, Sendable, Equatable {
    public static let fileName = "manifest.json"

    public var manifestVersion: Int
    public var period: String
    /// When the last run that wrote into this folder ran.
    public var generatedAt: String
    public var toolVersion: String
    /// The last run's options (every password and secret masked by the caller).
    public var options: [Setting]
    public var reports: [Report]
    public var files: [File]

    /// An option as `name`/`value`, the same record the documents carry.
    public typealias Setting = Reproducibility.Setting

    /// One report's record, from its `Reproducibility`.
    public struct Report: Codable, Sendable, Equatable {
        public var report: String
        public var title: String?
        public var toolVersion: String?
        public var generatedAt: String?
        public var dataAsOf: String?
        public var timeZone: String?
        public var period: String?
        public var periodStart: String?
        public var periodEnd: String?
        public var options: [Setting]
        public var statements: [Statement]

        public init(
            report: String, title: String? = nil, toolVersion: String? = nil, generatedAt: String? = nil,
            dataAsOf: String? = nil, timeZone: String? = nil, period: String? = nil, periodStart: String? = nil,
            periodEnd: String? = nil, options: [Setting] = [], statements: [Statement] = []
        ) {
            self.report = report
            self.title = title
            self.toolVersion = toolVersion
            self.generatedAt = generatedAt
            self.dataAsOf = dataAsOf
            self.timeZone = timeZone
            self.period = period
            self.periodStart = periodStart
            self.periodEnd = periodEnd
            self.options = options
            self.statements = statements
        }

        /// The record of `document`.
        public init(_ document: ReportDocument) {
            let record = document.reproducibility
            let utc = TimeZone(identifier: "UTC")!
            self.init(
                report: document.report, title: document.title, toolVersion: record.toolVersion,
                generatedAt: MachineText.timestamp(record.generatedAt, timeZone: utc),
                dataAsOf: MachineText.timestamp(record.dataAsOf, timeZone: utc), timeZone: record.timeZone,
                period: record.period, periodStart: record.periodStart.description,
                periodEnd: record.periodEnd.description,
                options: record.options,
                statements: record.statements.map { Statement(name: $0.name, sha256: $0.value) })
        }
    }

    /// An SQL statement by name with the SHA-256 of its text.
    public struct Statement: Codable, Sendable, Equatable {
        public var name: String
        public var sha256: String
        public init(name: String, sha256: String) {
            self.name = name
            self.sha256 = sha256
        }
    }

    public struct File: Codable, Sendable, Equatable {
        /// Relative to the period folder, e.g. `ab-test.csv`.
        public var path: String
        /// The report the file belongs to.
        public var report: String
        public var bytes: Int
        public var sha256: String
        public init(path: String, report: String, bytes: Int, sha256: String) {
            self.path = path
            self.report = report
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    public init(
        manifestVersion: Int = 1, period: String, generatedAt: String, toolVersion: String,
        options: [Setting], reports: [Report], files: [File]
    ) {
        self.manifestVersion = manifestVersion
        self.period = period
        self.generatedAt = generatedAt
        self.toolVersion = toolVersion
        self.options = options
        self.reports = reports
        self.files = files
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    public static func decode(_ data: Data) throws -> OutputManifest {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(OutputManifest.self, from: data)
    }
}
